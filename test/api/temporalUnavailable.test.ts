import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import anyTest, { ExecutionContext, TestFn } from 'ava';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { ScheduledPost } from '../../src/db';
import { postWorkflowId } from '../../src/workflows/ids';
import { assertErrorBody } from '../helpers/api';
import { temporalAddress, TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** Finds a port on 127.0.0.1 that nothing listens on, by binding it and releasing it. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Serves the API with `temporal` as its Temporal client and returns its base URL. */
async function serveApi(t: ExecutionContext<{ stack: TestStack }>, temporal: Client): Promise<string> {
  const { stack } = t.context;
  const server = http.createServer(createApp({ config: stack.config, logger: stack.logger, temporal }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await temporal.connection.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function scheduleThrough(t: ExecutionContext<{ stack: TestStack }>, apiUrl: string) {
  const tenant = await t.context.stack.createTenant();
  const started = Date.now();
  const response = await fetch(`${apiUrl}/api/webhooks/schedule`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Nobody will run this', scheduled_at: new Date(Date.now() + 60_000).toISOString(), x_account_id: tenant.xUserId }),
  });
  const text = await response.text();
  return { tenant, elapsedMs: Date.now() - started, response: { status: response.status, headers: response.headers, body: JSON.parse(text), text } };
}

test('closed Temporal port gets 503 and leaves no post', async (t) => {
  // A lazy connection, because Connection.connect would fail at start-up before the API could respond.
  const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }) });
  const apiUrl = await serveApi(t, temporal);

  const { tenant, elapsedMs, response } = await scheduleThrough(t, apiUrl);

  t.log(`answered ${response.status} after ${elapsedMs} ms`);
  assertErrorBody(t, response, 503, 'scheduler_unavailable');
  t.is(response.headers.get('retry-after'), '5');
  t.true(elapsedMs < 10_000, `took ${elapsedMs} ms`);
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 0);
});

test('rejected workflow start gets 503 and leaves no post', async (t) => {
  // The real server rejects a start in a namespace that does not exist.
  const connection = await Connection.connect({ address: temporalAddress() });
  const apiUrl = await serveApi(t, new Client({ connection, namespace: 'no-such-namespace' }));

  const { tenant, elapsedMs, response } = await scheduleThrough(t, apiUrl);

  t.log(`answered ${response.status} after ${elapsedMs} ms`);
  assertErrorBody(t, response, 503, 'scheduler_unavailable');
  t.is(await ScheduledPost.count({ where: { workspaceId: tenant.workspace.id } }), 0);
});

test('post reads work while Temporal is unreachable', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  // A stored post whose workflow the API cannot check, because Temporal is out of reach.
  const postId = crypto.randomUUID();
  const post = await ScheduledPost.create({
    id: postId,
    workspaceId: tenant.workspace.id,
    accountId: tenant.account.id,
    text: 'Waiting for Temporal',
    scheduledAt: new Date(Date.now() + 3_600_000),
    workflowId: postWorkflowId(postId),
  });
  const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }) });
  const apiUrl = await serveApi(t, temporal);
  const headers = { authorization: `Bearer ${tenant.token}` };

  const started = Date.now();
  const one = await fetch(`${apiUrl}/api/webhooks/posts/${post.id}`, { headers });
  const list = await fetch(`${apiUrl}/api/webhooks/posts`, { headers });
  t.log(`both reads answered within ${Date.now() - started} ms`);

  t.is(one.status, 200);
  t.is(((await one.json()) as { status: string }).status, 'scheduled');
  t.is(list.status, 200);
  t.deepEqual(((await list.json()) as { data: Array<{ id: string }> }).data.map((item) => item.id), [post.id]);
});
