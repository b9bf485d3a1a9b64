import anyTest, { TestFn } from 'ava';
import { ScheduledPost, XAccount } from '../../src/db';
import type { OAuth2Credentials } from '../../src/x/client';
import { tokenForm } from '../helpers/fakeX';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** Creates a tenant whose OAuth 2.0 access token expired a minute ago, and registers its refresh token with the fake X if accepted. */
async function expiredTenant(stack: TestStack, name: string, options: { isRefreshAccepted: boolean }) {
  const refreshToken = `refresh-${name}`;
  if (options.isRefreshAccepted) {
    stack.fakeX.refreshTokens.set(refreshToken, `access-${name}-new`);
  }
  const tenant = await stack.createTenant({
    credentials: { type: 'oauth2', accessToken: `access-${name}-expired`, refreshToken, expiresAt: new Date(Date.now() - 60_000) },
  });
  return { ...tenant, refreshToken };
}

function refreshRequests(stack: TestStack, refreshToken: string) {
  return stack.fakeX.tokenRequests().filter((request) => tokenForm(request).get('refresh_token') === refreshToken);
}

test('expired token is refreshed before publishing', async (t) => {
  const { stack } = t.context;
  const tenant = await expiredTenant(stack, 'solo', { isRefreshAccepted: true });
  const text = 'Posted with a fresh token';

  const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, text);
  const outcome = await stack.workflowResult(workflowId);

  t.is(outcome.status, 'published');
  const [refresh] = refreshRequests(stack, tenant.refreshToken);
  const [tweet] = stack.fakeX.tweetRequests(text);
  t.truthy(refresh);
  t.is(refresh.headers.authorization, `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`);
  t.regex(String(refresh.headers['content-type']), /^application\/x-www-form-urlencoded/);
  t.is(new URLSearchParams(refresh.body).get('grant_type'), 'refresh_token');
  t.true(refresh.receivedAt <= tweet.receivedAt);
  t.is(tweet.headers.authorization, 'Bearer access-solo-new');

  const account = (await XAccount.findByPk(tenant.account.id))!;
  t.deepEqual(stack.secrets.openJson<OAuth2Credentials>(account.credentials), {
    accessToken: 'access-solo-new',
    refreshToken: 'refresh-solo-rotated',
  });
  t.false(account.credentials.includes('access-solo-new'), 'credentials must be stored sealed');
  const expiresInMs = account.accessTokenExpiresAt!.getTime() - Date.now();
  t.true(expiresInMs > 7_100_000 && expiresInMs <= 7_200_000, `expires in ${expiresInMs} ms`);
  t.is((await ScheduledPost.findByPk(id))?.status, 'published');
});

test('new token pair is stored even if the tweet fails', async (t) => {
  const { stack } = t.context;
  const tenant = await expiredTenant(stack, 'unlucky', { isRefreshAccepted: true });
  const text = 'Refreshed, then X broke';
  stack.fakeX.respondToText(text, { kind: 'error', status: 503, body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 } });

  const { workflow_id: workflowId } = await stack.schedulePost(tenant, text);
  const outcome = await stack.workflowResult(workflowId);

  t.is(outcome.status, 'unknown');
  const account = (await XAccount.findByPk(tenant.account.id))!;
  t.deepEqual(stack.secrets.openJson<OAuth2Credentials>(account.credentials), {
    accessToken: 'access-unlucky-new',
    refreshToken: 'refresh-unlucky-rotated',
  });
});

test('simultaneous posts of one account refresh once', async (t) => {
  const { stack } = t.context;
  const tenant = await expiredTenant(stack, 'busy', { isRefreshAccepted: true });
  const scheduledAt = new Date(Date.now() + 2_000).toISOString();

  const posts = await Promise.all([
    stack.schedulePost(tenant, 'First of two at once', scheduledAt),
    stack.schedulePost(tenant, 'Second of two at once', scheduledAt),
  ]);
  const outcomes = await Promise.all(posts.map((post) => stack.workflowResult(post.workflow_id)));

  t.deepEqual(outcomes.map((outcome) => outcome.status), ['published', 'published']);
  t.is(refreshRequests(stack, tenant.refreshToken).length, 1);
  t.is(refreshRequests(stack, `${tenant.refreshToken}-rotated`).length, 0);
  const tweets = [...stack.fakeX.tweetRequests('First of two at once'), ...stack.fakeX.tweetRequests('Second of two at once')];
  t.is(tweets.length, 2);
  t.log(`tweets sent ${Math.abs(tweets[0].receivedAt - tweets[1].receivedAt)} ms apart`);
  for (const tweet of tweets) {
    t.is(tweet.headers.authorization, 'Bearer access-busy-new');
  }
});

test('rejected refresh fails the post', async (t) => {
  const { stack } = t.context;
  const tenant = await expiredTenant(stack, 'revoked', { isRefreshAccepted: false });
  const text = 'Never leaves the building';

  const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, text);
  const outcome = await stack.workflowResult(workflowId);

  t.is(outcome.status, 'failed');
  t.is(refreshRequests(stack, tenant.refreshToken).length, 1);
  t.is(stack.fakeX.tweetRequests(text).length, 0);
  const post = (await ScheduledPost.findByPk(id))!;
  t.is(post.status, 'failed');
  t.is(post.failureCode, 'x_unauthorized');
  t.log(`failure reason: ${post.failureReason}`);
  t.is(post.failureReason, "X rejected the request to refresh the account's token (invalid_request: Value passed for the token was invalid.); connect the account again.");
});
