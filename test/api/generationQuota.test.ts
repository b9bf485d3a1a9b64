import anyTest, { TestFn } from 'ava';
import { GenerationReservation, GenerationUsage, Plan, Workspace } from '../../src/db';
import { generateVariants, GenerationContext } from '../../src/domain/generation';
import { getGenerationUsage } from '../../src/domain/generationQuota';
import { createOpenAIClient } from '../../src/openai/client';
import { FakeOpenAI } from '../helpers/fakeOpenAI';
import { eventually, TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack; openai: FakeOpenAI }>;

test.before(async (t) => {
  const openai = new FakeOpenAI();
  await openai.start();
  t.context.openai = openai;
  t.context.stack = await TestStack.start({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${openai.baseUrl}/v1` }, { worker: false });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
  await t.context.openai?.stop();
});

test.beforeEach((t) => {
  t.context.openai.reset();
});

/** Creates a tenant whose workspace may generate `limit` variants a month. */
async function tenantWithLimit(stack: TestStack, limit: number | null) {
  const tenant = await stack.createTenant();
  await Workspace.update({ generationsPerMonth: limit }, { where: { id: tenant.workspace.id } });
  return tenant;
}

function generate(stack: TestStack, token: string, variants: number, headers: Record<string, string> = {}) {
  return stack.request('POST', '/api/webhooks/generate', { token, body: { topic: 'Quota', variants }, headers });
}

async function usageRow(workspaceId: string, month = new Date().toISOString().slice(0, 7)) {
  return GenerationUsage.findOne({ where: { workspaceId, month } });
}

test.serial('quota allows exactly the limit', async (t) => {
  const { stack } = t.context;
  const tenant = await tenantWithLimit(stack, 3);

  const first = await generate(stack, tenant.token, 2);
  const second = await generate(stack, tenant.token, 1);

  t.is(first.status, 200, first.text);
  t.deepEqual([first.body.quota.limit, first.body.quota.used, first.body.quota.remaining], [3, 2, 1]);
  t.is(second.status, 200, second.text);
  t.deepEqual([second.body.quota.limit, second.body.quota.used, second.body.quota.remaining], [3, 3, 0]);
});

test.serial('quota rejects one over the limit', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await tenantWithLimit(stack, 3);
  await generate(stack, tenant.token, 2);
  openai.reset();

  const response = await generate(stack, tenant.token, 2);

  t.is(response.status, 429, response.text);
  t.is(response.body.error.code, 'generation_quota_exceeded');
  const now = new Date();
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  t.deepEqual(response.body.error.details, { limit: 3, used: 2, remaining: 1, requested: 2, resets_at: nextMonth.toISOString() });
  t.regex(response.body.error.message, /needs 2 generations but the workspace has 1 of its 3 left/);
  const retryAfter = Number(response.headers.get('retry-after'));
  const expected = (nextMonth.getTime() - now.getTime()) / 1000;
  t.true(Math.abs(retryAfter - expected) < 10, `Retry-After ${retryAfter}, expected about ${expected}`);
  t.is(openai.requests.length, 0);
  t.is((await usageRow(tenant.workspace.id))?.used, 2);
  t.is((await usageRow(tenant.workspace.id))?.reserved, 0);
});

test.serial('quota of zero rejects everything', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await tenantWithLimit(stack, 0);

  const response = await generate(stack, tenant.token, 1);

  t.is(response.status, 429, response.text);
  t.is(response.body.error.details.remaining, 0);
  t.is(openai.requests.length, 0);
});

test.serial('plan limit applies without an override', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'starter' });

  const response = await generate(stack, tenant.token, 1);

  t.is(response.status, 200, response.text);
  t.is(response.body.quota.limit, 100);
  t.is(response.body.quota.remaining, 99);
});

test.serial('unlimited plan reports no limit', async (t) => {
  const { stack } = t.context;
  await Plan.update({ generationsPerMonth: null }, { where: { name: 'enterprise' } });
  t.teardown(() => Plan.update({ generationsPerMonth: 20_000 }, { where: { name: 'enterprise' } }));
  const tenant = await stack.createTenant({ plan: 'enterprise' });

  const response = await generate(stack, tenant.token, 5);

  t.is(response.status, 200, response.text);
  t.is(response.body.quota.limit, null);
  t.is(response.body.quota.remaining, null);
  t.is(response.body.quota.used, 5);
});

test.serial('concurrent requests cannot overspend', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await tenantWithLimit(stack, 3);
  openai.fallback = { kind: 'slow', delayMs: 300 };

  const responses = await Promise.all(Array.from({ length: 6 }, () => generate(stack, tenant.token, 1)));

  const statuses = responses.map((response) => response.status).sort();
  t.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
  t.is(openai.requests.length, 3);
  const usage = await usageRow(tenant.workspace.id);
  t.is(usage?.used, 3);
  t.is(usage?.reserved, 0);
});

test.serial('failed call releases its reservation', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await tenantWithLimit(stack, 2);
  openai.behaviours.push({ kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error', code: null } } });

  const failed = await generate(stack, tenant.token, 2);
  const retried = await generate(stack, tenant.token, 2);

  t.is(failed.status, 502, failed.text);
  t.is(retried.status, 200, retried.text);
  t.is(retried.body.quota.used, 2);
});

test.serial('retried request is not charged twice', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await tenantWithLimit(stack, 3);
  const headers = { 'Idempotency-Key': 'cms-article-42' };

  const first = await generate(stack, tenant.token, 3, headers);
  const second = await generate(stack, tenant.token, 3, headers);

  t.is(first.status, 200, first.text);
  t.is(second.status, 200, second.text);
  t.deepEqual(second.body, first.body);
  t.is(second.headers.get('idempotent-replayed'), 'true');
  t.is(first.headers.get('idempotent-replayed'), null);
  t.is(openai.requests.length, 1);
  t.is((await usageRow(tenant.workspace.id))?.used, 3);
});

test.serial('idempotency key is scoped to its workspace', async (t) => {
  const { stack, openai } = t.context;
  const headers = { 'Idempotency-Key': 'shared-key' };
  const firstTenant = await stack.createTenant();
  const secondTenant = await stack.createTenant();

  const first = await generate(stack, firstTenant.token, 1, headers);
  const second = await generate(stack, secondTenant.token, 1, headers);

  t.is(first.status, 200, first.text);
  t.is(second.status, 200, second.text);
  t.is(second.headers.get('idempotent-replayed'), null);
  t.is(openai.requests.length, 2);
});

test.serial('idempotency key reused for another request', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const headers = { 'Idempotency-Key': 'reused-key' };
  await generate(stack, tenant.token, 1, headers);

  const response = await generate(stack, tenant.token, 2, headers);

  t.is(response.status, 422, response.text);
  t.is(response.body.error.code, 'idempotency_key_reused');
  t.is((await usageRow(tenant.workspace.id))?.used, 1);
});

test.serial('idempotency key in progress is a 409', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await stack.createTenant();
  const headers = { 'Idempotency-Key': 'in-progress-key' };
  openai.behaviours.push({ kind: 'slow', delayMs: 800 });

  const first = generate(stack, tenant.token, 1, headers);
  await eventually(async () => openai.requests.length === 1, 5_000, 'the first call to reach OpenAI');
  const concurrent = await generate(stack, tenant.token, 1, headers);
  const finished = await first;
  const later = await generate(stack, tenant.token, 1, headers);

  t.is(concurrent.status, 409, concurrent.text);
  t.is(concurrent.body.error.code, 'idempotency_request_in_progress');
  t.is(finished.status, 200, finished.text);
  t.is(later.status, 200, later.text);
  t.deepEqual(later.body.variants, finished.body.variants);
  t.is(openai.requests.length, 1);
  t.is((await usageRow(tenant.workspace.id))?.used, 1);
});

test.serial('idempotency key of a failed call runs again', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await tenantWithLimit(stack, 5);
  const headers = { 'Idempotency-Key': 'after-failure' };
  openai.behaviours.push({ kind: 'error', status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null } } });

  const failed = await generate(stack, tenant.token, 2, headers);
  const retried = await generate(stack, tenant.token, 2, headers);

  t.is(failed.status, 502, failed.text);
  t.is(retried.status, 200, retried.text);
  t.is(retried.body.quota.used, 2);
  t.is(openai.requests.length, 2);
});

test.serial('invalid idempotency key is a 400', async (t) => {
  const { stack, openai } = t.context;
  const tenant = await stack.createTenant();

  const response = await generate(stack, tenant.token, 1, { 'Idempotency-Key': 'k'.repeat(256) });

  t.is(response.status, 400, response.text);
  t.is(response.body.error.code, 'invalid_idempotency_key');
  t.is(openai.requests.length, 0);
});

/** Builds a generation context whose clock returns `instants` in turn (then the last), calling the fake OpenAI. */
function contextAt(stack: TestStack, ...instants: string[]): GenerationContext {
  const queue = instants.map((instant) => new Date(instant));
  return {
    openai: createOpenAIClient(stack.config.openai, stack.logger),
    logger: stack.logger,
    clock: () => (queue.length > 1 ? queue.shift()! : queue[0]),
  };
}

test.serial('quota resets at the month boundary', async (t) => {
  const { stack } = t.context;
  const tenant = await tenantWithLimit(stack, 2);
  const workspace = (await Workspace.findByPk(tenant.workspace.id))!;
  const request = { workspace, subject: { kind: 'topic' as const, topic: 'Rollover' }, tone: 'casual' as const };

  const lastSecond = await generateVariants(contextAt(stack, '2026-01-31T23:59:59Z'), { ...request, count: 2 });
  const overLimit = await generateVariants(contextAt(stack, '2026-01-31T23:59:59.999Z'), { ...request, count: 1 }).catch((error) => error);
  const firstSecond = await generateVariants(contextAt(stack, '2026-02-01T00:00:00Z'), { ...request, count: 2 });

  t.is(lastSecond.quota.month, '2026-01');
  t.is(lastSecond.quota.used, 2);
  t.is(lastSecond.quota.remaining, 0);
  t.is(lastSecond.quota.resetsAt.toISOString(), '2026-02-01T00:00:00.000Z');
  t.is(overLimit.code, 'generation_quota_exceeded');
  t.is(overLimit.headers['Retry-After'], '1');
  t.is(firstSecond.quota.month, '2026-02');
  t.is(firstSecond.quota.used, 2);
  t.is(firstSecond.quota.resetsAt.toISOString(), '2026-03-01T00:00:00.000Z');
  t.is((await getGenerationUsage(workspace, new Date('2026-01-15T12:00:00Z'))).used, 2);
});

test.serial('generation counts in its starting month', async (t) => {
  const { stack } = t.context;
  const tenant = await tenantWithLimit(stack, 2);
  const workspace = (await Workspace.findByPk(tenant.workspace.id))!;

  const result = await generateVariants(contextAt(stack, '2026-12-31T23:59:59Z', '2027-01-01T00:00:01Z'), {
    workspace,
    subject: { kind: 'topic', topic: 'New year' },
    tone: 'enthusiastic',
    count: 1,
  });

  t.is(result.quota.month, '2027-01');
  t.is(result.quota.used, 0);
  t.is((await usageRow(workspace.id, '2026-12'))?.used, 1);
  t.is((await usageRow(workspace.id, '2026-12'))?.reserved, 0);
});

test.serial('stale reservation is released', async (t) => {
  const { stack } = t.context;
  const tenant = await tenantWithLimit(stack, 2);
  const month = new Date().toISOString().slice(0, 7);
  const staleId = '00000000-0000-4000-8000-000000000001';
  // What a process that died during its OpenAI call leaves behind: a reservation row and its count.
  await GenerationUsage.create({ workspaceId: tenant.workspace.id, month, reserved: 2 });
  await GenerationReservation.create({ id: staleId, workspaceId: tenant.workspace.id, month, variantCount: 2 });
  await stack.db.sequelize.query('UPDATE generation_reservations SET created_at = ? WHERE id = ?', {
    replacements: [new Date(Date.now() - 3_600_000), staleId],
  });

  const response = await generate(stack, tenant.token, 2);

  t.is(response.status, 200, response.text);
  t.is(response.body.quota.used, 2);
  t.is((await usageRow(tenant.workspace.id))?.reserved, 0);
  t.is(await GenerationReservation.count({ where: { workspaceId: tenant.workspace.id } }), 0);
});
