import anyTest, { ExecutionContext, TestFn } from 'ava';
import { ScheduledPost } from '../../src/db';
import type { TweetBehaviour } from '../helpers/fakeX';
import { NotificationReceiver, verifyNotification } from '../helpers/receiver';
import { TestStack } from '../helpers/stack';

// The stack runs with X_REQUEST_TIMEOUT=2s.
const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/**
 * Publishes `text` at once while the fake X responds with `behaviours`, waits for the workflow to
 * finish (so no retry can still be on its way) and returns the post and the tweet calls X received.
 */
async function publishWith(t: ExecutionContext<{ stack: TestStack }>, text: string, behaviours: TweetBehaviour[], notificationUrl?: string) {
  const { stack } = t.context;
  stack.fakeX.respondToText(text, ...behaviours);
  const tenant = await stack.createTenant({ notificationUrl });
  const started = Date.now();

  const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, text);
  const outcome = await stack.workflowResult(workflowId);

  return { tenant, outcome, post: (await ScheduledPost.findByPk(id))!, tweets: stack.fakeX.tweetRequests(text), elapsedMs: Date.now() - started };
}

function xProblem(status: number, title: string, detail: string, type = 'about:blank') {
  return { title, detail, type, status };
}

test('duplicate content fails with X reason', async (t) => {
  const receiver = new NotificationReceiver();
  await receiver.start();
  t.teardown(() => receiver.stop());
  const detail = 'You are not allowed to create a Tweet with duplicate content.';

  const { tenant, outcome, post, tweets } = await publishWith(
    t,
    'Duplicate of yesterday',
    [{ kind: 'error', status: 403, body: xProblem(403, 'Forbidden', detail) }],
    receiver.url,
  );
  await receiver.waitFor(1);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'failed');
  t.is(post.status, 'failed');
  t.is(post.failureCode, 'x_duplicate_content');
  t.is(post.failureReason, detail);
  const event = verifyNotification(tenant.signingSecret!, receiver.received[0]);
  t.is(event.type, 'post.failed');
  t.is(event.data.post_id, post.id);
  t.deepEqual(event.data.error, { code: 'x_duplicate_content', message: detail });
});

test('X hanging leaves post unknown after one POST', async (t) => {
  const { outcome, post, tweets, elapsedMs } = await publishWith(t, 'X never answers', [{ kind: 'hang' }]);

  t.log(`workflow finished ${elapsedMs} ms after scheduling, with X_REQUEST_TIMEOUT=2s`);
  t.is(tweets.length, 1);
  t.is(outcome.status, 'unknown');
  t.is(post.status, 'unknown');
  t.is(post.failureCode, 'x_outcome_unknown');
  t.regex(post.failureReason ?? '', /^X did not respond/);
});

test('connection reset leaves post unknown after one POST', async (t) => {
  const { outcome, post, tweets } = await publishWith(t, 'X drops the connection', [{ kind: 'reset' }]);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'unknown');
  t.is(post.status, 'unknown');
  t.is(post.failureCode, 'x_outcome_unknown');
  t.regex(post.failureReason ?? '', /^X did not respond/);
});

test('X 500 leaves post unknown after one POST', async (t) => {
  const { outcome, post, tweets } = await publishWith(t, 'X has a bad day', [
    { kind: 'error', status: 500, body: xProblem(500, 'Internal Server Error', 'Something went wrong.') },
  ]);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'unknown');
  t.is(post.status, 'unknown');
  t.regex(post.failureReason ?? '', /X responded with 500/);
});

test('rate limit waits for reset, then publishes', async (t) => {
  let resetAtMs = 0;
  const rateLimited: TweetBehaviour = {
    kind: 'error',
    status: 429,
    body: xProblem(429, 'Too Many Requests', 'Too Many Requests'),
    headers: () => {
      const resetSeconds = Math.ceil(Date.now() / 1000) + 2;
      resetAtMs = resetSeconds * 1000;
      return { 'x-rate-limit-reset': String(resetSeconds) };
    },
  };

  const { outcome, post, tweets } = await publishWith(t, 'Patience pays off', [rateLimited]);

  t.is(tweets.length, 2);
  t.log(`second POST ${tweets[1].receivedAt - resetAtMs} ms after x-rate-limit-reset, ${tweets[1].receivedAt - tweets[0].receivedAt} ms after the first`);
  t.true(tweets[1].receivedAt >= resetAtMs, `retried ${resetAtMs - tweets[1].receivedAt} ms before the reset`);
  t.true(tweets[1].receivedAt < resetAtMs + 2_000, `retried ${tweets[1].receivedAt - resetAtMs} ms after the reset`);
  t.is(outcome.status, 'published');
  t.is(post.status, 'published');
  t.truthy(post.tweetId);
});

test('rate limit on every attempt gives up', async (t) => {
  const receiver = new NotificationReceiver();
  await receiver.start();
  t.teardown(() => receiver.stop());
  // A reset one second ahead makes each retry wait the activity's 1 s minimum.
  const rateLimited: TweetBehaviour = {
    kind: 'error',
    status: 429,
    body: xProblem(429, 'Too Many Requests', 'Too Many Requests'),
    headers: () => ({ 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000)) }),
  };

  const { tenant, outcome, post, tweets } = await publishWith(t, 'Never gets through', Array(10).fill(rateLimited), receiver.url);
  await receiver.waitFor(1);

  t.is(tweets.length, 10);
  t.is(outcome.status, 'failed');
  t.is(post.status, 'failed');
  t.is(post.failureCode, 'publish_error');
  t.is(post.failureReason, 'Publishing gave up; the last attempt failed with: X rate limit reached on attempt 10 of 10; the limit resets in 1 s.');
  const event = verifyNotification(tenant.signingSecret!, receiver.received[0]);
  t.deepEqual(event.data.error, { code: 'publish_error', message: post.failureReason });
});

test('usage cap fails without retry', async (t) => {
  const { outcome, post, tweets } = await publishWith(t, 'Over the monthly cap', [
    {
      kind: 'error',
      status: 429,
      body: { ...xProblem(429, 'UsageCapExceeded', 'Usage cap exceeded: Monthly product cap', 'https://api.twitter.com/2/problems/usage-capped'), period: 'Monthly', scope: 'Product' },
    },
  ]);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'failed');
  t.is(post.failureCode, 'x_usage_capped');
  t.regex(post.failureReason ?? '', /Usage cap exceeded/);
});

test('payment required fails without retry', async (t) => {
  const { outcome, post, tweets } = await publishWith(t, 'No credits left', [
    { kind: 'error', status: 402, body: xProblem(402, 'Payment Required', 'Your account does not have any credits to fulfill this request.') },
  ]);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'failed');
  t.is(post.failureCode, 'x_credits_depleted');
  t.regex(post.failureReason ?? '', /does not have any credits/);
});

test('revoked OAuth 1.0a token fails as unauthorized', async (t) => {
  const { outcome, post, tweets } = await publishWith(t, 'Token was revoked', [
    { kind: 'error', status: 401, body: xProblem(401, 'Unauthorized', 'Unauthorized') },
  ]);

  t.is(tweets.length, 1);
  t.regex(String(tweets[0].headers.authorization), /^OAuth /);
  t.is(outcome.status, 'failed');
  t.is(post.failureCode, 'x_unauthorized');
  t.regex(post.failureReason ?? '', /connect the account again/);
});

test('bad request fails with X reason', async (t) => {
  const { outcome, post, tweets } = await publishWith(t, 'X rejects the request', [
    { kind: 'error', status: 400, body: { errors: [{ message: 'Invalid Request: One or more parameters to your request was invalid.' }], title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request' } },
  ]);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'failed');
  t.is(post.failureCode, 'x_rejected');
  t.regex(post.failureReason ?? '', /X responded with 400: Invalid Request: One or more parameters/);
});

test('success in an unexpected shape leaves post unknown', async (t) => {
  // X responds 201 without a post ID. The post may be on X, and nothing identifies it.
  const { outcome, post, tweets } = await publishWith(t, 'Created without an ID', [{ kind: 'error', status: 201, body: {} }]);

  t.is(tweets.length, 1);
  t.is(outcome.status, 'unknown');
  t.is(post.status, 'unknown');
  t.is(post.failureCode, 'x_outcome_unknown');
  t.regex(post.failureReason ?? '', /unexpected error/);
});
