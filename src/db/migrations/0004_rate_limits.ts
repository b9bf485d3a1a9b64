import { DataTypes, QueryInterface } from 'sequelize';

const TABLE_OPTIONS = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * Adds the shared request counters of the rate limiter and links a rotated webhook token to the
 * token that replaced it.
 */
export async function up({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  // One row per subject (a workspace or a client address) and window kind. The row is reused when
  // a new window starts, so a workspace never has more than two rows; address rows are swept.
  await queryInterface.createTable('rate_limit_counters', {
    subject: { type: DataTypes.STRING(100), primaryKey: true, allowNull: false },
    window_kind: { type: DataTypes.STRING(10), primaryKey: true, allowNull: false },
    window_start_ms: { type: DataTypes.BIGINT, allowNull: false },
    count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, TABLE_OPTIONS);
  await queryInterface.addIndex('rate_limit_counters', ['window_start_ms']);

  await queryInterface.addColumn('webhook_tokens', 'replaced_by_id', {
    type: DataTypes.STRING(36),
    allowNull: true,
  });
}

export async function down({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  await queryInterface.removeColumn('webhook_tokens', 'replaced_by_id');
  await queryInterface.dropTable('rate_limit_counters');
}
