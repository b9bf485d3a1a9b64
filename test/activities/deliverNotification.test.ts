import anyTest, { ExecutionContext, TestFn } from 'ava';
import { DeliveryAttempt, ScheduledPost } from '../../src/db';
import { NotificationReceiver, ReceiverResponse, verifyNotification } from '../helpers/receiver';
import { eventually, TestStack } from '../helpers/stack';

// The stack runs with NOTIFY_RETRY_DELAYS=1s,2s,3s and NOTIFY_TIMEOUT=2s.
const test = anyTest as TestFn<{ stack: TestStack }>;

/** A measured gap may exceed its delay by this much (polling, task dispatch, a busy CI machine). */
const GAP_TOLERANCE_MS = 1_500;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

async function startReceiver(t: ExecutionContext, responses: ReceiverResponse[]): Promise<NotificationReceiver> {
  const receiver = new NotificationReceiver(responses);
  await receiver.start();
  t.teardown(() => receiver.stop());
  return receiver;
}

/** Schedules a post for now with a notification endpoint at `receiver` and waits until its notification settles. */
async function publishAndSettle(t: ExecutionContext<{ stack: TestStack }>, receiver: NotificationReceiver, text: string) {
  const { stack } = t.context;
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const { id, workflow_id: workflowId } = await stack.schedulePost(tenant, text);
  await stack.workflowResult(workflowId);
  const post = (await ScheduledPost.findByPk(id))!;
  const attempts = await DeliveryAttempt.findAll({ where: { postId: id }, order: [['attempt', 'ASC']] });
  return { tenant, post, attempts };
}

function assertGaps(t: ExecutionContext, gaps: number[], expected: number[]): void {
  t.log(`gaps between attempts: ${gaps.join(' ms, ')} ms (expected ${expected.join(' ms, ')} ms)`);
  t.is(gaps.length, expected.length);
  expected.forEach((delay, index) => {
    t.true(gaps[index] >= delay - 50, `gap ${index + 1} was ${gaps[index]} ms, shorter than ${delay} ms`);
    t.true(gaps[index] < delay + GAP_TOLERANCE_MS, `gap ${index + 1} was ${gaps[index]} ms, far longer than ${delay} ms`);
  });
}

test('receiver failing twice gets three attempts', async (t) => {
  const receiver = await startReceiver(t, [500, 503]);

  const { tenant, post, attempts } = await publishAndSettle(t, receiver, 'Retry schedule, recovering receiver');

  t.is(receiver.received.length, 3);
  assertGaps(t, receiver.gapsMs(), [1_000, 2_000]);
  t.is(post.notificationStatus, 'delivered');
  t.deepEqual(attempts.map((attempt) => attempt.statusCode), [500, 503, 200]);
  t.deepEqual(attempts.map((attempt) => attempt.attempt), [1, 2, 3]);
  const ids = new Set(receiver.received.map((notification) => notification.headers['webhook-id']));
  t.is(ids.size, 1);
  for (const notification of receiver.received) {
    t.is(verifyNotification(tenant.signingSecret!, notification).type, 'post.published');
  }
});

test('receiver always failing gets exactly four attempts', async (t) => {
  const receiver = await startReceiver(t, [500, 500, 500, 500, 500, 500]);

  const { tenant, post, attempts } = await publishAndSettle(t, receiver, 'Retry schedule, broken receiver');
  // The workflow has finished, so no fifth attempt can come from the retry policy.
  // This short wait catches one sent from anywhere else.
  await new Promise((resolve) => setTimeout(resolve, 500));

  t.is(receiver.received.length, 4);
  assertGaps(t, receiver.gapsMs(), [1_000, 2_000, 3_000]);
  t.is(post.notificationStatus, 'failed');
  t.is(attempts.length, 4);
  t.deepEqual(attempts.map((attempt) => attempt.attempt), [1, 2, 3, 4]);
  t.true(attempts.every((attempt) => attempt.statusCode === 500));
  t.is(new Set(attempts.map((attempt) => attempt.messageId)).size, 1);
  const headerIds = new Set(receiver.received.map((notification) => notification.headers['webhook-id']));
  t.deepEqual([...headerIds], [attempts[0].messageId]);
  for (const notification of receiver.received) {
    const event = verifyNotification(tenant.signingSecret!, notification);
    t.is(event.type, 'post.published');
    t.is(event.data.post_id, post.id);
  }
});

test('redirect is not followed and counts as failed', async (t) => {
  const target = await startReceiver(t, []);
  const receiver = await startReceiver(t, [{ status: 302, headers: { location: target.url } }]);

  const { post, attempts } = await publishAndSettle(t, receiver, 'Redirecting receiver');

  t.is(target.connections, 0);
  t.is(target.received.length, 0);
  t.is(receiver.received.length, 2);
  t.is(post.notificationStatus, 'delivered');
  t.deepEqual(attempts.map((attempt) => attempt.statusCode), [302, 200]);
  t.regex(attempts[0].error ?? '', /^http_status: /);
});

test('hanging receiver times out as failed', async (t) => {
  const receiver = await startReceiver(t, ['hang']);

  const { post, attempts } = await publishAndSettle(t, receiver, 'Hanging receiver');

  t.is(receiver.received.length, 2);
  t.is(post.notificationStatus, 'delivered');
  t.is(attempts.length, 2);
  t.is(attempts[0].statusCode, null);
  t.regex(attempts[0].error ?? '', /^timeout: /);
  t.log(`hanging attempt took ${attempts[0].durationMs} ms with NOTIFY_TIMEOUT=2s`);
  t.true(attempts[0].durationMs >= 1_900 && attempts[0].durationMs < 3_000, `took ${attempts[0].durationMs} ms`);
  t.is(attempts[1].statusCode, 200);
});

test('failed post notifies post.failed with the error', async (t) => {
  const { stack } = t.context;
  const receiver = await startReceiver(t, []);
  const text = 'Rejected by X, notified anyway';
  stack.fakeX.respondToText(text, { kind: 'error', status: 403, body: { title: 'Forbidden', detail: 'You are not permitted to perform this action.', type: 'about:blank', status: 403 } });

  const { tenant, post } = await publishAndSettle(t, receiver, text);
  await eventually(async () => receiver.received.length >= 1);

  const event = verifyNotification(tenant.signingSecret!, receiver.received[0]);
  t.is(event.type, 'post.failed');
  t.is(event.data.status, 'failed');
  t.deepEqual(event.data.error, { code: 'x_forbidden', message: 'You are not permitted to perform this action.' });
  t.is(event.data.tweet_id, null);
  t.is(post.notificationStatus, 'delivered');
});
