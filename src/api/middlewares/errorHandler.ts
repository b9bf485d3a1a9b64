import type { Context, Next } from 'koa';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';

/** Error statuses that koa-bodyparser and Koa raise for bad requests, with our codes for them. */
const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'invalid_json',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Renders every error as `{ error: { code, message, details? } }`. AppErrors and client errors raised
 * by the body parser keep their status. Any other error is logged with its stack, and the response is
 * a generic 500 that leaks nothing.
 */
export function errorHandler(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}.`);
      }
      // The router's allowedMethods sets these statuses and the Allow header, without a body.
      if (ctx.status === 405 && ctx.body === undefined) {
        throw new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}; use ${ctx.response.get('Allow')}.`);
      }
      if (ctx.status === 501 && ctx.body === undefined) {
        throw new AppError(501, 'not_implemented', `The method ${ctx.method} is not supported.`);
      }
    } catch (error) {
      if (error instanceof AppError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
        return;
      }
      const status = (error as { status?: number; expose?: boolean }).status;
      if (status && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: { code: CLIENT_ERROR_CODES[status] ?? 'bad_request', message: describeClientError(status, error as Error) } };
        return;
      }
      logger.error({ err: error, method: ctx.method, path: ctx.path, requestId: ctx.state.requestId }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal_error', message: 'Something went wrong on our side. Try again later.' } };
    }
  };
}

function describeClientError(status: number, error: Error): string {
  if (status === 400) {
    return `The body is not valid JSON: ${error.message}`;
  }
  if (status === 413) {
    return 'The body is too large.';
  }
  return error.message;
}
