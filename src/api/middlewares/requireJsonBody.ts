import bodyParser from 'koa-bodyparser';
import type { Context, Next } from 'koa';
import { AppError } from '../../errors';

// Not strict: scalars such as "hello" parse, so the check below reports that the body must be an object.
const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', strict: false });

/**
 * Parses a JSON body and requires it to be a JSON object: other media types get 415, malformed or
 * oversized bodies 400 and 413 (raised by the parser), arrays and scalars 400.
 */
export async function requireJsonBody(ctx: Context, next: Next): Promise<void> {
  if (!ctx.is('application/json')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  await parseJson(ctx, async () => undefined);
  const body: unknown = (ctx.request as { body?: unknown }).body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError(400, 'invalid_body', 'The body must be a JSON object.');
  }
  await next();
}
