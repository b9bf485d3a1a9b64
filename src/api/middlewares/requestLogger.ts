import crypto from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../../logger';

/** Logs one line per request with its status and duration, and sets an `X-Request-Id`. */
export function requestLogger(logger: Logger) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
    } finally {
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          workspaceId: ctx.state.workspace?.id,
        },
        'request',
      );
    }
  };
}
