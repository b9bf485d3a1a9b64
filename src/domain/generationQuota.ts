import crypto from 'node:crypto';
import { Op, Sequelize, UniqueConstraintError } from 'sequelize';
import { GenerationReservation, GenerationUsage, Plan, Workspace } from '../db';
import { serializeOnSqlite } from '../db/serialize';
import { AppError } from '../errors';

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
  id: string;
  workspaceId: string;
  month: string;
  count: number;
}

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
 * Reserves `count` generations for one call before OpenAI is called, in one conditional UPDATE so
 * concurrent calls cannot together exceed the limit. Raises 429 `generation_quota_exceeded` when
 * the count does not fit.
 */
export async function reserveGenerations(input: {
  workspace: Workspace;
  count: number;
  now: Date;
  staleAfterMs: number;
}): Promise<Reservation> {
  const { workspace, count, now } = input;
  assertCount(count);
  await releaseStaleReservations(workspace.id, input.staleAfterMs);

  const month = quotaMonth(now);
  const limit = await generationLimit(workspace);
  await ensureUsageRow(workspace.id, month);
  const reservation: Reservation = { id: crypto.randomUUID(), workspaceId: workspace.id, month, count };
  const isReserved = await serializeOnSqlite(sequelizeOf(), () => sequelizeOf().transaction(async (transaction) => {
    const fits = limit === null ? {} : { [Op.and]: [Sequelize.where(Sequelize.literal('used + reserved'), { [Op.lte]: limit - count })] };
    const [updated] = await GenerationUsage.update(
      { reserved: Sequelize.literal(`reserved + ${count}`) },
      { where: { workspaceId: workspace.id, month, ...fits }, transaction },
    );
    if (updated === 0) {
      return false;
    }
    await GenerationReservation.create({ id: reservation.id, workspaceId: workspace.id, month, variantCount: count }, { transaction });
    return true;
  }));
  if (!isReserved) {
    throw quotaExceededError(await getGenerationUsage(workspace, now), count, now);
  }
  return reservation;
}

/** Charges a reservation once its variants are delivered. */
export async function chargeGenerations(reservation: Reservation): Promise<void> {
  await serializeOnSqlite(sequelizeOf(), () => sequelizeOf().transaction(async (transaction) => {
    const deleted = await GenerationReservation.destroy({ where: { id: reservation.id }, transaction });
    // When a stale sweep has already released this reservation, charge without releasing it twice.
    const reserved = deleted === 1 ? Sequelize.literal(`reserved - ${reservation.count}`) : Sequelize.literal('reserved');
    await GenerationUsage.update(
      { used: Sequelize.literal(`used + ${reservation.count}`), reserved },
      { where: { workspaceId: reservation.workspaceId, month: reservation.month }, transaction },
    );
  }));
}

/** Releases a failed call's reservation, so its variants count nothing. */
export async function releaseGenerations(reservation: Reservation): Promise<void> {
  await serializeOnSqlite(sequelizeOf(), () => sequelizeOf().transaction(async (transaction) => {
    const deleted = await GenerationReservation.destroy({ where: { id: reservation.id }, transaction });
    if (deleted === 1) {
      await GenerationUsage.update(
        { reserved: Sequelize.literal(`reserved - ${reservation.count}`) },
        { where: { workspaceId: reservation.workspaceId, month: reservation.month }, transaction },
      );
    }
  }));
}

/**
 * Releases reservations whose call started more than `staleAfterMs` ago: that call's process died
 * before it could charge or release. `created_at` is the wall-clock time the row was written.
 */
async function releaseStaleReservations(workspaceId: string, staleAfterMs: number): Promise<void> {
  const stale = await GenerationReservation.findAll({
    where: { workspaceId, createdAt: { [Op.lt]: new Date(Date.now() - staleAfterMs) } },
  });
  for (const row of stale) {
    await releaseGenerations({ id: row.id, workspaceId, month: row.month, count: row.variantCount });
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
