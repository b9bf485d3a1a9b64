import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedNotification {
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/**
 * Response of the receiver to one request. It is a status (with optional headers, such as a `location`
 * for a redirect), `hang` to read the request and never respond, or `stall-body`. `stall-body` sends a
 * 200 status line and part of the body, then nothing more.
 */
export type ReceiverResponse = number | { status: number; headers?: Record<string, string> } | 'hang' | 'stall-body';

/**
 * A customer's notification endpoint on loopback. It responds to each request with the next entry
 * of `responses` (then 200) and records what arrived and how many connections were opened.
 */
export class NotificationReceiver {
  readonly received: ReceivedNotification[] = [];
  /** TCP connections accepted, so tests can show that a refused delivery never connected. */
  connections = 0;
  private server?: http.Server;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  url = '';

  constructor(private readonly responses: ReceiverResponse[] = []) {}

  /** Listens on a free port of `host`: 127.0.0.1 by default, `::1` for IPv6 loopback. */
  async start(host = '127.0.0.1'): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        this.answer(res, this.responses.shift() ?? 200);
        this.waiters = this.waiters.filter((waiter) => {
          if (this.received.length >= waiter.count) {
            waiter.resolve();
            return false;
          }
          return true;
        });
      });
    });
    this.server.on('connection', () => {
      this.connections += 1;
    });
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}/hooks/autotweet`;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** Resolves once `count` requests have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    if (this.received.length >= count) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} notifications, got ${this.received.length}`)), timeoutMs);
      this.waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** Milliseconds between consecutive requests, in arrival order. */
  gapsMs(): number[] {
    return this.received.slice(1).map((notification, index) => notification.receivedAt - this.received[index].receivedAt);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(res: http.ServerResponse, response: ReceiverResponse): void {
    if (response === 'hang') {
      return;
    }
    if (response === 'stall-body') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('partial');
      return;
    }
    const { status, headers } = typeof response === 'number' ? { status: response, headers: {} } : response;
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end('ok');
  }
}

/** Verifies a notification with the `standardwebhooks` package, as a customer would; throws if the signature is invalid. */
export function verifyNotification(signingSecret: string, notification: ReceivedNotification): { type: string; data: Record<string, any> } {
  return new Webhook(signingSecret).verify(notification.body, {
    'webhook-id': String(notification.headers['webhook-id']),
    'webhook-timestamp': String(notification.headers['webhook-timestamp']),
    'webhook-signature': String(notification.headers['webhook-signature']),
  }) as { type: string; data: Record<string, any> };
}
