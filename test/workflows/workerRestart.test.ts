import anyTest, { TestFn } from 'ava';
import { DeliveryAttempt, ScheduledPost } from '../../src/db';
import { NotificationReceiver, verifyNotification } from '../helpers/receiver';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('post sleeping through a worker restart publishes once', async (t) => {
  const { stack } = t.context;
  const receiver = new NotificationReceiver();
  await receiver.start();
  t.teardown(() => receiver.stop());
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const text = 'Survives a worker restart';
  const scheduledAt = new Date(Date.now() + 6_000).toISOString();

  const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, text, scheduledAt);
  await stack.stopWorker();
  const stoppedFor = Date.parse(scheduledAt) + 1_000 - Date.now();
  t.true(stoppedFor > 0, 'the worker took until after scheduled_at to stop');
  await new Promise((resolve) => setTimeout(resolve, stoppedFor));
  t.is(stack.fakeX.tweetRequests(text).length, 0, 'published while no worker ran');
  const restartedAt = Date.now();
  await stack.startWorker();

  const outcome = await stack.workflowResult(workflowId);
  await receiver.waitFor(1);

  const tweets = stack.fakeX.tweetRequests(text);
  t.is(tweets.length, 1);
  t.log(`published ${tweets[0].receivedAt - Date.parse(scheduledAt)} ms after scheduled_at, ${tweets[0].receivedAt - restartedAt} ms after the worker restarted`);
  t.is(outcome.status, 'published');
  const post = (await ScheduledPost.findByPk(id))!;
  t.is(post.status, 'published');
  t.is(post.notificationStatus, 'delivered');
  t.is(receiver.received.length, 1);
  t.is(verifyNotification(tenant.signingSecret!, receiver.received[0]).data.tweet_id, post.tweetId);
  t.is(await DeliveryAttempt.count({ where: { postId: id } }), 1);
});
