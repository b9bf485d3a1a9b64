import crypto from 'node:crypto';
import anyTest, { TestFn } from 'ava';
import { IdempotencyKey, ScheduledPost } from '../../../src/db';
import { inSeconds, schedulePost } from '../../helpers/posts';
import { TestStack } from '../../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('same key and body replays the first response', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const options = { text: 'Retried by a webhook handler', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': crypto.randomUUID() } };

  const first = await schedulePost(stack, tenant, options);
  const second = await schedulePost(stack, tenant, options);

  t.is(first.status, 201, first.text);
  t.is(first.headers.get('idempotent-replayed'), null);
  t.is(second.status, 201, second.text);
  t.is(second.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(second.body, first.body);
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 1);
});

test('same key with another body is rejected', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const key = crypto.randomUUID();
  const scheduledAt = inSeconds(3600);

  const first = await schedulePost(stack, tenant, { text: 'Original body', scheduledAt, headers: { 'Idempotency-Key': key } });
  const reused = await schedulePost(stack, tenant, { text: 'Different body', scheduledAt, headers: { 'Idempotency-Key': key } });

  t.is(first.status, 201, first.text);
  t.is(reused.status, 422, reused.text);
  t.is(reused.body.error.code, 'idempotency_key_reused');
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 1);
});

test('ten concurrent requests with one key schedule one post', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const options = { text: 'Sent ten times at once', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': crypto.randomUUID() } };

  const responses = await Promise.all(Array.from({ length: 10 }, () => schedulePost(stack, tenant, options)));

  const statuses = responses.map((response) => response.status);
  t.log(`statuses: ${statuses.join(', ')}`);
  t.true(statuses.every((status) => status === 201 || status === 409), statuses.join(', '));
  const created = responses.filter((response) => response.status === 201);
  t.true(created.length >= 1);
  t.is(new Set(created.map((response) => response.body.id)).size, 1);
  for (const conflict of responses.filter((response) => response.status === 409)) {
    t.is(conflict.body.error.code, 'idempotency_request_in_progress');
  }
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 1);
});

test('keys are per workspace', async (t) => {
  const { stack } = t.context;
  const first = await stack.createTenant();
  const second = await stack.createTenant();
  const key = crypto.randomUUID();

  const a = await schedulePost(stack, first, { text: 'Same key, workspace A', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': key } });
  const b = await schedulePost(stack, second, { text: 'Same key, workspace B', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': key } });

  t.is(a.status, 201, a.text);
  t.is(b.status, 201, b.text);
  t.is(b.headers.get('idempotent-replayed'), null);
  t.not(a.body.id, b.body.id);
});

test('failed request frees its key', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const key = crypto.randomUUID();

  const invalid = await stack.request('POST', '/api/webhooks/schedule', {
    token: tenant.token,
    headers: { 'Idempotency-Key': key },
    body: { text: 'Unknown account', scheduled_at: inSeconds(3600), x_account_id: '1' },
  });
  t.is(invalid.status, 404, invalid.text);
  t.is(await IdempotencyKey.count({ where: { workspaceId: tenant.workspace.id } }), 0);

  const retried = await schedulePost(stack, tenant, { text: 'Now valid', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': key } });
  t.is(retried.status, 201, retried.text);
});

test('expired key starts a new request', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const options = { text: 'A day apart', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': crypto.randomUUID() } };
  const first = await schedulePost(stack, tenant, options);
  await IdempotencyKey.update({ createdAt: new Date(Date.now() - 25 * 3_600_000) }, { where: { workspaceId: tenant.workspace.id }, silent: true });

  const second = await schedulePost(stack, tenant, options);

  t.is(second.status, 201, second.text);
  t.is(second.headers.get('idempotent-replayed'), null);
  t.not(second.body.id, first.body.id);
  t.is(await IdempotencyKey.count({ where: { workspaceId: tenant.workspace.id } }), 1);
});

test('malformed key is rejected', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();

  // A repeated header reaches the API joined with ", ", so it is rejected for its space too.
  for (const key of ['x'.repeat(256), '', '   ', 'two words', 'a, b', 'tab\tinside', 'caf\u00e9']) {
    const response = await schedulePost(stack, tenant, { text: 'Bad key', scheduledAt: inSeconds(3600), headers: { 'Idempotency-Key': key } });

    t.is(response.status, 400, `${JSON.stringify(key)}: ${response.text}`);
    t.is(response.body?.error?.code, 'invalid_idempotency_key', JSON.stringify(key));
  }
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 0);
});

test('duplicate external_id names the existing post', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const first = await schedulePost(stack, tenant, { text: 'Article 1001', scheduledAt: inSeconds(3600), externalId: 'Article-1001' });
  t.is(first.status, 201, first.text);
  t.is(first.body.external_id, 'Article-1001');

  const duplicate = await schedulePost(stack, tenant, { text: 'Article 1001 again', scheduledAt: inSeconds(3600), externalId: 'Article-1001' });
  t.is(duplicate.status, 409, duplicate.text);
  t.is(duplicate.body.error.code, 'external_id_conflict');
  t.is(duplicate.body.error.details.post_id, first.body.id);

  // External IDs compare exactly: another letter case is another ID.
  const otherCase = await schedulePost(stack, tenant, { text: 'Lower-case article', scheduledAt: inSeconds(3600), externalId: 'article-1001' });
  t.is(otherCase.status, 201, otherCase.text);

  const found = await stack.request('GET', '/api/webhooks/posts?external_id=Article-1001', { token: tenant.token });
  t.is(found.status, 200, found.text);
  t.deepEqual(found.body.data.map((post: { id: string }) => post.id), [first.body.id]);

  const tooLong = await schedulePost(stack, tenant, { text: 'Long ID', scheduledAt: inSeconds(3600), externalId: 'x'.repeat(201) });
  t.is(tooLong.status, 400, tooLong.text);
  t.is(tooLong.body.error.details[0].field, 'external_id');
});
