import '../helpers/saoPauloTimezone';
import anyTest, { TestFn } from 'ava';
import { ScheduledPost } from '../../src/db';
import { isoWithOffset, storedPost } from '../helpers/api';
import { TestStack } from '../helpers/stack';

type Tenant = Awaited<ReturnType<TestStack['createTenant']>>;
const test = anyTest as TestFn<{ stack: TestStack; tenant: Tenant }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
  t.context.tenant = await t.context.stack.createTenant();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('process runs outside UTC', (t) => {
  t.is(new Date(Date.UTC(2027, 2, 10, 9)).getTimezoneOffset(), 180);
});

test('instant is stored in UTC under TZ=America/Sao_Paulo', async (t) => {
  const { stack, tenant } = t.context;
  const instant = new Date(Math.ceil((Date.now() + 10 * 86_400_000) / 60_000) * 60_000);
  const expected = instant.toISOString().replace('T', ' ').replace('Z', '000');

  for (const scheduledAt of [isoWithOffset(instant, 330), isoWithOffset(instant, 0), isoWithOffset(instant, -180)]) {
    const response = await stack.request('POST', '/api/webhooks/schedule', {
      token: tenant.token,
      body: { text: `Stored in UTC from ${scheduledAt}`, scheduled_at: scheduledAt, x_account_id: tenant.xUserId },
    });

    t.is(response.status, 201, response.text);
    t.is(response.body.scheduled_at, instant.toISOString(), scheduledAt);
    t.is((await storedPost(stack, response.body.id)).scheduledAt, expected, scheduledAt);
    t.is((await ScheduledPost.findByPk(response.body.id))?.scheduledAt.toISOString(), instant.toISOString(), scheduledAt);
  }
});
