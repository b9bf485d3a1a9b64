import type { Context, Next } from 'koa';
import { requestWindows, workspaceSubject } from '../../domain/limits';
import type { RateLimiter } from '../../domain/rateLimiter';
import { TooManyRequestsError } from '../../errors';
import type { AuthState } from './authenticate';
import { retryAfterSeconds, setRateLimitHeaders } from './rateLimitHeaders';

const LIMIT_NAMES = { minute: 'a minute', day: 'a day (the day starts at 00:00 UTC)' };

/**
 * Counts the request against its workspace's per-minute and per-day limits, shared by every API
 * process through the database, and responds with 429 `rate_limit_minute` or `rate_limit_day` when
 * one is used up. Runs after `authenticate`. Every response carries the `RateLimit-*` headers.
 */
export function rateLimit(limiter: RateLimiter) {
  return async function limitWorkspaceRequests(ctx: Context & { state: AuthState }, next: Next): Promise<void> {
    const now = limiter.now();
    const { workspace, limits } = ctx.state;

    const decision = await limiter.consume(workspaceSubject(workspace.id), requestWindows(limits));

    setRateLimitHeaders(ctx, decision.usage, now);
    if (!decision.isAdmitted && decision.exceeded) {
      const { kind, limit, resetAt } = decision.exceeded;
      throw new TooManyRequestsError(
        `rate_limit_${kind}`,
        `This workspace has used its ${limit} requests ${LIMIT_NAMES[kind]}; try again after ${resetAt.toISOString()}.`,
        retryAfterSeconds(decision.exceeded, now),
        { limit, window: kind, reset_at: resetAt.toISOString() },
      );
    }
    await next();
  };
}
