import { DataTypes, QueryInterface } from 'sequelize';

/** utf8mb4 so generated text with emoji round-trips byte for byte on MySQL and MariaDB. */
const TABLE_OPTIONS = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * Generation quota bookkeeping: one counter row per workspace and calendar month (UTC), and one row
 * per generation request so an in-flight reservation can be released and a retried request with the
 * same idempotency key can be answered from the stored result.
 */
export async function up({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  await queryInterface.createTable('generation_usage', {
    workspace_id: {
      type: DataTypes.STRING(36), primaryKey: true, allowNull: false, references: { model: 'workspaces', key: 'id' },
    },
    month: { type: DataTypes.STRING(7), primaryKey: true, allowNull: false },
    used: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    reserved: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  }, TABLE_OPTIONS);

  await queryInterface.createTable('generation_requests', {
    id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    workspace_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'workspaces', key: 'id' } },
    idempotency_key: { type: DataTypes.STRING(255), allowNull: true },
    fingerprint: { type: DataTypes.STRING(64), allowNull: false },
    month: { type: DataTypes.STRING(7), allowNull: false },
    variant_count: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    response: { type: DataTypes.TEXT, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  }, TABLE_OPTIONS);
  // Several NULL keys may coexist: MySQL, MariaDB and SQLite all treat NULLs as distinct in a unique index.
  await queryInterface.addIndex('generation_requests', ['workspace_id', 'idempotency_key'], { unique: true });
  await queryInterface.addIndex('generation_requests', ['workspace_id', 'status', 'created_at']);
}

export async function down({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  await queryInterface.dropTable('generation_requests');
  await queryInterface.dropTable('generation_usage');
}
