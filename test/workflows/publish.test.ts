import anyTest, { TestFn } from 'ava';
import { Webhook } from 'standardwebhooks';
import { DeliveryAttempt, ScheduledPost } from '../../src/db';
import { NotificationReceiver } from '../helpers/receiver';
import { eventually, TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

test.serial('post is published at its time and notified', async (t) => {
  const { stack } = t.context;
  const receiver = new NotificationReceiver();
  await receiver.start();
  t.teardown(() => receiver.stop());
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const scheduledAt = inSeconds(3);

  const response = await stack.request('POST', '/api/webhooks/schedule', {
    token: tenant.token,
    body: { text: 'Quarter-end numbers are out 📈', scheduled_at: scheduledAt, x_account_id: tenant.xUserId },
  });
  t.is(response.status, 201, response.text);
  t.is(response.body.status, 'scheduled');
  t.is(response.body.scheduled_at, scheduledAt);
  t.is(response.body.x_account_id, tenant.xUserId);

  await receiver.waitFor(1, 20_000);
  const [tweet] = stack.fakeX.tweetRequests();
  t.truthy(tweet);
  const lateness = tweet.receivedAt - Date.parse(scheduledAt);
  t.log(`published ${lateness} ms after scheduled_at`);
  t.true(lateness >= 0, `published ${-lateness} ms early`);
  t.true(lateness < 3_000, `published ${lateness} ms late`);
  t.deepEqual(JSON.parse(tweet.body), { text: 'Quarter-end numbers are out 📈' });
  t.regex(String(tweet.headers.authorization), /^OAuth /);
  t.true(String(tweet.headers.authorization).includes(`oauth_token="access-${tenant.xUserId}"`));

  const notification = receiver.received[0];
  const verified = new Webhook(tenant.signingSecret!).verify(notification.body, {
    'webhook-id': String(notification.headers['webhook-id']),
    'webhook-timestamp': String(notification.headers['webhook-timestamp']),
    'webhook-signature': String(notification.headers['webhook-signature']),
  }) as { type: string; data: Record<string, unknown> };
  t.is(verified.type, 'post.published');
  t.is(verified.data.post_id, response.body.id);
  t.is(verified.data.x_account_id, tenant.xUserId);
  t.truthy(verified.data.tweet_id);
  t.is(verified.data.tweet_url, `https://x.com/autotweet_test/status/${verified.data.tweet_id}`);

  const post = await eventually(async () => {
    const row = await ScheduledPost.findByPk(response.body.id);
    return row?.notificationStatus === 'delivered' ? row : undefined;
  });
  t.is(post.status, 'published');
  t.is(post.tweetId, verified.data.tweet_id as string);
  t.is(await DeliveryAttempt.count({ where: { postId: post.id } }), 1);
});
