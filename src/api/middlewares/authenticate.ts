import type { Context, Next } from 'koa';
import type { WebhookToken, Workspace } from '../../db';
import { addressSubject, WorkspaceLimits } from '../../domain/limits';
import type { RateLimiter, WindowLimit } from '../../domain/rateLimiter';
import { findActiveToken, touchToken } from '../../domain/webhookTokens';
import { TooManyRequestsError, UnauthorizedError } from '../../errors';
import type { Logger } from '../../logger';
import { retryAfterSeconds, setRateLimitHeaders } from './rateLimitHeaders';

export interface AuthState {
  workspace: Workspace;
  token: WebhookToken;
  limits: WorkspaceLimits;
}

export interface AuthenticateOptions {
  limiter: RateLimiter;
  /** Requests per minute one client address may send with a missing, unknown, revoked or expired token. */
  unauthenticatedPerMinute: number;
  logger: Logger;
}

/**
 * Requires `Authorization: Bearer <webhook token>` (the scheme in any letter case) naming a token that
 * is neither revoked nor expired, and puts its workspace and limits on `ctx.state`. A request
 * without such a token counts against its client address, never a workspace, and gets 401, or 429
 * once the address has used its allowance for the minute. A valid token is never limited by the
 * address it comes from, so a client sending bad tokens cannot lock a workspace out.
 */
export function authenticate(options: AuthenticateOptions) {
  const addressWindows: WindowLimit[] = [{ kind: 'minute', limit: options.unauthenticatedPerMinute }];

  return async function authenticateRequest(ctx: Context, next: Next): Promise<void> {
    const now = options.limiter.now();
    const bearer = parseBearer(ctx.get('authorization'));
    const found = 'secret' in bearer ? await findActiveToken(bearer.secret, now) : undefined;

    if (!found) {
      const decision = await options.limiter.consume(addressSubject(ctx.ip), addressWindows);
      options.limiter.sweepIfDue().catch((error) => options.logger.warn({ err: error }, 'rate limit sweep failed'));
      setRateLimitHeaders(ctx, decision.usage, now);
      if (!decision.isAdmitted && decision.exceeded) {
        throw new TooManyRequestsError(
          'rate_limit_unauthenticated',
          `Too many requests without a valid webhook token from ${ctx.ip}; the limit is ${options.unauthenticatedPerMinute} a minute.`,
          retryAfterSeconds(decision.exceeded, now),
        );
      }
      throw new UnauthorizedError('problem' in bearer ? bearer.problem : 'The webhook token is unknown, revoked or expired.');
    }

    await touchToken(found.token, now);
    ctx.state.workspace = found.workspace;
    ctx.state.token = found.token;
    ctx.state.limits = found.limits;
    await next();
  };
}

function parseBearer(header: string): { secret: string } | { problem: string } {
  if (!header) {
    return { problem: 'Missing Authorization header; send Authorization: Bearer <webhook token>.' };
  }
  const match = /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  if (!match) {
    return { problem: 'Malformed Authorization header; send Authorization: Bearer <webhook token>.' };
  }
  return { secret: match[1] };
}
