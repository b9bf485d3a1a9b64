import anyTest, { TestFn } from 'ava';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { ScheduledPost } from '../../src/db';
import { inSeconds, schedulePost } from '../helpers/posts';
import { NotificationReceiver } from '../helpers/receiver';
import { eventually, TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

async function startReceiver(t: { teardown(fn: () => Promise<void>): void }): Promise<NotificationReceiver> {
  const receiver = new NotificationReceiver();
  await receiver.start();
  t.teardown(() => receiver.stop());
  return receiver;
}

function eventTypes(receiver: NotificationReceiver): string[] {
  return receiver.received.map((notification) => (JSON.parse(notification.body) as { type: string }).type);
}

test('cancel during the wait marks the post cancelled', async (t) => {
  const { stack } = t.context;
  const receiver = await startReceiver(t);
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const text = 'Cancelled while waiting';
  const scheduled = await schedulePost(stack, tenant, { text, scheduledAt: inSeconds(3600) });
  t.is(scheduled.status, 201, scheduled.text);

  // What the Web UI's Cancel button and `temporal workflow cancel` send.
  const handle = stack.client.workflow.getHandle(scheduled.body.workflow_id);
  await handle.cancel();

  const error = await t.throwsAsync(handle.result(), { instanceOf: WorkflowFailedError });
  t.true(error?.cause instanceof CancelledFailure);
  t.is((await handle.describe()).status.name, 'CANCELLED');
  const row = await ScheduledPost.findByPk(scheduled.body.id);
  t.is(row?.status, 'cancelled');
  await receiver.waitFor(1, 10_000);
  t.deepEqual(eventTypes(receiver), ['post.cancelled']);
  t.is(JSON.parse(receiver.received[0].body).data.status, 'cancelled');
  t.is(stack.fakeX.tweetRequests().filter((request) => request.body.includes(text)).length, 0);

  const shown = await stack.request('GET', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token });
  t.is(shown.body.status, 'cancelled');
});

test('cancel during publishing lets the publish finish', async (t) => {
  const { stack } = t.context;
  const receiver = await startReceiver(t);
  const tenant = await stack.createTenant({ notificationUrl: receiver.url });
  const text = 'Cancelled while publishing';
  // Under the 2 s X_REQUEST_TIMEOUT of the test stack, so the post goes out.
  stack.fakeX.tweetBehaviours.push({ kind: 'delayed', ms: 1_000 });
  const scheduled = await schedulePost(stack, tenant, { text, scheduledAt: inSeconds(1) });
  t.is(scheduled.status, 201, scheduled.text);

  await eventually(async () => stack.fakeX.tweetRequests().some((request) => request.body.includes(text)), 15_000, 'the tweet request');
  const deleted = await stack.request('DELETE', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token });
  t.is(deleted.status, 409, deleted.text);
  t.is(deleted.body.error.code, 'post_not_cancellable');
  const handle = stack.client.workflow.getHandle(scheduled.body.workflow_id);
  await handle.cancel();

  const outcome = await handle.result();
  t.is(outcome.status, 'published');
  t.is((await handle.describe()).status.name, 'COMPLETED');
  const row = await ScheduledPost.findByPk(scheduled.body.id);
  t.is(row?.status, 'published');
  t.truthy(row?.tweetId);
  await receiver.waitFor(1, 10_000);
  t.deepEqual(eventTypes(receiver), ['post.published']);
  t.is(stack.fakeX.tweetRequests().filter((request) => request.body.includes(text)).length, 1);

  const shown = await stack.request('GET', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token });
  t.is(shown.body.status, 'published');
});

test('terminated workflow shows its post as failed', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'Terminated by an operator', scheduledAt: inSeconds(3600) });
  t.is(scheduled.status, 201, scheduled.text);

  await stack.client.workflow.getHandle(scheduled.body.workflow_id).terminate('operator test');

  const shown = await stack.request('GET', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token });
  t.is(shown.status, 200, shown.text);
  t.is(shown.body.status, 'failed');
  t.is(shown.body.failure.code, 'workflow_terminated');
  t.is((await ScheduledPost.findByPk(scheduled.body.id))?.status, 'failed');
});

test('terminated workflow shows as failed in the list', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'Terminated, seen in the list', scheduledAt: inSeconds(3600) });
  t.is(scheduled.status, 201, scheduled.text);

  await stack.client.workflow.getHandle(scheduled.body.workflow_id).terminate('operator test');

  // The list checks workflows through visibility, which can lag the termination by a second.
  const listed = await eventually(async () => {
    const page = await stack.request('GET', '/api/webhooks/posts', { token: tenant.token });
    const post = page.body.data.find((item: { id: string }) => item.id === scheduled.body.id);
    return post?.status === 'failed' ? post : undefined;
  }, 10_000, 'the list to show the post failed');
  t.is(listed.failure.code, 'workflow_terminated');
});
