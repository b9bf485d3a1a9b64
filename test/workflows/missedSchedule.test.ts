import anyTest, { TestFn } from 'ava';
import { ScheduledPost } from '../../src/db';
import { NotificationReceiver, verifyNotification } from '../helpers/receiver';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  // A post woken more than 2 s after its time fails instead of going out late.
  t.context.stack = await TestStack.start({ PUBLISH_LATE_LIMIT: '2s' });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('post woken past the late limit fails unsent', async (t) => {
  const { stack } = t.context;
  const receiver = new NotificationReceiver();
  await receiver.start();
  t.teardown(() => receiver.stop());
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const text = 'Too late to matter';
  const scheduledAt = new Date(Date.now() + 3_000).toISOString();

  const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, text, scheduledAt);
  await stack.stopWorker();
  const stoppedFor = Date.parse(scheduledAt) + 4_000 - Date.now();
  t.true(stoppedFor > 2_000, 'the worker took too long to stop for the post to be late');
  await new Promise((resolve) => setTimeout(resolve, stoppedFor));
  await stack.startWorker();

  const outcome = await stack.workflowResult(workflowId);
  await receiver.waitFor(1);

  t.is(outcome.status, 'failed');
  t.is(stack.fakeX.tweetRequests(text).length, 0);
  const post = (await ScheduledPost.findByPk(id))!;
  t.is(post.status, 'failed');
  t.is(post.failureCode, 'missed_schedule');
  t.regex(post.failureReason ?? '', /PUBLISH_LATE_LIMIT \(2s\)/);
  const event = verifyNotification(tenant.signingSecret!, receiver.received[0]);
  t.is(event.type, 'post.failed');
  t.is((event.data.error as { code: string }).code, 'missed_schedule');
});
