import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/**
 * A customer's notification endpoint on 127.0.0.1: answers each request with the next status from
 * `statuses` (then 200) and records what arrived.
 */
export class NotificationReceiver {
  readonly received: ReceivedNotification[] = [];
  private server?: http.Server;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  url = '';

  constructor(private readonly statuses: number[] = []) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        res.writeHead(this.statuses.shift() ?? 200, { 'content-type': 'text/plain' });
        res.end('ok');
        this.waiters = this.waiters.filter((waiter) => {
          if (this.received.length >= waiter.count) {
            waiter.resolve();
            return false;
          }
          return true;
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/autotweet`;
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

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
