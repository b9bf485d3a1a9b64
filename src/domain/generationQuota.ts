import crypto from 'node:crypto';
import { Op, Sequelize, Transaction, UniqueConstraintError } from 'sequelize';
import { GenerationRequest, GenerationUsage, Plan, Workspace } from '../db';
import { AppError } from '../errors';
import type { GeneratedVariant } from './tweetVariants';

/** A workspace's generation quota for one calendar month (UTC). */
export interface GenerationQuota {
  /** `YYYY-MM`. */
  month: string;
  /** Generations allowed this month; null means unlimited. */
  limit: number | null;
  /** Variants delivered this month. */
  used: number;
  /** Variants requested by calls still in progress. */
  reserved: number;
  /** Generations a new request may still reserve (limit − used − reserved); null when unlimited. */
  remaining: number | null;
  /** The first instant of the next month, when `used` starts again from zero. */
  resetsAt: Date;
}

/** Variants reserved for one call in progress, until they are charged or released. */
export interface Reservation {
  requestId: string;
  workspaceId: string;
  month: string;
  count: number;
}

export type ReservationOutcome =
  | { kind: 'reserved'; reservation: Reservation }
  | { kind: 'replayed'; variants: GeneratedVariant[] };

/** Returns the quota month of an instant: `YYYY-MM` in UTC. */
export function quotaMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** Returns the first instant of the month after `now`, in UTC. */
export function quotaResetsAt(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Looks up the workspace's monthly allowance: its own override, else its plan's. Null means unlimited. */
export async function generationLimit(workspace: Workspace): Promise<number | null> {
  if (workspace.generationsPerMonth !== null && workspace.generationsPerMonth !== undefined) {
    return workspace.generationsPerMonth;
  }
  const plan = await Plan.findByPk(workspace.plan);
  return plan?.generationsPerMonth ?? null;
}

/** Reports the workspace's generation quota for the month of `now` (default: the current month). */
export async function getGenerationUsage(workspace: Workspace, now: Date = new Date()): Promise<GenerationQuota> {
  const month = quotaMonth(now);
  const limit = await generationLimit(workspace);
  const usage = await GenerationUsage.findOne({ where: { workspaceId: workspace.id, month } });
  const used = usage?.used ?? 0;
  const reserved = usage?.reserved ?? 0;
  return {
    month,
    limit,
    used,
    reserved,
    remaining: limit === null ? null : Math.max(0, limit - used - reserved),
    resetsAt: quotaResetsAt(now),
  };
}

/**
 * Reserves `count` generations for one call before OpenAI is asked, in one conditional UPDATE so
 * concurrent calls cannot together exceed the limit. Raises 429 `generation_quota_exceeded` when the
 * count does not fit. An idempotency key of a finished call returns that call's variants instead.
 * A key whose call is still in progress raises 409, and a key used for another request raises 422.
 */
export async function reserveGenerations(input: {
  workspace: Workspace;
  count: number;
  fingerprint: string;
  idempotencyKey?: string;
  now: Date;
  staleAfterMs: number;
}): Promise<ReservationOutcome> {
  const { workspace, count, now } = input;
  assertCount(count);
  await releaseStaleReservations(workspace.id, input.staleAfterMs);

  if (input.idempotencyKey) {
    const existing = await GenerationRequest.findOne({ where: { workspaceId: workspace.id, idempotencyKey: input.idempotencyKey } });
    if (existing) {
      return { kind: 'replayed', variants: replayStoredRequest(existing, input.fingerprint) };
    }
  }

  const month = quotaMonth(now);
  const limit = await generationLimit(workspace);
  await ensureUsageRow(workspace.id, month);
  const reservation: Reservation = { requestId: crypto.randomUUID(), workspaceId: workspace.id, month, count };
  let isReserved = false;
  try {
    isReserved = await sequelizeOf().transaction(async (transaction) => {
      await GenerationRequest.create({
        id: reservation.requestId,
        workspaceId: workspace.id,
        idempotencyKey: input.idempotencyKey ?? null,
        fingerprint: input.fingerprint,
        month,
        variantCount: count,
        status: 'pending',
        response: null,
      }, { transaction });
      const fits = limit === null ? {} : { [Op.and]: [Sequelize.where(Sequelize.literal('used + reserved'), { [Op.lte]: limit - count })] };
      const [updated] = await GenerationUsage.update(
        { reserved: Sequelize.literal(`reserved + ${count}`) },
        { where: { workspaceId: workspace.id, month, ...fits }, transaction },
      );
      if (updated === 0) {
        // Rolls the request row back with the transaction.
        throw new QuotaExceeded();
      }
      return true;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintError) {
      throw idempotencyKeyInProgress();
    }
    if (!(error instanceof QuotaExceeded)) {
      throw error;
    }
  }
  if (!isReserved) {
    throw quotaExceededError(await getGenerationUsage(workspace, now), count, now);
  }
  return { kind: 'reserved', reservation };
}

/** Charges a reservation once its variants are delivered, and stores them for a retried request. */
// NOTE: nothing prunes succeeded request rows yet, so they accumulate and each idempotency key
// stays bound to its first result for as long as the row exists.
export async function chargeGenerations(reservation: Reservation, variants: GeneratedVariant[]): Promise<void> {
  await sequelizeOf().transaction(async (transaction) => {
    const [updated] = await GenerationRequest.update(
      { status: 'succeeded', response: JSON.stringify(variants) },
      { where: { id: reservation.requestId, status: 'pending' }, transaction },
    );
    // When a stale sweep has already released this reservation, charge without releasing it twice.
    const reserved = updated === 1 ? Sequelize.literal(`reserved - ${reservation.count}`) : Sequelize.literal('reserved');
    await GenerationUsage.update(
      { used: Sequelize.literal(`used + ${reservation.count}`), reserved },
      { where: { workspaceId: reservation.workspaceId, month: reservation.month }, transaction },
    );
  });
}

/** Releases a failed call's reservation and deletes its request row, so a retry with the same key runs again. */
export async function releaseGenerations(reservation: Reservation): Promise<void> {
  await sequelizeOf().transaction((transaction) => releaseInTransaction(reservation, transaction));
}

/**
 * Releases reservations whose call started more than `staleAfterMs` ago: that call's process died
 * before it could charge or release. `created_at` is the wall-clock time the row was written.
 */
async function releaseStaleReservations(workspaceId: string, staleAfterMs: number): Promise<void> {
  const stale = await GenerationRequest.findAll({
    where: { workspaceId, status: 'pending', createdAt: { [Op.lt]: new Date(Date.now() - staleAfterMs) } },
  });
  for (const row of stale) {
    await releaseGenerations({ requestId: row.id, workspaceId, month: row.month, count: row.variantCount });
  }
}

async function releaseInTransaction(reservation: Reservation, transaction: Transaction): Promise<void> {
  const deleted = await GenerationRequest.destroy({ where: { id: reservation.requestId, status: 'pending' }, transaction });
  if (deleted === 1) {
    await GenerationUsage.update(
      { reserved: Sequelize.literal(`reserved - ${reservation.count}`) },
      { where: { workspaceId: reservation.workspaceId, month: reservation.month }, transaction },
    );
  }
}

async function ensureUsageRow(workspaceId: string, month: string): Promise<void> {
  if (await GenerationUsage.findOne({ where: { workspaceId, month } })) {
    return;
  }
  try {
    await GenerationUsage.create({ workspaceId, month });
  } catch (error) {
    // A concurrent call created it first.
    if (!(error instanceof UniqueConstraintError)) {
      throw error;
    }
  }
}

function replayStoredRequest(existing: GenerationRequest, fingerprint: string): GeneratedVariant[] {
  if (existing.fingerprint !== fingerprint) {
    throw new AppError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request; send a new key for a new request.',
    );
  }
  if (existing.status !== 'succeeded' || !existing.response) {
    throw idempotencyKeyInProgress();
  }
  return JSON.parse(existing.response) as GeneratedVariant[];
}

function idempotencyKeyInProgress(): AppError {
  return new AppError(
    409,
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still in progress; retry it in a few seconds to get its result.',
    undefined,
    { 'Retry-After': '2' },
  );
}

function quotaExceededError(quota: GenerationQuota, requested: number, now: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((quota.resetsAt.getTime() - now.getTime()) / 1000));
  return new AppError(
    429,
    'generation_quota_exceeded',
    `This request needs ${requested} generation${requested === 1 ? '' : 's'} but the workspace has ${quota.remaining} of its ${quota.limit} left for ${quota.month}. The quota resets at ${quota.resetsAt.toISOString()}.`,
    { limit: quota.limit, used: quota.used, remaining: quota.remaining, requested, resets_at: quota.resetsAt.toISOString() },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

function assertCount(count: number): void {
  // The count is written into SQL literals: accept only a small positive integer.
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError(`Generation count must be an integer from 1 to 100, got ${count}`);
  }
}

function sequelizeOf(): Sequelize {
  const sequelize = GenerationUsage.sequelize;
  if (!sequelize) {
    throw new Error('The database models are not initialised; call connectDatabase first.');
  }
  return sequelize;
}

class QuotaExceeded extends Error {}
