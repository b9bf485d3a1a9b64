import anyTest, { TestFn } from 'ava';
import { ScheduledPost, Workspace } from '../../src/db';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

async function schedule(stack: TestStack, tenant: { token: string; xUserId: string }, text: string) {
  return stack.request('POST', '/api/webhooks/schedule', {
    token: tenant.token,
    body: { text, scheduled_at: new Date(Date.now() + 3_600_000).toISOString(), x_account_id: tenant.xUserId },
  });
}

test.serial('pending posts past the limit get 429', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'starter' });
  await Workspace.update({ maxPendingPosts: 2 }, { where: { id: tenant.workspace.id } });

  const first = await schedule(stack, tenant, 'First');
  const second = await schedule(stack, tenant, 'Second');
  const third = await schedule(stack, tenant, 'Third');

  t.is(first.status, 201);
  t.is(second.status, 201);
  t.is(third.status, 429);
  t.is(third.body.error.code, 'pending_posts_limit');
  t.deepEqual(third.body.error.details, { limit: 2, pending: 2 });
  t.truthy(third.headers.get('retry-after'));
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 2);

  const usage = await stack.request('GET', '/api/webhooks/usage', { token: tenant.token });
  t.deepEqual(usage.body.pending_posts, { used: 2, limit: 2 });
});

test.serial('cancelled and published posts free their place', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'starter' });
  await Workspace.update({ maxPendingPosts: 1 }, { where: { id: tenant.workspace.id } });

  const first = await schedule(stack, tenant, 'First');
  t.is((await schedule(stack, tenant, 'Blocked')).status, 429);
  await ScheduledPost.update({ status: 'cancelled' }, { where: { id: first.body.id } });
  const second = await schedule(stack, tenant, 'Second');
  t.is(second.status, 201);
  t.is((await schedule(stack, tenant, 'Blocked again')).status, 429);
  await ScheduledPost.update({ status: 'published' }, { where: { id: second.body.id } });

  t.is((await schedule(stack, tenant, 'Third')).status, 201);
});

test.serial('concurrent schedules at the limit admit one', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ plan: 'starter' });
  await Workspace.update({ maxPendingPosts: 3 }, { where: { id: tenant.workspace.id } });
  t.is((await schedule(stack, tenant, 'One')).status, 201);
  t.is((await schedule(stack, tenant, 'Two')).status, 201);

  const responses = await Promise.all(Array.from({ length: 6 }, (_, index) => schedule(stack, tenant, `Racer ${index}`)));

  t.is(responses.filter((response) => response.status === 201).length, 1);
  t.is(responses.filter((response) => response.status === 429).length, 5);
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id, status: 'scheduled' } }), 3);
});
