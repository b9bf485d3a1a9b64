import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import anyTest, { TestFn } from 'ava';
import { Webhook } from 'standardwebhooks';

const test = anyTest as TestFn<{ fakes: ChildProcess; output: () => string; xUrl: string; receiverUrl: string; secret: string }>;

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** Resolves once `read()` matches `pattern`, polling every 50 ms; rejects after `timeoutMs`. */
async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = read().match(pattern);
    if (match) {
      return match;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`output did not match ${pattern} within ${timeoutMs} ms:\n${read()}`);
}

test.before(async (t) => {
  t.context.secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
  const fakes = spawn(tsx, [path.join(root, 'scripts', 'localFakes.ts'), '--signing-secret', t.context.secret], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_X_PORT: '0', RECEIVER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  fakes.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  fakes.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  t.context.fakes = fakes;
  t.context.output = () => output;

  const [, xUrl, receiverUrl] = await waitForOutput(t.context.output, /Fake X API on (\S+); notification receiver on (\S+)/);
  t.context.xUrl = xUrl;
  t.context.receiverUrl = receiverUrl;
});

test.after.always((t) => {
  t.context.fakes?.kill('SIGTERM');
});

function signedHeaders(secret: string, id: string, body: string): Record<string, string> {
  const timestamp = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
}

test.serial('receiver reports a valid signature', async (t) => {
  const body = JSON.stringify({ type: 'post.published', data: { post_id: 'valid-one' } });

  const response = await fetch(t.context.receiverUrl, { method: 'POST', headers: signedHeaders(t.context.secret, 'msg_valid', body), body });

  t.is(response.status, 204);
  const [line] = await waitForOutput(t.context.output, /webhook-id: msg_valid[\s\S]*?signature check: .*/);
  t.regex(line, /signature check: valid$/);
});

test.serial('receiver reports a tampered body', async (t) => {
  const body = JSON.stringify({ type: 'post.published', data: { post_id: 'tampered' } });
  const headers = signedHeaders(t.context.secret, 'msg_tampered', body);

  const response = await fetch(t.context.receiverUrl, { method: 'POST', headers, body: body.replace('tampered', 'tampered!') });

  t.is(response.status, 204);
  const [line] = await waitForOutput(t.context.output, /webhook-id: msg_tampered[\s\S]*?signature check: .*/);
  t.regex(line, /signature check: INVALID \(/);
});

test.serial('fake X rejects marked text', async (t) => {
  const post = (text: string) =>
    fetch(`${t.context.xUrl}/2/tweets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

  const failed = await post('Launch day #fail');
  const unknown = await post('Launch day #unknown');
  const created = await post('Launch day');

  t.is(failed.status, 403);
  t.regex(((await failed.json()) as { detail: string }).detail, /duplicate content/);
  t.is(unknown.status, 503);
  t.is(created.status, 201);
  await waitForOutput(t.context.output, /\[fake X\] POST \/2\/tweets .*#fail.*-> returned 403/);
});
