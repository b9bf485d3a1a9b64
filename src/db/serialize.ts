import type { Sequelize } from 'sequelize';

const queues = new WeakMap<Sequelize, Promise<unknown>>();

/**
 * Runs `work` after every earlier call for the same SQLite connection has finished; on MySQL and
 * MariaDB it runs at once. Sequelize opens a separate SQLite connection for each transaction and
 * sets no busy timeout, so two concurrent write transactions in one process would fail with
 * SQLITE_BUSY instead of waiting. Writers in other processes are still met by query retries.
 */
export function serializeOnSqlite<T>(sequelize: Sequelize, work: () => Promise<T>): Promise<T> {
  if (sequelize.getDialect() !== 'sqlite') {
    return work();
  }
  const previous = queues.get(sequelize) ?? Promise.resolve();
  const result = previous.then(work, work);
  queues.set(sequelize, result.catch(() => undefined));
  return result;
}
