import test from 'ava';
import { loadConfig } from '../src/config';

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
