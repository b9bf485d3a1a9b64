import anyTest, { TestFn } from 'ava';
import { GenerationReservation, GenerationUsage } from '../../src/db';
import { FakeOpenAI } from '../helpers/fakeOpenAI';
import { TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack; openai: FakeOpenAI }>;

const API_KEY = 'sk-proj-SECRETSECRETSECRET1234';

test.before(async (t) => {
  const openai = new FakeOpenAI();
  await openai.start();
  t.context.openai = openai;
  t.context.stack = await TestStack.start(
    { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${openai.baseUrl}/v1`, OPENAI_TIMEOUT: '1s', OPENAI_MODEL: 'gpt-test' },
    { worker: false },
  );
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
  await t.context.openai?.stop();
});

test.beforeEach((t) => {
  t.context.openai.reset();
});

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
function openaiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

async function generate(t: { context: { stack: TestStack } }) {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const response = await stack.request('POST', '/api/webhooks/generate', { token: tenant.token, body: { topic: 'Errors', variants: 2 } });
  const usage = await GenerationUsage.findOne({ where: { workspaceId: tenant.workspace.id } });
  const pending = await GenerationReservation.count({ where: { workspaceId: tenant.workspace.id } });
  return { response, used: usage?.used ?? 0, reserved: usage?.reserved ?? 0, pending };
}

test.serial('rate limit is a 503 with Retry-After', async (t) => {
  t.context.openai.behaviours.push({
    kind: 'error',
    status: 429,
    body: openaiError('Rate limit reached for gpt-test on requests per min (RPM): Limit 3, Used 3.', 'requests', 'rate_limit_exceeded'),
    headers: { 'retry-after': '20' },
  });

  const { response, used, reserved, pending } = await generate(t);

  t.is(response.status, 503, response.text);
  t.is(response.body.error.code, 'generation_rate_limited');
  t.is(response.headers.get('retry-after'), '20');
  t.is(used, 0);
  t.is(reserved, 0);
  t.is(pending, 0);
  t.is(t.context.openai.requests.length, 1);
});

test.serial('rate limit without Retry-After has none', async (t) => {
  t.context.openai.behaviours.push({ kind: 'error', status: 429, body: openaiError('Rate limit reached.', 'tokens', 'rate_limit_exceeded') });

  const { response } = await generate(t);

  t.is(response.status, 503, response.text);
  t.is(response.body.error.code, 'generation_rate_limited');
  t.is(response.headers.get('retry-after'), null);
});

test.serial('exhausted OpenAI account is a 503', async (t) => {
  t.context.openai.behaviours.push({
    kind: 'error',
    status: 429,
    body: openaiError(
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
    ),
  });

  const { response, used, reserved } = await generate(t);

  t.is(response.status, 503, response.text);
  t.is(response.body.error.code, 'generation_account_exhausted');
  t.is(response.headers.get('retry-after'), null);
  t.is(used, 0);
  t.is(reserved, 0);
  t.is(t.context.openai.requests.length, 1);
});

for (const status of [500, 502, 503]) {
  test.serial(`OpenAI ${status} is a 502`, async (t) => {
    t.context.openai.behaviours.push({ kind: 'error', status, body: openaiError('The server had an error while processing your request.', 'server_error', null) });

    const { response, used, reserved } = await generate(t);

    t.is(response.status, 502, response.text);
    t.is(response.body.error.code, 'generation_upstream_error');
    t.is(used, 0);
    t.is(reserved, 0);
    t.is(t.context.openai.requests.length, 1);
  });
}

test.serial('slow OpenAI is a 504', async (t) => {
  t.context.openai.behaviours.push({ kind: 'slow', delayMs: 2_500 });
  const startedAt = Date.now();

  const { response, used, reserved } = await generate(t);

  t.is(response.status, 504, response.text);
  t.is(response.body.error.code, 'generation_timeout');
  const elapsed = Date.now() - startedAt;
  t.true(elapsed < 2_500, `answered after ${elapsed} ms`);
  t.is(used, 0);
  t.is(reserved, 0);
  t.is(t.context.openai.requests.length, 1);
});

test.serial('rejected API key never leaks', async (t) => {
  t.context.openai.behaviours.push({
    kind: 'error',
    status: 401,
    body: openaiError(`Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.openai.com.`, 'invalid_request_error', 'invalid_api_key'),
  });

  const { response } = await generate(t);

  t.is(response.status, 503, response.text);
  t.is(response.body.error.code, 'generation_unavailable');
  t.false(response.text.includes(API_KEY));
  t.false(response.text.includes('SECRET'));
});

test.serial('unknown model is a 502', async (t) => {
  t.context.openai.behaviours.push({
    kind: 'error',
    status: 404,
    body: openaiError('The model `gpt-test` does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'),
  });

  const { response } = await generate(t);

  t.is(response.status, 502, response.text);
  t.is(response.body.error.code, 'generation_upstream_error');
  t.is(t.context.openai.requests[0].body.model, 'gpt-test');
});

test.serial('unreadable OpenAI body is a 502', async (t) => {
  t.context.openai.behaviours.push({ kind: 'raw', status: 200, body: '{"id": "chatcmpl-broken", "choi' });

  const { response } = await generate(t);

  t.is(response.status, 502, response.text);
  t.is(response.body.error.code, 'generation_upstream_error');
});

test.serial('response without choices is a 502', async (t) => {
  t.context.openai.behaviours.push({ kind: 'raw', status: 200, body: '{"id": "chatcmpl-empty", "object": "chat.completion", "choices": []}' });

  const { response } = await generate(t);

  t.is(response.status, 502, response.text);
  t.is(response.body.error.code, 'generation_upstream_error');
  t.is(t.context.openai.requests.length, 1);
});
