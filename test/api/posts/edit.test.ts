import anyTest, { TestFn } from 'ava';
import { inSeconds, schedulePost } from '../../helpers/posts';
import { eventually, TestStack } from '../../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

function tweetsWith(stack: TestStack, text: string) {
  return stack.fakeX.tweetRequests().filter((request) => (JSON.parse(request.body) as { text: string }).text === text);
}

test('PATCH text changes what is published', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'First draft of the launch post', scheduledAt: inSeconds(3) });
  t.is(scheduled.status, 201, scheduled.text);

  const edited = await stack.request('PATCH', `/api/webhooks/posts/${scheduled.body.id}`, {
    token: tenant.token,
    body: { text: 'Final launch post 🚀' },
  });
  t.is(edited.status, 200, edited.text);
  t.is(edited.body.text, 'Final launch post 🚀');
  t.is(edited.body.scheduled_at, scheduled.body.scheduled_at);

  await eventually(async () => tweetsWith(stack, 'Final launch post 🚀').length === 1, 15_000, 'the edited post');
  t.is(tweetsWith(stack, 'First draft of the launch post').length, 0);
});

test('PATCH to a later time fires once, at the new time', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const text = 'Moved later';
  const scheduled = await schedulePost(stack, tenant, { text, scheduledAt: inSeconds(2) });
  t.is(scheduled.status, 201, scheduled.text);

  const newTime = inSeconds(6);
  const edited = await stack.request('PATCH', `/api/webhooks/posts/${scheduled.body.id}`, {
    token: tenant.token,
    body: { scheduled_at: newTime },
  });
  t.is(edited.status, 200, edited.text);
  t.is(edited.body.scheduled_at, newTime);

  const [tweet] = await eventually(async () => (tweetsWith(stack, text).length > 0 ? tweetsWith(stack, text) : undefined), 20_000, 'the post');
  const lateness = tweet.receivedAt - Date.parse(newTime);
  t.log(`published ${lateness} ms after the new scheduled_at`);
  t.true(lateness >= 0, `published ${-lateness} ms before the new time`);
  t.true(lateness < 3_000, `published ${lateness} ms late`);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  t.is(tweetsWith(stack, text).length, 1);
});

test('PATCH to an earlier time fires once, at the new time', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const text = 'Moved earlier';
  const scheduled = await schedulePost(stack, tenant, { text, scheduledAt: inSeconds(3600) });
  t.is(scheduled.status, 201, scheduled.text);

  const newTime = inSeconds(2);
  const edited = await stack.request('PATCH', `/api/webhooks/posts/${scheduled.body.id}`, {
    token: tenant.token,
    body: { scheduled_at: newTime },
  });
  t.is(edited.status, 200, edited.text);

  const [tweet] = await eventually(async () => (tweetsWith(stack, text).length > 0 ? tweetsWith(stack, text) : undefined), 20_000, 'the post');
  const lateness = tweet.receivedAt - Date.parse(newTime);
  t.log(`published ${lateness} ms after the new scheduled_at`);
  t.true(lateness >= 0, `published ${-lateness} ms before the new time`);
  t.true(lateness < 3_000, `published ${lateness} ms late`);
  // The workflow has completed, so the timer of the old time can never fire.
  const handle = stack.client.workflow.getHandle(scheduled.body.workflow_id);
  await handle.result();
  t.is((await handle.describe()).status.name, 'COMPLETED');
  t.is(tweetsWith(stack, text).length, 1);
});

test('PATCH after publishing is rejected', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'Already out', scheduledAt: inSeconds(0) });
  t.is(scheduled.status, 201, scheduled.text);
  await stack.client.workflow.getHandle(scheduled.body.workflow_id).result();

  const edited = await stack.request('PATCH', `/api/webhooks/posts/${scheduled.body.id}`, {
    token: tenant.token,
    body: { text: 'Too late' },
  });
  t.is(edited.status, 409, edited.text);
  t.is(edited.body.error.code, 'post_not_editable');
  t.is(edited.body.error.details.status, 'published');
});

test('PATCH validates like scheduling', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const scheduled = await schedulePost(stack, tenant, { text: 'Validation target', scheduledAt: inSeconds(3600) });
  const path = `/api/webhooks/posts/${scheduled.body.id}`;

  const invalid = await stack.request('PATCH', path, {
    token: tenant.token,
    body: { text: 'a'.repeat(281), scheduled_at: '2030-01-01T09:00:00', x_account_id: '1' },
  });
  t.is(invalid.status, 400, invalid.text);
  t.is(invalid.body.error.code, 'validation_failed');
  t.deepEqual(invalid.body.error.details.map((problem: { field: string }) => problem.field).sort(), ['scheduled_at', 'text', 'x_account_id']);

  const empty = await stack.request('PATCH', path, { token: tenant.token, body: {} });
  t.is(empty.status, 400, empty.text);
  t.is(empty.body.error.code, 'validation_failed');

  const past = await stack.request('PATCH', path, { token: tenant.token, body: { scheduled_at: '2020-01-01T00:00:00Z' } });
  t.is(past.status, 400, past.text);

  const shown = await stack.request('GET', path, { token: tenant.token });
  t.is(shown.body.text, 'Validation target');
});
