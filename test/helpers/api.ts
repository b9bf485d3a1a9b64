import { ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import { QueryTypes } from 'sequelize';
import { createApp } from '../../src/api/app';
import { Clock, RateLimiter } from '../../src/domain/rateLimiter';
import type { TestStack } from './stack';

/** A clock a test moves by hand. */
export class ManualClock {
  constructor(private current: Date) {}

  readonly now: Clock = () => new Date(this.current);

  set(iso: string): void {
    this.current = new Date(iso);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Starts a second in-process API on the stack's database whose limiter reads `clock`; returns its URL. */
export async function startApiWithClock(stack: TestStack, clock: Clock): Promise<{ url: string; stop(): Promise<void> }> {
  const limiter = new RateLimiter(stack.db.sequelize, clock);
  const server = http.createServer(createApp({ config: stack.config, logger: stack.logger, temporal: stack.client, limiter }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts the API in a child process with the stack's settings; returns its URL and the process. */
export async function startApiProcess(stack: TestStack, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(require.resolve('./apiProcess'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: stack.db.url,
      ENCRYPTION_KEY: stack.config.encryptionKey,
      TEMPORAL_ADDRESS: stack.config.temporal.address,
      TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`API process exited with code ${code} before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Sends a request and returns status, headers and parsed JSON body. */
export async function send(url: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, text };
}

/** Asserts the error body every API error shares, `{ error: { code, message, details? } }`, and returns it. */
export function assertErrorBody(t: ExecutionContext, response: { status: number; body: any; text: string }, status: number, code: string) {
  t.is(response.status, status, response.text);
  t.is(response.body?.error?.code, code, response.text);
  t.is(typeof response.body?.error?.message, 'string');
  t.true(response.body.error.message.length > 0);
  return response.body.error as { code: string; message: string; details?: Array<{ field: string; message: string }> };
}

/** Formats an instant in ISO 8601 at a fixed offset from UTC, such as `2027-03-10T14:30:00+05:30`. */
export function isoWithOffset(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) {
    return `${local}Z`;
  }
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}

/**
 * Reads a scheduled post's row as MariaDB stores it, formatted by the server itself so neither the
 * driver nor the process timezone takes part: `scheduled_at` as `YYYY-MM-DD HH:MM:SS.ffffff` and
 * `text` as the hex of its bytes.
 */
export async function storedPost(stack: TestStack, postId: string): Promise<{ scheduledAt: string; textBytes: Buffer }> {
  const [row] = await stack.db.sequelize.query<{ scheduled_at: string; text_hex: string }>(
    "SELECT DATE_FORMAT(scheduled_at, '%Y-%m-%d %H:%i:%s.%f') AS scheduled_at, HEX(text) AS text_hex FROM scheduled_posts WHERE id = ?",
    { replacements: [postId], type: QueryTypes.SELECT },
  );
  return { scheduledAt: row.scheduled_at, textBytes: Buffer.from(row.text_hex, 'hex') };
}
