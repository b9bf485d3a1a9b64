import anyTest, { TestFn } from 'ava';
import { DeliveryAttempt, ScheduledPost } from '../../src/db';
import { NotificationReceiver } from '../helpers/receiver';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({ ALLOW_PRIVATE_WEBHOOK_URLS: 'false' });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

for (const host of ['127.0.0.1', 'localhost']) {
  test(`endpoint at ${host} is rejected and recorded`, async (t) => {
    const { stack } = t.context;
    const receiver = new NotificationReceiver();
    await receiver.start();
    t.teardown(() => receiver.stop());
    const url = receiver.url.replace('127.0.0.1', host);
    const tenant = await stack.createTenant({ notificationUrl: url });

    const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, `Endpoint on ${host}`);
    const outcome = await stack.workflowResult(workflowId);

    t.is(outcome.status, 'published');
    t.is(receiver.connections, 0);
    const attempts = await DeliveryAttempt.findAll({ where: { postId: id }, order: [['attempt', 'ASC']] });
    t.is(attempts.length, 4);
    for (const attempt of attempts) {
      t.is(attempt.url, url);
      t.is(attempt.statusCode, null);
      t.regex(attempt.error ?? '', /^blocked_address: Refused to deliver to .*loopback range/);
    }
    const post = await ScheduledPost.findByPk(id);
    t.is(post?.notificationStatus, 'failed');
  });
}
