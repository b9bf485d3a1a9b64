import anyTest, { TestFn } from 'ava';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test.serial('generate without an API key is a 503', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();

  for (const [path, body] of [
    ['/api/webhooks/generate', { topic: 'Anything' }],
    ['/api/webhooks/generate/article', { title: 'T', excerpt: 'E' }],
  ] as const) {
    const response = await stack.request('POST', path, { token: tenant.token, body });
    t.is(response.status, 503, response.text);
    t.is(response.body.error.code, 'generation_unavailable');
    t.regex(response.body.error.message, /no OpenAI API key/);
  }
});

test.serial('scheduling works without an API key', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();

  const response = await stack.request('POST', '/api/webhooks/schedule', {
    token: tenant.token,
    body: { text: 'Scheduled without AI', scheduled_at: new Date(Date.now() + 3_600_000).toISOString(), x_account_id: tenant.xUserId },
  });

  t.is(response.status, 201, response.text);
  t.is(response.body.status, 'scheduled');
  await stack.client.workflow.getHandle(response.body.workflow_id).terminate('test finished');
});
