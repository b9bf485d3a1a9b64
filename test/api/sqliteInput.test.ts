import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import anyTest, { TestFn } from 'ava';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { connectDatabase, migrate } from '../../src/db';
import { createWebhookToken, createWorkspace } from '../../src/domain/admin';
import { createLogger } from '../../src/logger';
import { TEST_ENCRYPTION_KEY } from '../helpers/stack';

// Models bind to the last connection made in a process, so this file keeps its SQLite database to itself.
const test = anyTest as TestFn<{ url: string; token: string; stop: () => Promise<void> }>;

test.before(async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotweet-sqlite-api-'));
  const sequelize = connectDatabase({ dataDir });
  await migrate(sequelize);
  const workspace = await createWorkspace({ name: 'SQLite input', plan: 'pro' });
  const { secret } = await createWebhookToken({ workspaceId: workspace.id });

  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
  // Every request here is rejected before it reaches Temporal, so any call on this client is a bug.
  const temporal = {} as Client;
  const app = createApp({ config, logger: createLogger({ level: 'silent' }), temporal });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  t.context = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: secret,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sequelize.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

test.after.always(async (t) => {
  await t.context.stop?.();
});

async function send(t: { context: { url: string; token: string } }, method: string, pathAndQuery: string, body?: unknown) {
  const response = await fetch(`${t.context.url}${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${t.context.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

for (const id of ['%00', 'a%00b', 'not-a-uuid', '%E2%80%AE']) {
  test(`post ID ${id} is not found on SQLite`, async (t) => {
    for (const [method, body] of [['GET', undefined], ['PATCH', { text: 'Edited' }], ['DELETE', undefined]] as const) {
      const response = await send(t, method, `/api/webhooks/posts/${id}`, body);

      t.is(response.status, 404, `${method}: ${response.text}`);
      t.is(response.body?.error?.code, 'post_not_found', `${method}: ${response.text}`);
    }
  });
}

test('list filters with control characters are rejected on SQLite', async (t) => {
  for (const query of ['external_id=a%00b', 'external_id=%07', 'x_account_id=1%00', 'status=scheduled%00']) {
    const response = await send(t, 'GET', `/api/webhooks/posts?${query}`);

    t.is(response.status, 400, `${query}: ${response.text}`);
    t.is(response.body?.error?.code, 'validation_failed', `${query}: ${response.text}`);
    t.is(response.body?.error?.details?.[0]?.field, query.split('=')[0], `${query}: ${response.text}`);
  }
});

test('cursor with a NUL in its post ID is rejected on SQLite', async (t) => {
  const cursor = Buffer.from(JSON.stringify({ t: new Date().toISOString(), i: 'a\u0000b' })).toString('base64url');

  const response = await send(t, 'GET', `/api/webhooks/posts?cursor=${cursor}`);

  t.is(response.status, 400, response.text);
  t.is(response.body?.error?.details?.[0]?.field, 'cursor', response.text);
});
