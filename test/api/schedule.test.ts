import zlib from 'node:zlib';
import anyTest, { ExecutionContext, TestFn } from 'ava';
import { ScheduledPost } from '../../src/db';
import { assertErrorBody, isoWithOffset, storedPost } from '../helpers/api';
import { TestStack } from '../helpers/stack';

type Tenant = Awaited<ReturnType<TestStack['createTenant']>>;
const test = anyTest as TestFn<{ stack: TestStack; tenant: Tenant }>;

const PATH = '/api/webhooks/schedule';

// No worker runs, so accepted posts start workflows that never publish.
test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
});

// A workspace per test keeps every test under the per-workspace request limit.
test.beforeEach(async (t) => {
  t.context.tenant = await t.context.stack.createTenant();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** Builds a valid body one hour ahead with `overrides` applied; a key set to undefined is left out. */
function body(t: ExecutionContext<{ tenant: Tenant }>, overrides: Record<string, unknown> = {}) {
  return JSON.parse(JSON.stringify({
    text: 'Scheduled through the API',
    scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
    x_account_id: t.context.tenant.xUserId,
    ...overrides,
  }));
}

function schedule(t: ExecutionContext<{ stack: TestStack; tenant: Tenant }>, overrides: Record<string, unknown> = {}) {
  return t.context.stack.request('POST', PATH, { token: t.context.tenant.token, body: body(t, overrides) });
}

function fieldProblems(t: ExecutionContext, response: { status: number; body: any; text: string }) {
  const error = assertErrorBody(t, response, 400, 'validation_failed');
  t.true(Array.isArray(error.details), response.text);
  return error.details ?? [];
}

test('rejects a time without an offset', async (t) => {
  const response = await schedule(t, { scheduled_at: '2027-03-10T09:00:00' });

  const problems = fieldProblems(t, response);
  t.is(problems.length, 1);
  t.is(problems[0].field, 'scheduled_at');
  t.regex(problems[0].message, /offset/);
});

test('offset and Z forms store the same instant', async (t) => {
  const { stack } = t.context;
  const instant = new Date(Math.ceil((Date.now() + 10 * 86_400_000) / 60_000) * 60_000);
  const expected = instant.toISOString().replace('T', ' ').replace('Z', '000');

  const ids: string[] = [];
  for (const scheduledAt of [isoWithOffset(instant, 330), isoWithOffset(instant, 0), isoWithOffset(instant, -180)]) {
    const response = await schedule(t, { scheduled_at: scheduledAt });
    t.is(response.status, 201, response.text);
    t.is(response.body.scheduled_at, instant.toISOString(), scheduledAt);
    ids.push(response.body.id);
  }

  for (const id of ids) {
    t.is((await storedPost(stack, id)).scheduledAt, expected);
  }
});

test('accepts 280 weighted characters, rejects 281', async (t) => {
  t.is((await schedule(t, { text: 'a'.repeat(280) })).status, 201);
  t.is((await schedule(t, { text: 'あ'.repeat(140) })).status, 201);

  for (const [text, length] of [['a'.repeat(281), 281], ['あ'.repeat(141), 282]] as const) {
    const problems = fieldProblems(t, await schedule(t, { text }));
    t.is(problems.length, 1);
    t.is(problems[0].field, 'text');
    t.regex(problems[0].message, new RegExp(`is ${length} characters as X counts them; the maximum is 280`));
  }
});

test('emoji and supplementary characters round-trip', async (t) => {
  const { stack } = t.context;
  const text = '👩🏽‍💻 ship it 🚀 𠀋 café';

  const response = await schedule(t, { text });

  t.is(response.status, 201, response.text);
  t.is(response.body.text, text);
  t.deepEqual((await storedPost(stack, response.body.id)).textBytes, Buffer.from(text, 'utf8'));
});

test('text is stored in NFC', async (t) => {
  const { stack } = t.context;
  const decomposed = 'Cafe\u0301 opens at nine';

  const response = await schedule(t, { text: decomposed });

  t.is(response.status, 201, response.text);
  t.deepEqual((await storedPost(stack, response.body.id)).textBytes, Buffer.from('Café opens at nine', 'utf8'));
});

test('rejects x_account_id as a JSON number', async (t) => {
  const response = await t.context.stack.request('POST', PATH, {
    token: t.context.tenant.token,
    rawBody: `{"text":"Numbers overflow","scheduled_at":"${new Date(Date.now() + 60_000).toISOString()}","x_account_id":${t.context.tenant.xUserId}}`,
    headers: { 'content-type': 'application/json' },
  });

  const problems = fieldProblems(t, response);
  t.deepEqual(problems.map((problem) => problem.field), ['x_account_id']);
});

test('bodies that are not a JSON object get 4xx', async (t) => {
  const { stack, tenant } = t.context;
  const cases: Array<[string, string, string, number, string]> = [
    ['truncated JSON', 'application/json', '{"text": "cut off', 400, 'invalid_json'],
    ['JSON array', 'application/json', JSON.stringify([body(t)]), 400, 'invalid_body'],
    ['JSON string', 'application/json', '"hello"', 400, 'invalid_body'],
    ['JSON null', 'application/json', 'null', 400, 'invalid_body'],
    ['empty body', 'application/json', '', 400, 'invalid_body'],
    ['text/plain', 'text/plain', JSON.stringify(body(t)), 415, 'unsupported_media_type'],
    ['form body', 'application/x-www-form-urlencoded', 'text=hi', 415, 'unsupported_media_type'],
  ];

  for (const [name, contentType, rawBody, status, code] of cases) {
    const response = await stack.request('POST', PATH, { token: tenant.token, rawBody, headers: { 'content-type': contentType } });
    t.log(`${name}: ${response.status} ${response.body?.error?.code}`);
    t.true(response.status >= 400 && response.status < 500, `${name} got ${response.status}`);
    assertErrorBody(t, response, status, code);
  }
});

test('content encodings of the body', async (t) => {
  const { stack, tenant } = t.context;
  const json = JSON.stringify(body(t));
  const cases: Array<[string, string, Buffer, number, string]> = [
    ['gzip', 'gzip', zlib.gzipSync(json), 201, ''],
    ['gzip header on plain JSON', 'gzip', Buffer.from(json), 400, 'invalid_body'],
    ['truncated gzip', 'gzip', zlib.gzipSync(json).subarray(0, 20), 400, 'invalid_body'],
    ['deflate header on plain JSON', 'deflate', Buffer.from(json), 400, 'invalid_body'],
    ['br header on plain JSON', 'br', Buffer.from(json), 400, 'invalid_body'],
    ['unknown encoding', 'zstd', Buffer.from(json), 415, 'unsupported_media_type'],
  ];

  for (const [name, encoding, rawBody, status, code] of cases) {
    const response = await stack.request('POST', PATH, {
      token: tenant.token,
      rawBody,
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
    });

    if (status === 201) {
      t.is(response.status, 201, `${name}: ${response.text}`);
      continue;
    }
    const error = assertErrorBody(t, response, status, code);
    if (code === 'invalid_body') {
      t.regex(error.message, /could not be decoded/, name);
    }
  }
});

test('known path with another method gets 405', async (t) => {
  const { stack, tenant } = t.context;
  const postPath = '/api/webhooks/posts/00000000-0000-4000-8000-000000000000';
  const cases: Array<[string, string, string[]]> = [
    ['PUT', PATH, ['POST']],
    ['GET', PATH, ['POST']],
    ['PUT', postPath, ['DELETE', 'GET', 'HEAD', 'PATCH']],
    ['POST', '/api/webhooks/posts', ['GET', 'HEAD']],
    ['DELETE', '/api/webhooks/usage', ['GET', 'HEAD']],
    ['GET', '/api/webhooks/generate', ['POST']],
    ['PUT', '/healthz', ['GET', 'HEAD']],
  ];

  for (const [method, path, allowed] of cases) {
    const response = await stack.request(method, path, { token: tenant.token });

    const error = assertErrorBody(t, response, 405, 'method_not_allowed');
    t.true(error.message.includes(method), `${method} ${path}: ${error.message}`);
    const allow = (response.headers.get('allow') ?? '').split(/,\s*/).sort();
    t.deepEqual(allow, allowed, `${method} ${path}`);
  }
});

test('method no route handles gets 501', async (t) => {
  const response = await t.context.stack.request('PURGE', PATH, { token: t.context.tenant.token });

  assertErrorBody(t, response, 501, 'not_implemented');
});

test('unknown path gets 404 whatever the method', async (t) => {
  const { stack, tenant } = t.context;

  for (const method of ['GET', 'PUT']) {
    const response = await stack.request(method, '/api/webhooks/nothing-here', { token: tenant.token });

    assertErrorBody(t, response, 404, 'not_found');
    t.is(response.headers.get('allow'), null);
  }
});

test('body over the size limit gets 413', async (t) => {
  const response = await schedule(t, { text: 'a'.repeat(70_000) });

  assertErrorBody(t, response, 413, 'payload_too_large');
});

test('bearer scheme in any letter case is accepted', async (t) => {
  const { stack, tenant } = t.context;

  for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
    const response = await stack.request('POST', PATH, { body: body(t), headers: { authorization: `${scheme} ${tenant.token}` } });
    t.is(response.status, 201, `${scheme}: ${response.text}`);
  }
});

test('missing, malformed or unknown token gets 401', async (t) => {
  const { stack, tenant } = t.context;
  const headers: Array<Record<string, string>> = [
    {},
    { authorization: tenant.token },
    { authorization: `Token ${tenant.token}` },
    { authorization: 'Bearer' },
    { authorization: `Bearer ${tenant.token} extra` },
    { authorization: `Basic ${Buffer.from(`user:${tenant.token}`).toString('base64')}` },
    { authorization: 'Bearer atk_unknowntokenunknowntokenunknowntokenunknown1' },
    { authorization: `Bearer ${tenant.token}x` },
  ];

  for (const header of headers) {
    const response = await stack.request('POST', PATH, { body: body(t), headers: header });
    assertErrorBody(t, response, 401, 'unauthorized');
    t.is(response.headers.get('www-authenticate'), 'Bearer');
  }
});

test('rejects unknown fields', async (t) => {
  const problems = fieldProblems(t, await schedule(t, { media_ids: ['1'] }));

  t.deepEqual(problems.map((problem) => problem.field), ['media_ids']);
  t.regex(problems[0].message, /media_ids is not a known field/);
});

test('account of another workspace looks nonexistent', async (t) => {
  const { stack, tenant } = t.context;
  const other = await stack.createTenant();
  const missingId = '1111111111111111111';

  const foreign = await schedule(t, { x_account_id: other.xUserId });
  const missing = await schedule(t, { x_account_id: missingId });

  assertErrorBody(t, foreign, 404, 'x_account_not_found');
  assertErrorBody(t, missing, 404, 'x_account_not_found');
  t.deepEqual(JSON.parse(foreign.text.replaceAll(other.xUserId, '<id>')), JSON.parse(missing.text.replaceAll(missingId, '<id>')));
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id, accountId: other.account.id } }), 0);
});

test('lists every problem at once', async (t) => {
  const response = await t.context.stack.request('POST', PATH, {
    token: t.context.tenant.token,
    body: { text: '   ', scheduled_at: '2027-03-10T09:00:00', x_account_id: 42, colour: 'blue' },
  });

  const problems = fieldProblems(t, response);
  t.deepEqual(problems.map((problem) => problem.field).sort(), ['colour', 'scheduled_at', 'text', 'x_account_id']);
});

test('lists missing fields', async (t) => {
  const response = await t.context.stack.request('POST', PATH, { token: t.context.tenant.token, body: {} });

  const problems = fieldProblems(t, response);
  t.deepEqual(problems.map((problem) => problem.field).sort(), ['scheduled_at', 'text', 'x_account_id']);
});

test('rejects blank, invisible and control text', async (t) => {
  const texts = ['', ' ', '   \n\t ', '\u200b\u200b', '\u200d', '\u3164', 'a\u0000b', '\u0000', '\u0301', 'ring \u0007'];

  for (const text of texts) {
    const problems = fieldProblems(t, await schedule(t, { text }));
    t.deepEqual(problems.map((problem) => problem.field), ['text'], JSON.stringify(text));
  }
});

test('rejects text that is not UTF-8', async (t) => {
  const { stack, tenant } = t.context;
  const json = JSON.stringify(body(t, { text: 'bad XX' }));
  const start = Buffer.byteLength(json.slice(0, json.indexOf('XX')));
  const rawBody = Buffer.from(json);
  rawBody[start] = 0xff;
  rawBody[start + 1] = 0xfe;

  const response = await stack.request('POST', PATH, { token: tenant.token, rawBody, headers: { 'content-type': 'application/json' } });

  const problems = fieldProblems(t, response);
  t.deepEqual(problems.map((problem) => problem.field), ['text']);
  t.regex(problems[0].message, /U\+FFFD/);
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 0);
});

test('rejects a lone surrogate', async (t) => {
  const { stack, tenant } = t.context;
  const scheduledAt = new Date(Date.now() + 60_000).toISOString();

  for (const escaped of ['\\ud800', 'ok \\udc00 ok', '\\ud83d']) {
    const response = await stack.request('POST', PATH, {
      token: tenant.token,
      rawBody: `{"text":"${escaped}","scheduled_at":"${scheduledAt}","x_account_id":"${tenant.xUserId}"}`,
      headers: { 'content-type': 'application/json' },
    });
    const problems = fieldProblems(t, response);
    t.deepEqual(problems.map((problem) => problem.field), ['text'], escaped);
    t.regex(problems[0].message, /surrogate/);
  }
});

test('past and far-future times', async (t) => {
  const now = Date.now();

  const recent = await schedule(t, { scheduled_at: new Date(now - 30_000).toISOString() });
  t.is(recent.status, 201, recent.text);

  const past = fieldProblems(t, await schedule(t, { scheduled_at: new Date(now - 90_000).toISOString() }));
  t.deepEqual(past.map((problem) => problem.field), ['scheduled_at']);
  t.regex(past[0].message, /in the past/);

  const yearZero = fieldProblems(t, await schedule(t, { scheduled_at: '0000-01-01T00:00:00Z' }));
  t.is(yearZero[0]?.message, 'scheduled_at is in the past (0000-01-01T00:00:00.000Z); send a future time, or now.');

  const nextYear = await schedule(t, { scheduled_at: new Date(now + 360 * 86_400_000).toISOString() });
  t.is(nextYear.status, 201, nextYear.text);

  const tooFar = fieldProblems(t, await schedule(t, { scheduled_at: new Date(now + 367 * 86_400_000).toISOString() }));
  t.deepEqual(tooFar.map((problem) => problem.field), ['scheduled_at']);
  t.is(tooFar[0]?.message, 'scheduled_at is more than 366 days ahead.');
});

test('rejects impossible dates and non-ISO times', async (t) => {
  const year = new Date().getUTCFullYear() + 1;
  const values: unknown[] = [
    `${year}-02-30T09:00:00Z`,
    `${year}-13-01T09:00:00Z`,
    `${year}-04-31T09:00:00+02:00`,
    `${year}-03-10T24:00:00Z`,
    `${year}-03-10T09:60:00Z`,
    `${year}-03-10T09:00:00+24:00`,
    `${year}-03-10`,
    `03/10/${year} 09:00`,
    'tomorrow',
    Date.now() + 60_000,
    null,
  ];

  for (const value of values) {
    const problems = fieldProblems(t, await schedule(t, { scheduled_at: value }));
    t.deepEqual(problems.map((problem) => problem.field), ['scheduled_at'], String(value));
  }
});

test('accepted post is returned in UTC with its ID', async (t) => {
  const { tenant } = t.context;
  const instant = new Date(Math.ceil((Date.now() + 7_200_000) / 1000) * 1000);

  const response = await schedule(t, { scheduled_at: isoWithOffset(instant, 60), text: 'Returned as stored' });

  t.is(response.status, 201, response.text);
  t.is(response.body.status, 'scheduled');
  t.is(response.body.scheduled_at, instant.toISOString());
  t.is(response.body.x_account_id, tenant.xUserId);
  t.is(response.body.text, 'Returned as stored');
  t.is(response.body.workflow_id, `post-${response.body.id}`);
  t.is(response.headers.get('location'), `/api/webhooks/posts/${response.body.id}`);
  const post = await ScheduledPost.findByPk(response.body.id);
  t.is(post?.status, 'scheduled');
  t.is(post?.workspaceId, tenant.workspace.id);
});
