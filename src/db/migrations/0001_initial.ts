import { DataTypes, QueryInterface } from 'sequelize';

/** utf8mb4 so emoji and characters outside the BMP round-trip byte for byte on MySQL and MariaDB. */
const TABLE_OPTIONS = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };

const id = { type: DataTypes.STRING(36), primaryKey: true, allowNull: false };
const timestamps = {
  created_at: { type: DataTypes.DATE(3), allowNull: false },
  updated_at: { type: DataTypes.DATE(3), allowNull: false },
};

/** Starting limits of each plan; a workspace row can override every number. */
const PLANS = [
  { name: 'starter', requests_per_minute: 60, requests_per_day: 1000, generations_per_month: 100, max_pending_posts: 100 },
  { name: 'growth', requests_per_minute: 60, requests_per_day: 5000, generations_per_month: 1000, max_pending_posts: 1000 },
  { name: 'pro', requests_per_minute: 60, requests_per_day: null, generations_per_month: 5000, max_pending_posts: 10000 },
  { name: 'enterprise', requests_per_minute: 60, requests_per_day: null, generations_per_month: 20000, max_pending_posts: null },
];

export async function up({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  await queryInterface.createTable('plans', {
    name: { type: DataTypes.STRING(20), primaryKey: true, allowNull: false },
    requests_per_minute: { type: DataTypes.INTEGER, allowNull: false },
    requests_per_day: { type: DataTypes.INTEGER, allowNull: true },
    generations_per_month: { type: DataTypes.INTEGER, allowNull: true },
    max_pending_posts: { type: DataTypes.INTEGER, allowNull: true },
  }, TABLE_OPTIONS);
  await queryInterface.bulkInsert('plans', PLANS);

  await queryInterface.createTable('workspaces', {
    id,
    name: { type: DataTypes.STRING(200), allowNull: false },
    plan: { type: DataTypes.STRING(20), allowNull: false, references: { model: 'plans', key: 'name' } },
    requests_per_minute: { type: DataTypes.INTEGER, allowNull: true },
    requests_per_day: { type: DataTypes.INTEGER, allowNull: true },
    generations_per_month: { type: DataTypes.INTEGER, allowNull: true },
    max_pending_posts: { type: DataTypes.INTEGER, allowNull: true },
    ...timestamps,
  }, TABLE_OPTIONS);

  await queryInterface.createTable('webhook_tokens', {
    id,
    workspace_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'workspaces', key: 'id' } },
    name: { type: DataTypes.STRING(200), allowNull: false },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    token_prefix: { type: DataTypes.STRING(16), allowNull: false },
    last_used_at: { type: DataTypes.DATE(3), allowNull: true },
    expires_at: { type: DataTypes.DATE(3), allowNull: true },
    revoked_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  }, TABLE_OPTIONS);
  await queryInterface.addIndex('webhook_tokens', ['workspace_id']);

  await queryInterface.createTable('x_accounts', {
    id,
    workspace_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'workspaces', key: 'id' } },
    x_user_id: { type: DataTypes.STRING(32), allowNull: false },
    username: { type: DataTypes.STRING(50), allowNull: false },
    auth_type: { type: DataTypes.STRING(10), allowNull: false },
    credentials: { type: DataTypes.TEXT, allowNull: false },
    access_token_expires_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps,
  }, TABLE_OPTIONS);
  await queryInterface.addIndex('x_accounts', ['workspace_id', 'x_user_id'], { unique: true });

  await queryInterface.createTable('scheduled_posts', {
    id,
    workspace_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'workspaces', key: 'id' } },
    account_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'x_accounts', key: 'id' } },
    text: { type: DataTypes.TEXT, allowNull: false },
    scheduled_at: { type: DataTypes.DATE(3), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'scheduled' },
    workflow_id: { type: DataTypes.STRING(100), allowNull: false },
    tweet_id: { type: DataTypes.STRING(32), allowNull: true },
    published_at: { type: DataTypes.DATE(3), allowNull: true },
    failure_code: { type: DataTypes.STRING(50), allowNull: true },
    failure_reason: { type: DataTypes.TEXT, allowNull: true },
    notification_status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
    ...timestamps,
  }, TABLE_OPTIONS);
  await queryInterface.addIndex('scheduled_posts', ['workspace_id', 'status']);
  await queryInterface.addIndex('scheduled_posts', ['workspace_id', 'created_at', 'id']);

  await queryInterface.createTable('notification_endpoints', {
    id,
    workspace_id: {
      type: DataTypes.STRING(36), allowNull: false, unique: true, references: { model: 'workspaces', key: 'id' },
    },
    url: { type: DataTypes.STRING(2048), allowNull: false },
    signing_secret: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  }, TABLE_OPTIONS);

  await queryInterface.createTable('delivery_attempts', {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true, allowNull: false },
    post_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'scheduled_posts', key: 'id' } },
    message_id: { type: DataTypes.STRING(100), allowNull: false },
    event_type: { type: DataTypes.STRING(50), allowNull: false },
    attempt: { type: DataTypes.INTEGER, allowNull: false },
    url: { type: DataTypes.STRING(2048), allowNull: false },
    status_code: { type: DataTypes.INTEGER, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    duration_ms: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  }, TABLE_OPTIONS);
  await queryInterface.addIndex('delivery_attempts', ['post_id', 'created_at']);
}

export async function down({ context: queryInterface }: { context: QueryInterface }): Promise<void> {
  for (const table of ['delivery_attempts', 'notification_endpoints', 'scheduled_posts', 'x_accounts', 'webhook_tokens', 'workspaces', 'plans']) {
    await queryInterface.dropTable(table);
  }
}
