import fs from 'node:fs';
import path from 'node:path';
import { Options, QueryInterface, Sequelize, Transaction } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Logger } from '../logger';
import { MIGRATIONS } from './migrations';
import { DeliveryAttempt } from './models/DeliveryAttempt';
import { GenerationReservation } from './models/GenerationReservation';
import { GenerationUsage } from './models/GenerationUsage';
import { IdempotencyKey } from './models/IdempotencyKey';
import { NotificationEndpoint } from './models/NotificationEndpoint';
import { Plan } from './models/Plan';
import { RateLimitCounter } from './models/RateLimitCounter';
import { ScheduledPost } from './models/ScheduledPost';
import { WebhookToken } from './models/WebhookToken';
import { Workspace } from './models/Workspace';
import { XAccount } from './models/XAccount';

export {
  DeliveryAttempt, GenerationReservation, GenerationUsage, IdempotencyKey, NotificationEndpoint, Plan, RateLimitCounter, ScheduledPost, WebhookToken, Workspace, XAccount,
};
export { PLAN_NAMES } from './models/Plan';
export { serializeOnSqlite } from './serialize';
export type { PlanName } from './models/Plan';
export type { IdempotencyKeyState } from './models/IdempotencyKey';
export { POST_STATUSES } from './models/ScheduledPost';
export type { NotificationStatus, PostStatus } from './models/ScheduledPost';
export type { WindowKind } from './models/RateLimitCounter';
export type { XAuthType } from './models/XAccount';

/**
 * Connects Sequelize to MySQL or MariaDB when `databaseUrl` is set, else to an SQLite file under
 * `dataDir`, and binds every model to that connection.
 */
export function connectDatabase(options: { databaseUrl?: string; dataDir: string; logger?: Logger }): Sequelize {
  const common: Options = {
    logging: options.logger ? (sql: string) => options.logger?.trace({ sql }, 'sql') : false,
    define: { underscored: true },
  };
  let sequelize: Sequelize;
  if (options.databaseUrl) {
    sequelize = new Sequelize(options.databaseUrl, {
      ...common,
      dialect: 'mysql',
      // DATETIME has no zone: the session and the driver both speak UTC, whatever TZ the host has.
      timezone: '+00:00',
      dialectOptions: { charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true },
      pool: { max: 10, min: 0, idle: 10_000 },
    });
  } else {
    fs.mkdirSync(options.dataDir, { recursive: true });
    sequelize = new Sequelize({
      ...common,
      dialect: 'sqlite',
      storage: path.join(options.dataDir, 'autotweet.sqlite'),
      // SQLite allows one writer at a time. An IMMEDIATE transaction takes the write lock at BEGIN,
      // so two processes never deadlock upgrading their locks. A statement that meets another
      // writer fails with SQLITE_BUSY and is retried here in JavaScript, up to 30 times, because a
      // busy timeout would park libuv threads, and a few parked threads starve the transaction that
      // holds the lock.
      transactionType: Transaction.TYPES.IMMEDIATE,
      retry: { max: 30, match: [/SQLITE_BUSY/] },
    });
  }
  const models = [
    Plan, Workspace, WebhookToken, XAccount, ScheduledPost, NotificationEndpoint, DeliveryAttempt, IdempotencyKey, GenerationUsage, GenerationReservation,
    RateLimitCounter,
  ];
  for (const model of models) {
    model.initialize(sequelize);
  }
  // Authentication loads a token with its workspace and plan in one query.
  WebhookToken.belongsTo(Workspace, { foreignKey: 'workspaceId', as: 'workspace' });
  Workspace.belongsTo(Plan, { foreignKey: 'plan', targetKey: 'name', as: 'planLimits' });
  return sequelize;
}

/** Applies every pending migration; safe to run on every start. Returns the names it applied. */
export async function migrate(sequelize: Sequelize, logger?: Logger): Promise<string[]> {
  const umzug = new Umzug<QueryInterface>({
    migrations: MIGRATIONS,
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
  if (sequelize.getDialect() === 'sqlite') {
    // The write-ahead log lets readers and the one writer proceed together; the mode is stored in the file.
    await sequelize.query('PRAGMA journal_mode = WAL');
  }
  const applied = await umzug.up();
  for (const migration of applied) {
    logger?.info({ migration: migration.name }, 'migration applied');
  }
  return applied.map((migration) => migration.name);
}
