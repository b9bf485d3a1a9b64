import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { PublishOutcome } from '../../src/activities';
import { createApp } from '../../src/api/app';
import { Config, loadConfig } from '../../src/config';
import { connectXAccount, createWebhookToken, createWorkspace, setNotificationEndpoint, XAccountCredentials } from '../../src/domain/admin';
import { SecretBox } from '../../src/domain/secrets';
import { createLogger, Logger } from '../../src/logger';
import { installTemporalLogger } from '../../src/temporal/logging';
import { createWorker } from '../../src/worker';
import { createTestDatabase, TestDatabase } from './database';
import { FakeX } from './fakeX';

/** A fixed key so tests can seal and open credentials without a key file. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

let isTemporalLoggerInstalled = false;
let bundlePromise: Promise<WorkerOptions['workflowBundle']> | undefined;

/**
 * Returns the workflow bundle that the test runner built for the whole suite (WORKFLOW_BUNDLE_PATH),
 * or else bundles the workflows once for this test file.
 */
export function workflowBundle(): Promise<WorkerOptions['workflowBundle']> {
  if (process.env.WORKFLOW_BUNDLE_PATH) {
    return Promise.resolve({ codePath: process.env.WORKFLOW_BUNDLE_PATH });
  }
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
  return bundlePromise;
}

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error('TEMPORAL_ADDRESS is not set: run the suite with `npm test`, which starts a Temporal dev server.');
  }
  return address;
}

/**
 * Everything a test file needs, started for real: a fresh MariaDB database, the fake X, a Temporal
 * client, a worker on a task queue of its own and the API on a free port.
 */
export class TestStack {
  readonly secrets = new SecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));
  readonly logger: Logger;
  readonly fakeX = new FakeX();
  db!: TestDatabase;
  config!: Config;
  client!: Client;
  apiUrl = '';
  private apiServer?: http.Server;
  private workerConnection?: NativeConnection;
  private worker?: Worker;
  private workerRun?: Promise<void>;

  private constructor(private readonly env: Record<string, string>) {
    // Tests provoke warnings on purpose (failed deliveries, X errors); TEST_LOG_LEVEL=warn shows them.
    this.logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error' });
  }

  /** Starts the stack; `env` overrides the environment the service would read. */
  static async start(env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<TestStack> {
    const stack = new TestStack(env);
    await stack.fakeX.start();
    stack.db = await createTestDatabase();
    stack.config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: stack.db.url,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: `test-${crypto.randomUUID()}`,
      X_API_BASE_URL: stack.fakeX.baseUrl,
      X_REQUEST_TIMEOUT: '2s',
      X_APP_KEY: 'test-app-key',
      X_APP_SECRET: 'test-app-secret',
      X_CLIENT_ID: 'test-client-id',
      X_CLIENT_SECRET: 'test-client-secret',
      NOTIFY_RETRY_DELAYS: '1s,2s,3s',
      NOTIFY_TIMEOUT: '2s',
      ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      ...stack.env,
    });
    const connection = await Connection.connect({ address: temporalAddress() });
    stack.client = new Client({ connection, namespace: stack.config.temporal.namespace });
    await stack.startApi();
    if (options.worker !== false) {
      await stack.startWorker();
    }
    return stack;
  }

  async startApi(): Promise<void> {
    const app = createApp({ config: this.config, logger: this.logger, temporal: this.client });
    this.apiServer = http.createServer(app.callback());
    await new Promise<void>((resolve) => this.apiServer!.listen(0, '127.0.0.1', resolve));
    this.apiUrl = `http://127.0.0.1:${(this.apiServer.address() as AddressInfo).port}`;
  }

  async startWorker(): Promise<void> {
    if (!isTemporalLoggerInstalled) {
      // The runtime takes one logger per process, before its first connection. Installed only
      // when a worker starts: an installed runtime that never connects keeps the process alive.
      installTemporalLogger(this.logger);
      isTemporalLoggerInstalled = true;
    }
    this.workerConnection = await NativeConnection.connect({ address: temporalAddress() });
    const { worker } = await createWorker({
      config: this.config,
      logger: this.logger,
      sequelize: this.db.sequelize,
      connection: this.workerConnection,
      workflowBundle: await workflowBundle(),
    });
    this.worker = worker;
    this.workerRun = worker.run();
  }

  async stopWorker(): Promise<void> {
    if (this.worker) {
      this.worker.shutdown();
      await this.workerRun;
      await this.workerConnection?.close();
      this.worker = undefined;
    }
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    this.apiServer?.closeAllConnections();
    await new Promise<void>((resolve) => this.apiServer?.close(() => resolve()) ?? resolve());
    await this.client?.connection.close();
    await this.fakeX.stop();
    await this.db?.drop();
  }

  /**
   * Creates a workspace with a webhook token and a connected X account (OAuth 1.0a unless
   * `credentials` are given), optionally with a notification endpoint.
   */
  async createTenant(options: { notificationUrl?: string; plan?: string; xUserId?: string; credentials?: XAccountCredentials } = {}) {
    const workspace = await createWorkspace({ name: `Workspace ${crypto.randomUUID().slice(0, 8)}`, plan: options.plan ?? 'pro' });
    const { secret: token } = await createWebhookToken({ workspaceId: workspace.id, name: 'tests' });
    const xUserId = options.xUserId ?? String(1_598_765_432_109_876_543n + BigInt(crypto.randomInt(1_000_000)));
    const account = await connectXAccount(this.secrets, {
      workspaceId: workspace.id,
      xUserId,
      username: 'autotweet_test',
      credentials: options.credentials ?? { type: 'oauth1', accessToken: `access-${xUserId}`, accessSecret: `secret-${xUserId}` },
    });
    const endpoint = options.notificationUrl
      ? await setNotificationEndpoint(this.secrets, { workspaceId: workspace.id, url: options.notificationUrl })
      : undefined;
    return { workspace, token, account, xUserId, signingSecret: endpoint?.signingSecret };
  }

  /** Schedules a post through the API (for now unless `scheduledAt` is given); throws unless the status is 201. */
  async schedulePost(tenant: { token: string; xUserId: string }, text: string, scheduledAt = new Date().toISOString()) {
    const response = await this.request('POST', '/api/webhooks/schedule', {
      token: tenant.token,
      body: { text, scheduled_at: scheduledAt, x_account_id: tenant.xUserId },
    });
    if (response.status !== 201) {
      throw new Error(`Scheduling failed with ${response.status}: ${response.text}`);
    }
    return response.body as { id: string; workflow_id: string; scheduled_at: string };
  }

  /** Waits for a post's workflow to finish and returns its publish outcome. */
  workflowResult(workflowId: string): Promise<PublishOutcome> {
    return this.client.workflow.getHandle(workflowId).result();
  }

  /** Sends a request to the API and returns its status, headers and parsed JSON body. */
  async request(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) {
      headers.authorization ??= `Bearer ${options.token}`;
    }
    let body: string | Buffer | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.apiUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, body: json, text };
  }
}

/** Resolves once `check` returns a truthy value, polling every 100 ms, or rejects after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
