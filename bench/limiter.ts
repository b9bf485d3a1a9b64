import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { authenticate } from '../src/api/middlewares/authenticate';
import { errorHandler } from '../src/api/middlewares/errorHandler';
import { rateLimit } from '../src/api/middlewares/rateLimit';
import { RateLimiter } from '../src/domain/rateLimiter';
import type { Logger } from '../src/logger';

/** Latency figures of one series, in milliseconds. */
export interface Series {
  name: string;
  requests: number;
  medianMs: number;
  p99Ms: number;
}

/**
 * Starts a Koa app with the production authentication in front of a handler that does nothing,
 * with or without the workspace rate limiter, so the difference is the limiter's cost.
 */
export async function startBenchApp(options: { limiter: RateLimiter; withLimiter: boolean; logger: Logger }) {
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler(options.logger));
  app.use(authenticate({ limiter: options.limiter, unauthenticatedPerMinute: 1_000, logger: options.logger }));
  if (options.withLimiter) {
    app.use(rateLimit(options.limiter) as Koa.Middleware);
  }
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends `count` requests one after another and returns their latencies' median and p99. */
export async function measure(name: string, count: number, send: () => Promise<void>): Promise<Series> {
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = process.hrtime.bigint();
    await send();
    durations.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  durations.sort((a, b) => a - b);
  return {
    name,
    requests: count,
    medianMs: percentile(durations, 0.5),
    p99Ms: percentile(durations, 0.99),
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}
