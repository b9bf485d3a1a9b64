import { DataTypes, QueryInterface } from 'sequelize';

const TABLE_OPTIONS = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

export async function up({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  // The caller's own ID for a post. NULLs never collide in a unique index on MySQL, MariaDB and SQLite.
  await queryInterface.addColumn('scheduled_posts', 'external_id', { type: DataTypes.STRING(200), allowNull: true });
  await useBinaryCollation(queryInterface, 'scheduled_posts', 'external_id', 'VARCHAR(200)', true);
  await queryInterface.addIndex('scheduled_posts', ['workspace_id', 'external_id'], {
    unique: true,
    name: 'scheduled_posts_workspace_external_id',
  });
  // The order of the post list and its cursor.
  await queryInterface.addIndex('scheduled_posts', ['workspace_id', 'scheduled_at', 'id'], {
    name: 'scheduled_posts_workspace_scheduled_at_id',
  });

  await queryInterface.createTable('idempotency_keys', {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true, allowNull: false },
    workspace_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'workspaces', key: 'id' } },
    key: { type: DataTypes.STRING(255), allowNull: false },
    request_hash: { type: DataTypes.STRING(64), allowNull: false },
    state: { type: DataTypes.STRING(20), allowNull: false },
    response_status: { type: DataTypes.INTEGER, allowNull: true },
    response_body: { type: DataTypes.TEXT, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  }, TABLE_OPTIONS);
  await useBinaryCollation(queryInterface, 'idempotency_keys', 'key', 'VARCHAR(255)', false);
  await queryInterface.addIndex('idempotency_keys', ['workspace_id', 'key'], { unique: true, name: 'idempotency_keys_workspace_key' });
  await queryInterface.addIndex('idempotency_keys', ['workspace_id', 'created_at'], { name: 'idempotency_keys_workspace_created_at' });
}

/**
 * Makes a column compare byte for byte on MySQL and MariaDB, where the tables' default collation
 * would treat `Order-1` and `order-1` as one ID. SQLite already compares text exactly.
 */
async function useBinaryCollation(queryInterface: QueryInterface, table: string, column: string, type: string, nullable: boolean): Promise<void> {
  if (queryInterface.sequelize.getDialect() !== 'mysql') {
    return;
  }
  const nullability = nullable ? 'NULL' : 'NOT NULL';
  await queryInterface.sequelize.query(
    `ALTER TABLE \`${table}\` MODIFY \`${column}\` ${type} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ${nullability}`,
  );
}

export async function down({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  await queryInterface.dropTable('idempotency_keys');
  await queryInterface.removeIndex('scheduled_posts', 'scheduled_posts_workspace_scheduled_at_id');
  await queryInterface.removeIndex('scheduled_posts', 'scheduled_posts_workspace_external_id');
  await queryInterface.removeColumn('scheduled_posts', 'external_id');
}
