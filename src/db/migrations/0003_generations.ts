import { DataTypes, QueryInterface } from 'sequelize';

const TABLE_OPTIONS = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

/**
 * Generation quota bookkeeping: one counter row per workspace and calendar month (UTC), and one row
 * per call in progress, so the reservation of a process that died mid-call can be found and released.
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

  await queryInterface.createTable('generation_reservations', {
    id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    workspace_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'workspaces', key: 'id' } },
    month: { type: DataTypes.STRING(7), allowNull: false },
    variant_count: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  }, TABLE_OPTIONS);
  await queryInterface.addIndex('generation_reservations', ['workspace_id', 'created_at']);
}

export async function down({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  await queryInterface.dropTable('generation_reservations');
  await queryInterface.dropTable('generation_usage');
}
