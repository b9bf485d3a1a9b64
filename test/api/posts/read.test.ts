import crypto from 'node:crypto';
import anyTest, { TestFn } from 'ava';
import { connectXAccount } from '../../../src/domain/admin';
import { inSeconds, schedulePost } from '../../helpers/posts';
import { NotificationReceiver } from '../../helpers/receiver';
import { eventually, TestStack } from '../../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('GET shows a published post with its delivery attempts', async (t) => {
  const { stack } = t.context;
  const receiver = new NotificationReceiver([500]);
  await receiver.start();
  t.teardown(() => receiver.stop());
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const scheduled = await schedulePost(stack, tenant, { text: 'Shown with attempts', scheduledAt: inSeconds(0) });
  t.is(scheduled.status, 201, scheduled.text);
  await receiver.waitFor(2, 15_000);

  const shown = await eventually(async () => {
    const response = await stack.request('GET', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token });
    return response.body.notification_status === 'delivered' ? response : undefined;
  }, 10_000, 'the delivered notification');
  t.is(shown.status, 200);
  t.is(shown.body.status, 'published');
  t.regex(shown.body.tweet_id, /^\d+$/);
  t.is(shown.body.tweet_url, `https://x.com/autotweet_test/status/${shown.body.tweet_id}`);
  t.truthy(shown.body.published_at);
  t.is(shown.body.failure, null);
  t.is(shown.body.delivery_attempts.length, 2);
  t.like(shown.body.delivery_attempts[0], { event_type: 'post.published', attempt: 1, status_code: 500 });
  t.like(shown.body.delivery_attempts[1], { event_type: 'post.published', attempt: 2, status_code: 200, error: null });
});

test('another workspace gets the same 404 as a missing post', async (t) => {
  const { stack } = t.context;
  const owner = await stack.createTenant();
  const stranger = await stack.createTenant();
  const scheduled = await schedulePost(stack, owner, { text: 'Private post', scheduledAt: inSeconds(3600) });
  const missingId = crypto.randomUUID();

  for (const [method, body] of [['GET', undefined], ['PATCH', { text: 'Hijacked' }], ['DELETE', undefined]] as const) {
    const foreign = await stack.request(method, `/api/webhooks/posts/${scheduled.body.id}`, { token: stranger.token, body });
    const missing = await stack.request(method, `/api/webhooks/posts/${missingId}`, { token: stranger.token, body });
    t.is(foreign.status, 404, `${method}: ${foreign.text}`);
    t.is(missing.status, 404, `${method}: ${missing.text}`);
    t.is(foreign.body.error.code, 'post_not_found');
    t.is(foreign.body.error.message.replace(scheduled.body.id, 'ID'), missing.body.error.message.replace(missingId, 'ID'));
  }
  const shown = await stack.request('GET', `/api/webhooks/posts/${scheduled.body.id}`, { token: owner.token });
  t.is(shown.body.status, 'scheduled');
  t.is(shown.body.text, 'Private post');
});

test('DELETE cancels a scheduled post', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'Deleted before its time', scheduledAt: inSeconds(3600) });
  const path = `/api/webhooks/posts/${scheduled.body.id}`;

  const deleted = await stack.request('DELETE', path, { token: tenant.token });
  t.is(deleted.status, 200, deleted.text);
  t.is(deleted.body.status, 'cancelled');
  const handle = stack.client.workflow.getHandle(scheduled.body.workflow_id);
  await t.throwsAsync(handle.result());
  t.is((await handle.describe()).status.name, 'CANCELLED');

  const again = await stack.request('DELETE', path, { token: tenant.token });
  t.is(again.status, 200, again.text);
  t.is(again.body.status, 'cancelled');
  const edited = await stack.request('PATCH', path, { token: tenant.token, body: { text: 'Back from the dead' } });
  t.is(edited.status, 409, edited.text);
  t.is(edited.body.error.code, 'post_not_editable');
});

test('DELETE after publishing is rejected', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'Published, not deletable', scheduledAt: inSeconds(0) });
  await stack.client.workflow.getHandle(scheduled.body.workflow_id).result();

  const deleted = await stack.request('DELETE', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token });
  t.is(deleted.status, 409, deleted.text);
  t.is(deleted.body.error.code, 'post_not_cancellable');
  t.is(deleted.body.error.details.status, 'published');
});

test('list filters and pages through posts', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const otherAccount = await connectXAccount(stack.secrets, {
    workspaceId: tenant.workspace.id,
    xUserId: '42',
    username: 'second_account',
    credentials: { type: 'oauth1', accessToken: 'access-42', accessSecret: 'secret-42' },
  });
  const base = Date.now() + 3600_000;
  const ids: string[] = [];
  for (let index = 0; index < 5; index += 1) {
    const response = await stack.request('POST', '/api/webhooks/schedule', {
      token: tenant.token,
      body: {
        text: `Listed post ${index}`,
        scheduled_at: new Date(base + index * 60_000).toISOString(),
        x_account_id: index === 4 ? otherAccount.xUserId : tenant.xUserId,
        external_id: `cms-article-${index}`,
      },
    });
    t.is(response.status, 201, response.text);
    ids.push(response.body.id);
  }
  await stack.request('DELETE', `/api/webhooks/posts/${ids[1]}`, { token: tenant.token });

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
    const page = await stack.request('GET', `/api/webhooks/posts${query}`, { token: tenant.token });
    t.is(page.status, 200, page.text);
    t.true(page.body.data.length <= 2);
    seen.push(...page.body.data.map((post: { id: string }) => post.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  t.deepEqual(seen, ids);

  const list = async (query: string) => {
    const response = await stack.request('GET', `/api/webhooks/posts?${query}`, { token: tenant.token });
    t.is(response.status, 200, response.text);
    return response.body.data.map((post: { id: string }) => post.id);
  };
  t.deepEqual(await list('status=cancelled'), [ids[1]]);
  t.deepEqual(await list('status=scheduled,cancelled&limit=100'), ids);
  t.deepEqual(await list('x_account_id=42'), [ids[4]]);
  t.deepEqual(await list('x_account_id=7'), []);
  t.deepEqual(await list('external_id=cms-article-3'), [ids[3]]);
  const after = encodeURIComponent(new Date(base + 60_000).toISOString());
  const before = encodeURIComponent(new Date(base + 3 * 60_000).toISOString());
  t.deepEqual(await list(`scheduled_after=${after}&scheduled_before=${before}`), [ids[1], ids[2]]);
});

test('list rejects an invalid query', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();

  const response = await stack.request('GET', '/api/webhooks/posts?status=sleeping&limit=0&cursor=bogus&scheduled_after=2030-01-01&colour=red', { token: tenant.token });
  t.is(response.status, 400, response.text);
  const fields = response.body.error.details.map((problem: { field: string }) => problem.field).sort();
  t.deepEqual(fields, ['colour', 'cursor', 'limit', 'scheduled_after', 'status']);

  const repeated = await stack.request('GET', '/api/webhooks/posts?limit=1&limit=2', { token: tenant.token });
  t.is(repeated.status, 400, repeated.text);
  t.is(repeated.body.error.details[0].field, 'limit');
});
