import anyTest, { TestFn } from 'ava';
import { RateLimitCounter, WebhookToken } from '../../src/db';
import { createWebhookToken } from '../../src/domain/admin';
import { WEBHOOK_TOKEN_PREFIX, hashWebhookToken } from '../../src/domain/tokens';
import { listWebhookTokens, revokeWebhookToken, rotateWebhookToken } from '../../src/domain/webhookTokens';
import { ManualClock, send, startApiWithClock } from '../helpers/api';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

async function workspaceCount(workspaceId: string): Promise<number> {
  const row = await RateLimitCounter.findOne({ where: { subject: `workspace:${workspaceId}`, windowKind: 'minute' } });
  return row?.count ?? 0;
}

function inOneHour(): string {
  return new Date(Date.now() + 3_600_000).toISOString();
}

test.serial('token is random, prefixed and stored as a hash', async (t) => {
  const tenant = await t.context.stack.createTenant();

  const { token, secret } = await createWebhookToken({ workspaceId: tenant.workspace.id, name: 'ci' });

  t.true(secret.startsWith(WEBHOOK_TOKEN_PREFIX));
  t.true(Buffer.from(secret.slice(WEBHOOK_TOKEN_PREFIX.length), 'base64url').length * 8 >= 192);
  t.is(token.tokenHash, hashWebhookToken(secret));
  const stored = JSON.stringify((await WebhookToken.findByPk(token.id))!.toJSON());
  t.false(stored.includes(secret.slice(WEBHOOK_TOKEN_PREFIX.length + 6)));
});

test.serial('rotation keeps the old token for its grace', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const clock = new ManualClock(new Date());
  const api = await startApiWithClock(stack, clock.now);
  t.teardown(() => api.stop());
  const [original] = await listWebhookTokens(tenant.workspace.id);

  const rotated = await rotateWebhookToken(original.id, { graceMs: 3_600_000, now: clock.now() });

  t.is((await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token })).status, 200);
  t.is((await send(api.url, 'GET', '/api/webhooks/usage', { token: rotated.secret })).status, 200);
  t.is(rotated.previous.replacedById, rotated.token.id);
  t.is(rotated.token.name, original.name);

  clock.advance(3_600_000);
  const old = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
  t.is(old.status, 401);
  t.is(old.body.error.code, 'unauthorized');
  t.is((await send(api.url, 'GET', '/api/webhooks/usage', { token: rotated.secret })).status, 200);
});

test.serial('rotation with zero grace ends the old token', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const [original] = await listWebhookTokens(tenant.workspace.id);

  const rotated = await rotateWebhookToken(original.id, { graceMs: 0 });

  t.is((await stack.request('GET', '/api/webhooks/usage', { token: tenant.token })).status, 401);
  t.is((await stack.request('GET', '/api/webhooks/usage', { token: rotated.secret })).status, 200);
});

test.serial('revoked token gets 401 and is not counted', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const [token] = await listWebhookTokens(tenant.workspace.id);
  t.is((await stack.request('GET', '/api/webhooks/usage', { token: tenant.token })).status, 200);

  await revokeWebhookToken(token.id);
  const responses = [];
  for (let request = 0; request < 3; request += 1) {
    responses.push(await stack.request('GET', '/api/webhooks/usage', { token: tenant.token }));
  }

  t.deepEqual(responses.map((response) => response.status), [401, 401, 401]);
  t.is(responses[0].headers.get('www-authenticate'), 'Bearer');
  t.is(await workspaceCount(tenant.workspace.id), 1);
});

test.serial('expired token gets 401 and is not counted', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const expiring = await createWebhookToken({ workspaceId: tenant.workspace.id, name: 'short', expiresAt: new Date(Date.now() + 60_000) });
  const clock = new ManualClock(new Date());
  const api = await startApiWithClock(stack, clock.now);
  t.teardown(() => api.stop());
  t.is((await send(api.url, 'GET', '/api/webhooks/usage', { token: expiring.secret })).status, 200);

  clock.advance(60_000);
  const expired = await send(api.url, 'GET', '/api/webhooks/usage', { token: expiring.secret });

  t.is(expired.status, 401);
  t.is(await workspaceCount(tenant.workspace.id), 1);
});

test.serial('another workspace\'s X account is not found', async (t) => {
  const { stack } = t.context;
  const owner = await stack.createTenant();
  const intruder = await stack.createTenant();
  const body = { text: 'Not yours', scheduled_at: inOneHour() };

  const foreign = await stack.request('POST', '/api/webhooks/schedule', { token: intruder.token, body: { ...body, x_account_id: owner.xUserId } });
  const missing = await stack.request('POST', '/api/webhooks/schedule', { token: intruder.token, body: { ...body, x_account_id: '42' } });

  t.is(foreign.status, 404);
  t.is(missing.status, 404);
  t.is(foreign.body.error.code, missing.body.error.code);
  t.is(foreign.body.error.message.replace(owner.xUserId, 'ID'), missing.body.error.message.replace('42', 'ID'));
});

test.serial('usage shows only the calling workspace', async (t) => {
  const { stack } = t.context;
  const busy = await stack.createTenant();
  const quiet = await stack.createTenant();
  for (let request = 0; request < 3; request += 1) {
    await stack.request('GET', '/api/webhooks/usage', { token: busy.token });
  }

  const response = await stack.request('GET', '/api/webhooks/usage', { token: quiet.token });

  t.is(response.status, 200);
  t.is(response.body.requests_this_minute.used, 1);
  t.is(await workspaceCount(busy.workspace.id), 3);
});

test.serial('another workspace\'s post is not found', async (t) => {
  const { stack } = t.context;
  const owner = await stack.createTenant();
  const intruder = await stack.createTenant();
  const scheduled = await stack.request('POST', '/api/webhooks/schedule', {
    token: owner.token,
    body: { text: 'Owner only', scheduled_at: inOneHour(), x_account_id: owner.xUserId },
  });
  t.is(scheduled.status, 201, scheduled.text);
  const postId: string = scheduled.body.id;
  const unknownId = '00000000-0000-4000-8000-000000000000';

  for (const [method, body] of [['GET', undefined], ['PATCH', { text: 'Hijacked' }], ['DELETE', undefined]] as const) {
    const foreign = await stack.request(method, `/api/webhooks/posts/${postId}`, { token: intruder.token, body });
    const missing = await stack.request(method, `/api/webhooks/posts/${unknownId}`, { token: intruder.token, body });
    t.is(foreign.status, 404, `${method} ${foreign.text}`);
    t.is(foreign.body.error.code, missing.body.error.code, method);
    t.is(foreign.body.error.message.replace(postId, 'ID'), missing.body.error.message.replace(unknownId, 'ID'), method);
  }

  const list = await stack.request('GET', '/api/webhooks/posts', { token: intruder.token });
  t.is(list.status, 200);
  t.deepEqual(list.body.data, []);
  const own = await stack.request('GET', `/api/webhooks/posts/${postId}`, { token: owner.token });
  t.is(own.body.status, 'scheduled');
  t.is(own.body.text, 'Owner only');
});
