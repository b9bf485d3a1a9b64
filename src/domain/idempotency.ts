import crypto from 'node:crypto';
import { Op, UniqueConstraintError } from 'sequelize';
import { IdempotencyKey } from '../db';
import { AppError, ConflictError } from '../errors';

/** How long a key and its response are kept; a key reused later starts a new request. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;

export type IdempotencyClaim =
  | { kind: 'claimed'; record: IdempotencyKey }
  | { kind: 'replay'; status: number; body: unknown };

/**
 * Hashes what makes two requests "the same": method, path and body. Object keys are sorted first,
 * so the same JSON with its fields in another order hashes the same.
 */
export function hashRequest(method: string, path: string, body: unknown): string {
  return crypto.createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
}

/**
 * Claims a workspace's idempotency key for a request by inserting it first, so of several
 * concurrent requests exactly one wins the unique index. The others get the stored response of a
 * finished request with the same body, 409 while it runs, or 422 when their body differs.
 */
export async function claimIdempotencyKey(workspaceId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  await IdempotencyKey.destroy({ where: { workspaceId, createdAt: { [Op.lt]: new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS) } } });

  try {
    const record = await IdempotencyKey.create({ workspaceId, key, requestHash, state: 'in_progress' });
    return { kind: 'claimed', record };
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) {
      throw error;
    }
  }

  const existing = await IdempotencyKey.findOne({ where: { workspaceId, key } });
  if (existing && existing.requestHash !== requestHash) {
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body in the last 24 hours; use a new key for a new request.');
  }
  if (!existing || existing.state === 'in_progress') {
    // A missing row was released by a request that just failed, so a retry can claim it.
    // NOTE: a key whose API process died mid-request stays in_progress until it expires (24 h),
    // because that request may have scheduled a post and a retry could schedule a second one.
    throw new ConflictError(
      'idempotency_request_in_progress',
      'A request with this Idempotency-Key is still being processed; retry once it has finished.',
    );
  }
  return { kind: 'replay', status: existing.responseStatus ?? 200, body: JSON.parse(existing.responseBody ?? 'null') };
}

/** Stores the response of a claimed request, to be replayed for the key's lifetime. */
export async function completeIdempotencyKey(record: IdempotencyKey, status: number, body: unknown): Promise<void> {
  await record.update({ state: 'completed', responseStatus: status, responseBody: JSON.stringify(body) });
}

/** Frees a key whose request failed, so the caller can retry it with the same key. */
export async function releaseIdempotencyKey(record: IdempotencyKey): Promise<void> {
  await record.destroy();
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
