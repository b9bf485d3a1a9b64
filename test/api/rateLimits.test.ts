import anyTest, { TestFn } from 'ava';
import { RateLimitCounter, Workspace } from '../../src/db';
import { windowStart } from '../../src/domain/rateLimiter';
import { ManualClock, send, startApiProcess, startApiWithClock } from '../helpers/api';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** Waits until at least `seconds` remain in the current minute, so a burst stays in one window. */
async function awaitRoomInMinute(seconds: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, left + 50));
  }
}

async function seedDayCount(workspaceId: string, at: Date, count: number): Promise<void> {
  await RateLimitCounter.upsert({ subject: `workspace:${workspaceId}`, windowKind: 'day', windowStartMs: windowStart('day', at), count });
}

test.serial('two API processes admit exactly 60 of 100', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'pro' });
  const processes = await Promise.all([startApiProcess(stack), startApiProcess(stack)]);
  t.teardown(() => processes.forEach(({ child }) => child.disconnect()));

  await awaitRoomInMinute(20);
  const responses = await Promise.all(
    Array.from({ length: 100 }, (_, index) => send(processes[index % 2].url, 'GET', '/api/webhooks/usage', { token: tenant.token })),
  );

  const admitted = responses.filter((response) => response.status === 200);
  const rejected = responses.filter((response) => response.status === 429);
  t.is(admitted.length, 60);
  t.is(rejected.length, 40);
  t.true(rejected.every((response) => response.body.error.code === 'rate_limit_minute'));
  t.true(rejected.every((response) => Number(response.headers.get('retry-after')) >= 1));
  t.true(rejected.every((response) => Number(response.headers.get('retry-after')) <= 60));
  const remaining = admitted.map((response) => Number(response.headers.get('ratelimit-remaining'))).sort((a, b) => a - b);
  t.deepEqual(remaining, Array.from({ length: 60 }, (_, index) => index));
  const counter = await RateLimitCounter.findOne({ where: { subject: `workspace:${tenant.workspace.id}`, windowKind: 'minute' } });
  t.is(counter?.count, 60);
});

test.serial('headers on accepted and rejected requests', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'starter' });
  await Workspace.update({ requestsPerMinute: 3 }, { where: { id: tenant.workspace.id } });
  const clock = new ManualClock(new Date('2027-01-05T10:00:30.000Z'));
  const api = await startApiWithClock(stack, clock.now);
  t.teardown(() => api.stop());

  const first = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
  t.is(first.status, 200);
  t.is(first.headers.get('ratelimit-limit'), '3');
  t.is(first.headers.get('ratelimit-remaining'), '2');
  t.is(first.headers.get('ratelimit-reset'), '30');
  t.is(first.headers.get('ratelimit-policy'), '3;w=60, 1000;w=86400');
  t.is(first.body.requests_this_minute.used, 1);
  t.is(first.body.requests_today.used, 1);
  t.is(first.body.requests_today.limit, 1000);

  const unknownRoute = await send(api.url, 'GET', '/api/webhooks/nothing-here', { token: tenant.token });
  t.is(unknownRoute.status, 404);
  t.is(unknownRoute.headers.get('ratelimit-remaining'), '1');

  const invalidBody = await send(api.url, 'POST', '/api/webhooks/schedule', { token: tenant.token, body: {} });
  t.is(invalidBody.status, 400);
  t.is(invalidBody.headers.get('ratelimit-remaining'), '0');

  clock.advance(10_000);
  const rejected = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
  t.is(rejected.status, 429);
  t.is(rejected.body.error.code, 'rate_limit_minute');
  t.is(rejected.body.error.details.reset_at, '2027-01-05T10:01:00.000Z');
  t.is(rejected.headers.get('retry-after'), '20');
  t.is(rejected.headers.get('ratelimit-limit'), '3');
  t.is(rejected.headers.get('ratelimit-remaining'), '0');
  t.is(rejected.headers.get('ratelimit-reset'), '20');

  clock.set('2027-01-05T10:01:00.000Z');
  const nextMinute = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
  t.is(nextMinute.status, 200);
  t.is(nextMinute.headers.get('ratelimit-remaining'), '2');
  t.is(nextMinute.body.requests_today.used, 4);
});

for (const { plan, dayLimit } of [{ plan: 'starter', dayLimit: 1000 }, { plan: 'growth', dayLimit: 5000 }]) {
  test.serial(`${plan} daily cap around midnight UTC`, async (t) => {
    const { stack } = t.context;
    const tenant = await stack.createTenant({ plan });
    const clock = new ManualClock(new Date('2027-01-05T23:59:58.000Z'));
    const api = await startApiWithClock(stack, clock.now);
    t.teardown(() => api.stop());
    await seedDayCount(tenant.workspace.id, clock.now(), dayLimit - 1);

    const last = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
    t.is(last.status, 200);
    t.is(last.headers.get('ratelimit-limit'), String(dayLimit));
    t.is(last.headers.get('ratelimit-remaining'), '0');
    t.is(last.headers.get('ratelimit-reset'), '2');

    clock.set('2027-01-05T23:59:59.500Z');
    const over = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
    t.is(over.status, 429);
    t.is(over.body.error.code, 'rate_limit_day');
    t.is(over.headers.get('retry-after'), '1');
    t.is(over.body.error.details.reset_at, '2027-01-06T00:00:00.000Z');

    clock.set('2027-01-06T00:00:00.000Z');
    const nextDay = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
    t.is(nextDay.status, 200);
    t.is(nextDay.body.requests_today.used, 1);
    t.is(nextDay.headers.get('ratelimit-limit'), '60');
    t.is(nextDay.headers.get('ratelimit-remaining'), '59');
  });
}

test.serial('pro has no daily cap', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'pro' });
  const clock = new ManualClock(new Date('2027-01-05T23:59:58.000Z'));
  const api = await startApiWithClock(stack, clock.now);
  t.teardown(() => api.stop());
  await seedDayCount(tenant.workspace.id, clock.now(), 1_000_000);

  const response = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });

  t.is(response.status, 200);
  t.is(response.headers.get('ratelimit-policy'), '60;w=60');
  t.is(response.body.requests_today.used, 1_000_001);
  t.is(response.body.requests_today.limit, null);
});

test.serial('enterprise daily cap set per workspace', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'enterprise' });
  await Workspace.update({ requestsPerDay: 2 }, { where: { id: tenant.workspace.id } });
  const clock = new ManualClock(new Date('2027-01-05T23:59:00.000Z'));
  const api = await startApiWithClock(stack, clock.now);
  t.teardown(() => api.stop());

  const statuses = [];
  for (let request = 0; request < 3; request += 1) {
    statuses.push((await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token })).status);
  }
  clock.set('2027-01-06T00:00:00.001Z');
  statuses.push((await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token })).status);

  t.deepEqual(statuses, [200, 200, 429, 200]);
});

test.serial('unauthenticated requests limited per address', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'pro' });
  const clock = new ManualClock(new Date('2027-02-01T08:00:00.000Z'));
  const limitedStack = { ...stack, config: { ...stack.config, limits: { unauthenticatedPerMinute: 3 } } } as TestStack;
  const api = await startApiWithClock(limitedStack, clock.now);
  t.teardown(() => api.stop());

  const missing = await send(api.url, 'GET', '/api/webhooks/usage');
  t.is(missing.status, 401);
  t.is(missing.headers.get('ratelimit-limit'), '3');
  t.is(missing.headers.get('ratelimit-remaining'), '2');
  const wrong = await send(api.url, 'GET', '/api/webhooks/usage', { token: 'atk_guess1' });
  t.is(wrong.status, 401);
  const malformed = await send(api.url, 'GET', '/api/webhooks/usage', { headers: { authorization: 'Basic abc' } });
  t.is(malformed.status, 401);
  t.is(malformed.headers.get('ratelimit-remaining'), '0');

  const limited = await send(api.url, 'GET', '/api/webhooks/usage', { token: 'atk_guess2' });
  t.is(limited.status, 429);
  t.is(limited.body.error.code, 'rate_limit_unauthenticated');
  t.is(limited.headers.get('retry-after'), '60');

  const valid = await send(api.url, 'GET', '/api/webhooks/usage', { token: tenant.token });
  t.is(valid.status, 200);
  t.is(valid.body.requests_this_minute.used, 1);

  clock.advance(60_000);
  const nextMinute = await send(api.url, 'GET', '/api/webhooks/usage', { token: 'atk_guess3' });
  t.is(nextMinute.status, 401);
});
