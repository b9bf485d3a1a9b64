import net from 'node:net';
import anyTest, { ExecutionContext, TestFn } from 'ava';
import { blockedAddressReason, DeliveryError, sendNotification, SendOptions } from '../../src/notifications/send';
import { NotificationReceiver, ReceiverResponse } from '../helpers/receiver';

const test = anyTest as TestFn;

const BODY = JSON.stringify({ type: 'post.published', data: {} });

function options(url: string, overrides: Partial<SendOptions> = {}): SendOptions {
  return { url, body: BODY, headers: { 'webhook-id': 'msg_test' }, timeoutMs: 1_000, allowPrivateAddresses: false, ...overrides };
}

async function startReceiver(t: ExecutionContext, responses: ReceiverResponse[] = [], host?: string): Promise<NotificationReceiver> {
  const receiver = new NotificationReceiver(responses);
  await receiver.start(host);
  t.teardown(() => receiver.stop());
  return receiver;
}

/**
 * Calls sendNotification while any attempt to open a socket throws. The refusal of an IP literal
 * must come before a socket exists, so a broken check fails the test instead of sending traffic.
 */
function sendWithoutSockets(url: string): Promise<unknown> {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function refuseConnect(): never {
    throw new Error(`a socket was opened for ${url}`);
  };
  try {
    return sendNotification(options(url));
  } finally {
    net.Socket.prototype.connect = connect;
  }
}

async function assertBlocked(t: ExecutionContext, promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await t.throwsAsync(promise, { instanceOf: DeliveryError });
  t.is(error?.kind, 'blocked_address', error?.message);
  return error as DeliveryError;
}

const BLOCKED_ADDRESSES: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.8.9.10', 'loopback'],
  ['::1', 'loopback'],
  ['169.254.169.254', 'linkLocal'],
  ['10.0.0.1', 'private'],
  ['172.16.5.4', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['fd00::1', 'uniqueLocal'],
  ['fe80::1', 'linkLocal'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['::ffff:10.0.0.1', 'private'],
  ['64:ff9b::a9fe:a9fe', 'rfc6052'],
  ['2002:7f00:1::', '6to4'],
];

test('blockedAddressReason rejects non-public ranges', (t) => {
  for (const [address, range] of BLOCKED_ADDRESSES) {
    t.is(blockedAddressReason(address), `${address} is in the ${range} range`, address);
  }
});

test('blockedAddressReason allows public unicast', (t) => {
  for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
    t.is(blockedAddressReason(address), undefined, address);
  }
});

test('blockedAddressReason rejects a hostname', (t) => {
  t.is(blockedAddressReason('example.com'), 'example.com is not an IP address');
});

test('loopback IPv4 literal rejected before connecting', async (t) => {
  const receiver = await startReceiver(t);

  await assertBlocked(t, sendWithoutSockets(`http://127.0.0.1:${receiver.port}/hook`));
  await assertBlocked(t, sendWithoutSockets(`http://2130706433:${receiver.port}/hook`));
  await assertBlocked(t, sendWithoutSockets(`http://0x7f.1:${receiver.port}/hook`));

  t.is(receiver.connections, 0);
});

test('loopback IPv6 literal rejected before connecting', async (t) => {
  const receiver = await startReceiver(t, [], '::1');

  await assertBlocked(t, sendWithoutSockets(`http://[::1]:${receiver.port}/hook`));

  t.is(receiver.connections, 0);
});

test('IPv4-mapped IPv6 literal rejected before connecting', async (t) => {
  const receiver = await startReceiver(t);

  const error = await assertBlocked(t, sendWithoutSockets(`http://[::ffff:127.0.0.1]:${receiver.port}/hook`));
  await assertBlocked(t, sendWithoutSockets('http://[::ffff:169.254.169.254]/latest/meta-data/'));

  t.regex(error.message, /loopback/);
  t.is(receiver.connections, 0);
});

test('metadata and private literals refused before connecting', async (t) => {
  const error = await assertBlocked(t, sendWithoutSockets('http://169.254.169.254/'));
  t.regex(error.message, /169\.254\.169\.254 is in the linkLocal range/);

  for (const url of ['http://10.0.0.1/', 'https://192.168.0.10/hook', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://0.0.0.0:8080/']) {
    await assertBlocked(t, sendWithoutSockets(url));
  }
});

test('localhost rejected after lookup, before connecting', async (t) => {
  const receiver = await startReceiver(t);

  const error = await assertBlocked(t, sendNotification(options(`http://localhost:${receiver.port}/hook`)));

  t.regex(error.message, /Refused to deliver to localhost: .* is in the loopback range/);
  t.is(receiver.connections, 0);
  t.is(receiver.received.length, 0);
});

test('non-http schemes and bad URLs are invalid', async (t) => {
  for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'not a url']) {
    const error = await t.throwsAsync(sendNotification(options(url)), { instanceOf: DeliveryError });
    t.is(error?.kind, 'invalid_url', url);
  }
});

test('private addresses allowed when configured', async (t) => {
  const receiver = await startReceiver(t, [204]);

  const result = await sendNotification(options(`http://localhost:${receiver.port}/hook`, { allowPrivateAddresses: true }));

  t.is(result.statusCode, 204);
  t.is(receiver.received.length, 1);
  t.is(receiver.received[0].body, BODY);
  t.is(receiver.received[0].headers['webhook-id'], 'msg_test');
  t.is(receiver.received[0].headers['content-type'], 'application/json');
});

test('redirect is returned as a failure, not followed', async (t) => {
  const target = await startReceiver(t);
  const receiver = await startReceiver(t, [{ status: 302, headers: { location: target.url } }]);

  const error = await t.throwsAsync(sendNotification(options(receiver.url, { allowPrivateAddresses: true })), { instanceOf: DeliveryError });

  t.is(error?.kind, 'http_status');
  t.is(error?.statusCode, 302);
  t.is(target.connections, 0);
});

test('error status is a failure with its code', async (t) => {
  const receiver = await startReceiver(t, [410]);

  const error = await t.throwsAsync(sendNotification(options(receiver.url, { allowPrivateAddresses: true })), { instanceOf: DeliveryError });

  t.is(error?.kind, 'http_status');
  t.is(error?.statusCode, 410);
});

test('receiver that never responds times out', async (t) => {
  const receiver = await startReceiver(t, ['hang']);
  const started = Date.now();

  const error = await t.throwsAsync(sendNotification(options(receiver.url, { allowPrivateAddresses: true, timeoutMs: 500 })), { instanceOf: DeliveryError });

  const elapsed = Date.now() - started;
  t.log(`gave up after ${elapsed} ms with a 500 ms timeout`);
  t.is(error?.kind, 'timeout');
  t.true(elapsed >= 450 && elapsed < 1_500, `took ${elapsed} ms`);
});

test('receiver that stalls mid-body times out', async (t) => {
  const receiver = await startReceiver(t, ['stall-body']);
  const started = Date.now();

  const error = await t.throwsAsync(sendNotification(options(receiver.url, { allowPrivateAddresses: true, timeoutMs: 500 })), { instanceOf: DeliveryError });

  const elapsed = Date.now() - started;
  t.log(`gave up after ${elapsed} ms with a 500 ms timeout`);
  t.is(error?.kind, 'timeout');
  t.true(elapsed >= 450 && elapsed < 1_500, `took ${elapsed} ms`);
});
