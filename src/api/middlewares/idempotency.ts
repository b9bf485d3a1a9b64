import type { Context, Next } from 'koa';
import { claimIdempotencyKey, completeIdempotencyKey, hashRequest, releaseIdempotencyKey } from '../../domain/idempotency';
import { AppError } from '../../errors';

/**
 * Visible ASCII without spaces, as HTTP header values allow without encoding. No spaces, because
 * Node.js trims them from the ends and joins a repeated header with ", ".
 */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Makes a request with an `Idempotency-Key` header safe to retry: the first successful (2xx)
 * response is stored per workspace and key and replayed with `Idempotent-Replayed: true`. A request
 * that fails releases its key, since nothing was done and the caller should retry. Runs after
 * authentication and body parsing.
 */
export async function idempotency(ctx: Context, next: Next): Promise<void> {
  // An empty or blank header arrives as "". It is rejected rather than taken for no header, because
  // ignoring it would let every retry schedule another post.
  const key = ctx.headers['idempotency-key'];
  if (key === undefined) {
    await next();
    return;
  }
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters without spaces, such as a UUID.');
  }

  const requestHash = hashRequest(ctx.method, ctx.path, (ctx.request as { body?: unknown }).body);
  const claim = await claimIdempotencyKey(ctx.state.workspace.id, key, requestHash);
  if (claim.kind === 'replay') {
    ctx.status = claim.status;
    ctx.body = claim.body;
    ctx.set('Idempotent-Replayed', 'true');
    return;
  }

  try {
    await next();
  } catch (error) {
    await releaseIdempotencyKey(claim.record);
    throw error;
  }
  if (ctx.status >= 200 && ctx.status < 300) {
    await completeIdempotencyKey(claim.record, ctx.status, ctx.body);
  } else {
    await releaseIdempotencyKey(claim.record);
  }
}
