import path from 'node:path';
import test from 'ava';
import { ConfigError, loadConfig } from '../src/config';

test('duration defaults are milliseconds', (t) => {
  const config = loadConfig({});

  t.is(config.openai.timeoutMs, 30_000);
  t.is(config.x.requestTimeoutMs, 30_000);
  t.is(config.publishLateLimitMs, 3_600_000);
  t.is(config.notify.timeoutMs, 10_000);
  t.deepEqual(config.notify.retryDelaysMs, [60_000, 300_000, 1_800_000]);
});

test('duration values are milliseconds', (t) => {
  const config = loadConfig({ OPENAI_TIMEOUT: '1500ms', NOTIFY_RETRY_DELAYS: '1s,2s,3s' });

  t.is(config.openai.timeoutMs, 1_500);
  t.deepEqual(config.notify.retryDelaysMs, [1_000, 2_000, 3_000]);
});

test('invalid settings are all listed', (t) => {
  const error = t.throws(() => loadConfig({ X_REQUEST_TIMEOUT: 'soon', PORT: 'http', NOTIFY_RETRY_DELAYS: '1m,later' }));

  t.regex(error.message, /X_REQUEST_TIMEOUT/);
  t.regex(error.message, /PORT/);
  t.regex(error.message, /NOTIFY_RETRY_DELAYS/);
});

const KEY = Buffer.alloc(32, 1).toString('base64');

function problems(env: NodeJS.ProcessEnv): string[] {
  const error = (() => {
    try {
      loadConfig(env);
    } catch (caught) {
      return caught;
    }
    throw new Error('loadConfig accepted the environment');
  })();
  if (!(error instanceof ConfigError)) {
    throw error;
  }
  return error.problems;
}

test('defaults without any variable', (t) => {
  const config = loadConfig({});

  t.is(config.env, 'development');
  t.is(config.port, 3000);
  t.is(config.host, '127.0.0.1');
  t.is(config.dataDir, path.resolve('./data'));
  t.is(config.databaseUrl, undefined);
  t.is(config.temporal.address, undefined);
  t.is(config.temporal.namespace, 'default');
  t.is(config.temporal.taskQueue, 'autotweet-posts');
  t.false(config.temporal.tls);
  t.is(config.x.apiBaseUrl, 'https://api.x.com');
  t.is(config.x.requestTimeoutMs, 30_000);
  t.is(config.publishLateLimitMs, 3_600_000);
  t.deepEqual(config.notify.retryDelaysMs, [60_000, 300_000, 1_800_000]);
  t.is(config.notify.timeoutMs, 10_000);
  t.false(config.notify.allowPrivateUrls);
  t.is(config.openai.timeoutMs, 30_000);
});

test('reads and converts values', (t) => {
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '8080',
    DATABASE_URL: 'mysql://app:secret@db:3306/autotweet',
    ENCRYPTION_KEY: KEY,
    TEMPORAL_ADDRESS: 'temporal:7233',
    TEMPORAL_API_KEY: 'cloud-key',
    X_API_BASE_URL: 'http://127.0.0.1:9999/',
    X_REQUEST_TIMEOUT: '2s',
    NOTIFY_RETRY_DELAYS: '1s,2s,3s',
    NOTIFY_TIMEOUT: '500ms',
    ALLOW_PRIVATE_WEBHOOK_URLS: 'TRUE',
    X_APP_KEY: '',
  });

  t.is(config.env, 'production');
  t.is(config.port, 8080);
  t.is(config.databaseUrl, 'mysql://app:secret@db:3306/autotweet');
  t.is(config.encryptionKey, KEY);
  t.is(config.temporal.address, 'temporal:7233');
  t.true(config.temporal.tls, 'an API key implies TLS');
  t.is(config.x.apiBaseUrl, 'http://127.0.0.1:9999');
  t.is(config.x.requestTimeoutMs, 2_000);
  t.is(config.x.appKey, undefined);
  t.deepEqual(config.notify.retryDelaysMs, [1_000, 2_000, 3_000]);
  t.is(config.notify.timeoutMs, 500);
  t.true(config.notify.allowPrivateUrls);
});

test('flags accept 1 and 0', (t) => {
  t.true(loadConfig({ ALLOW_PRIVATE_WEBHOOK_URLS: '1' }).notify.allowPrivateUrls);
  t.false(loadConfig({ ALLOW_PRIVATE_WEBHOOK_URLS: '0' }).notify.allowPrivateUrls);
});

test('lists every problem at once', (t) => {
  const found = problems({
    NODE_ENV: 'staging',
    PORT: 'eighty',
    DATABASE_URL: 'postgres://localhost/db',
    X_API_BASE_URL: 'ftp://x',
    X_REQUEST_TIMEOUT: '30 seconds',
    NOTIFY_RETRY_DELAYS: '1m,soon,30m',
    NOTIFY_TIMEOUT: '-1s',
    ALLOW_PRIVATE_WEBHOOK_URLS: 'maybe',
  });

  t.log(found.join('\n'));
  t.is(found.length, 8);
  for (const name of ['NODE_ENV', 'PORT', 'DATABASE_URL', 'X_API_BASE_URL', 'X_REQUEST_TIMEOUT', 'NOTIFY_RETRY_DELAYS', 'NOTIFY_TIMEOUT', 'ALLOW_PRIVATE_WEBHOOK_URLS']) {
    t.true(found.some((problem) => problem.includes(`"${name}"`)), `no problem names ${name}`);
  }
  t.true(found.some((problem) => problem === '"NOTIFY_RETRY_DELAYS" must be a comma-separated list of durations such as 1m,5m,30m'));
  t.true(found.some((problem) => problem === '"X_REQUEST_TIMEOUT" must be a duration such as 500ms, 10s, 5m, 2h or 1d'));
});

test('production requires a 32-byte key', (t) => {
  t.deepEqual(problems({ NODE_ENV: 'production' }), ['"ENCRYPTION_KEY" is required in production (base64 of 32 random bytes)']);
  t.deepEqual(problems({ ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }), ['"ENCRYPTION_KEY" must be base64 of exactly 32 bytes']);
});

test('error message lists problems one per line', (t) => {
  const error = t.throws(() => loadConfig({ PORT: 'x', NODE_ENV: 'y' }), { instanceOf: ConfigError });

  t.regex(error?.message ?? '', /^Invalid configuration:\n {2}.+\n {2}.+$/);
});
