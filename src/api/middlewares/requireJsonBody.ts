import bodyParser from 'koa-bodyparser';
import type { Context, Next } from 'koa';
import { AppError } from '../../errors';

// Not strict: scalars such as "hello" parse, so the check below reports that the body must be an object.
const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', strict: false });

/**
 * Parses a JSON body and requires it to be a JSON object. Other media types and unknown content
 * encodings get 415. Malformed or oversized bodies get 400 and 413 from the parser. A body that
 * does not decode from its gzip, deflate or br encoding gets 400, and so do arrays and scalars.
 */
export async function requireJsonBody(ctx: Context, next: Next): Promise<void> {
  if (!ctx.is('application/json')) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  try {
    await parseJson(ctx, async () => undefined);
  } catch (error) {
    // The parser's own client errors (invalid JSON, too large, unknown encoding) carry an HTTP
    // status and pass on. zlib's errors for a corrupt gzip, deflate or br body carry none.
    if (error instanceof Error && (error as { status?: unknown }).status === undefined) {
      throw new AppError(
        400,
        'invalid_body',
        `The body could not be decoded from its Content-Encoding ${ctx.get('content-encoding')}: ${error.message}. Compress it as that header says, or send it without the header.`,
      );
    }
    throw error;
  }
  const body: unknown = (ctx.request as { body?: unknown }).body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError(400, 'invalid_body', 'The body must be a JSON object.');
  }
  await next();
}
