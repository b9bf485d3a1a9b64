import { QueryTypes, Sequelize, Transaction } from 'sequelize';
import { serializeOnSqlite, WindowKind } from '../db';

/** The current time; injected so tests can stand either side of a window boundary. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

const WINDOW_MS: Record<WindowKind, number> = { minute: 60_000, day: 86_400_000 };

/** Deadlocks and lock timeouts (MySQL 1213 and 1205) and a busy SQLite file are worth one more try. */
const RETRYABLE_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);
const MAX_ATTEMPTS = 5;

/** Address rows of windows that ended are deleted at most this often per process. */
const SWEEP_INTERVAL_MS = 60_000;

/** One limit on one window; a null `limit` is unlimited but still counted. */
export interface WindowLimit {
  kind: WindowKind;
  limit: number | null;
}

/** A subject's standing in one window after a request. */
export interface WindowUsage {
  kind: WindowKind;
  limit: number | null;
  used: number;
  /** Requests left in this window; null when unlimited. */
  remaining: number | null;
  resetAt: Date;
}

export interface RateLimitDecision {
  isAdmitted: boolean;
  usage: WindowUsage[];
  /** The exhausted window that keeps the subject out longest; set only when rejected. */
  exceeded?: WindowUsage;
}

/**
 * Returns the start of the fixed window holding `now`. Epoch milliseconds are UTC, so day windows
 * start at 00:00 UTC whatever the process time zone.
 */
export function windowStart(kind: WindowKind, now: Date): number {
  return Math.floor(now.getTime() / WINDOW_MS[kind]) * WINDOW_MS[kind];
}

/**
 * Fixed-window request counters shared by every API process through the database. A request is
 * admitted only if every window of its subject has room, and a rejected request is not counted.
 */
export class RateLimiter {
  private lastSweepMs = 0;

  constructor(
    private readonly sequelize: Sequelize,
    readonly now: Clock = systemClock,
  ) {}

  /**
   * Counts one request against every window in `limits` (at most one per kind). The increments,
   * the read-back and the decision share one transaction that keeps the rows locked until it ends,
   * so concurrent requests from any number of processes are counted exactly.
   */
  async consume(subject: string, limits: WindowLimit[]): Promise<RateLimitDecision> {
    const now = this.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const decision = await serializeOnSqlite(this.sequelize, () => this.tryConsume(subject, limits, now));
        if (decision) {
          return decision;
        }
        await this.createCounters(subject, limits, now);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) {
          throw error;
        }
      }
    }
  }

  /** Reads a subject's usage without counting anything. */
  async peek(subject: string, limits: WindowLimit[]): Promise<WindowUsage[]> {
    const now = this.now();
    const rows = await this.sequelize.query<{ window_kind: WindowKind; window_start_ms: number | string; count: number }>(
      'SELECT window_kind, window_start_ms, count FROM rate_limit_counters WHERE subject = :subject',
      { type: QueryTypes.SELECT, replacements: { subject } },
    );
    return limits.map(({ kind, limit }) => {
      const row = rows.find((candidate) => candidate.window_kind === kind);
      const isCurrent = row !== undefined && Number(row.window_start_ms) === windowStart(kind, now);
      return describeUsage(kind, limit, isCurrent ? Number(row.count) : 0, now);
    });
  }

  /**
   * Deletes the rows of client addresses whose windows have ended. Workspace rows are kept because
   * each workspace has at most two and they are reused; address rows would otherwise pile up.
   */
  async sweepExpired(): Promise<number> {
    const now = this.now();
    this.lastSweepMs = now.getTime();
    const deleted: unknown = await this.sequelize.query(
      "DELETE FROM rate_limit_counters WHERE subject LIKE 'address:%' AND window_kind = 'minute' AND window_start_ms < :current",
      { type: QueryTypes.BULKDELETE, replacements: { current: windowStart('minute', now) } },
    );
    return typeof deleted === 'number' ? deleted : 0;
  }

  /** Runs `sweepExpired` if this process has not done so within the sweep interval. */
  async sweepIfDue(): Promise<void> {
    if (this.now().getTime() - this.lastSweepMs >= SWEEP_INTERVAL_MS) {
      await this.sweepExpired();
    }
  }

  /** Returns undefined when a counter row is missing, after rolling back. */
  private async tryConsume(subject: string, limits: WindowLimit[], now: Date): Promise<RateLimitDecision | undefined> {
    const starts = { minute: windowStart('minute', now), day: windowStart('day', now) };
    // IMMEDIATE takes SQLite's write lock at BEGIN, so two transactions never both read and then
    // deadlock on the upgrade; MySQL ignores the type.
    const transaction = await this.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE });
    try {
      // A new window restarts the count at 1. `count` is assigned before `window_start_ms`
      // because MySQL evaluates assignments left to right and would otherwise compare the new start.
      await this.sequelize.query(
        `UPDATE rate_limit_counters
            SET count = CASE WHEN window_start_ms = CASE window_kind WHEN 'minute' THEN :minute ELSE :day END
                             THEN count + 1 ELSE 1 END,
                window_start_ms = CASE window_kind WHEN 'minute' THEN :minute ELSE :day END
          WHERE subject = :subject AND window_kind IN (:kinds)`,
        { type: QueryTypes.UPDATE, transaction, replacements: { subject, kinds: limits.map((limit) => limit.kind), ...starts } },
      );
      // The rows are locked by the UPDATE above, so this reads the count this request produced.
      const rows = await this.sequelize.query<{ window_kind: WindowKind; count: number }>(
        'SELECT window_kind, count FROM rate_limit_counters WHERE subject = :subject AND window_kind IN (:kinds)',
        { type: QueryTypes.SELECT, transaction, replacements: { subject, kinds: limits.map((limit) => limit.kind) } },
      );
      if (rows.length < limits.length) {
        await transaction.rollback();
        return undefined;
      }

      const counts = limits.map(({ kind }) => Number(rows.find((row) => row.window_kind === kind)!.count));
      const isOverLimit = limits.some(({ limit }, index) => limit !== null && counts[index] > limit);
      if (isOverLimit) {
        // Undo this request's increments: a rejected request uses none of the allowance.
        await transaction.rollback();
        const usage = limits.map(({ kind, limit }, index) => describeUsage(kind, limit, counts[index] - 1, now));
        const exceeded = usage
          .filter((window) => window.remaining === 0)
          .sort((a, b) => b.resetAt.getTime() - a.resetAt.getTime())[0];
        return { isAdmitted: false, usage, exceeded };
      }
      const usage = limits.map(({ kind, limit }, index) => describeUsage(kind, limit, counts[index], now));
      await transaction.commit();
      return { isAdmitted: true, usage };
    } catch (error) {
      await transaction.rollback().catch(() => undefined);
      throw error;
    }
  }

  /** Inserts zeroed counter rows for the subject, leaving rows another request created alone. */
  private async createCounters(subject: string, limits: WindowLimit[], now: Date): Promise<void> {
    const values = limits.map((_, index) => `(:subject, :kind${index}, :start${index}, 0)`).join(', ');
    const replacements: Record<string, unknown> = { subject };
    limits.forEach(({ kind }, index) => {
      replacements[`kind${index}`] = kind;
      replacements[`start${index}`] = windowStart(kind, now);
    });
    const onConflict = this.sequelize.getDialect() === 'sqlite'
      ? 'ON CONFLICT (subject, window_kind) DO NOTHING'
      : 'ON DUPLICATE KEY UPDATE count = count';
    await this.sequelize.query(
      `INSERT INTO rate_limit_counters (subject, window_kind, window_start_ms, count) VALUES ${values} ${onConflict}`,
      { type: QueryTypes.INSERT, replacements },
    );
  }
}

function describeUsage(kind: WindowKind, limit: number | null, used: number, now: Date): WindowUsage {
  return {
    kind,
    limit,
    used,
    remaining: limit === null ? null : Math.max(0, limit - used),
    resetAt: new Date(windowStart(kind, now) + WINDOW_MS[kind]),
  };
}

function isRetryable(error: unknown): boolean {
  const parent = (error as { parent?: { code?: string } }).parent ?? (error as { code?: string });
  return typeof parent.code === 'string' && RETRYABLE_CODES.has(parent.code);
}
