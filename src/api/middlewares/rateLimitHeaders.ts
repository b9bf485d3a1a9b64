import type { Context } from 'koa';
import type { WindowUsage } from '../../domain/rateLimiter';

const WINDOW_SECONDS = { minute: 60, day: 86_400 };

/** Whole seconds until a window resets, at least 1 so a client never retries at once. */
export function retryAfterSeconds(window: WindowUsage, now: Date): number {
  return Math.max(1, Math.ceil((window.resetAt.getTime() - now.getTime()) / 1000));
}

/**
 * Sets `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) for the window
 * closest to running out, and `RateLimit-Policy` listing every limited window. Among windows
 * with equal room left, the one that resets later is reported, because it blocks longer.
 */
export function setRateLimitHeaders(ctx: Context, usage: WindowUsage[], now: Date): void {
  const limited = usage.filter((window) => window.limit !== null && window.remaining !== null);
  if (limited.length === 0) {
    return;
  }
  const closest = [...limited].sort((a, b) =>
    a.remaining! - b.remaining! || b.resetAt.getTime() - a.resetAt.getTime())[0];
  ctx.set('RateLimit-Limit', String(closest.limit));
  ctx.set('RateLimit-Remaining', String(closest.remaining));
  ctx.set('RateLimit-Reset', String(retryAfterSeconds(closest, now)));
  ctx.set('RateLimit-Policy', limited.map((window) => `${window.limit};w=${WINDOW_SECONDS[window.kind]}`).join(', '));
}
