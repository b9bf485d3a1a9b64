import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/**
 * Stage of a scheduled post. `publishing` is set just before the call to X. `unknown` means the
 * outcome of that call is not known, for example because it timed out or got a 5xx, or because the
 * worker stopped during it. Whether the post is on X cannot be known here.
 */
export const POST_STATUSES = ['scheduled', 'publishing', 'published', 'failed', 'unknown', 'cancelled'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export type NotificationStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

/** A post waiting for, or done with, its publish on X. */
export class ScheduledPost extends Model<InferAttributes<ScheduledPost>, InferCreationAttributes<ScheduledPost>> {
  declare id: string;
  declare workspaceId: string;
  /** Our `x_accounts.id`, not X's user ID. */
  declare accountId: string;
  declare text: string;
  declare scheduledAt: Date;
  declare status: CreationOptional<PostStatus>;
  declare workflowId: string;
  declare tweetId: CreationOptional<string | null>;
  declare publishedAt: CreationOptional<Date | null>;
  declare failureCode: CreationOptional<string | null>;
  declare failureReason: CreationOptional<string | null>;
  declare notificationStatus: CreationOptional<NotificationStatus>;
  /** The caller's own ID for the post, unique in its workspace. */
  declare externalId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    ScheduledPost.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false },
        accountId: { type: DataTypes.STRING(36), allowNull: false },
        text: { type: DataTypes.TEXT, allowNull: false },
        scheduledAt: { type: DataTypes.DATE(3), allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'scheduled' },
        workflowId: { type: DataTypes.STRING(100), allowNull: false },
        tweetId: { type: DataTypes.STRING(32), allowNull: true },
        publishedAt: { type: DataTypes.DATE(3), allowNull: true },
        failureCode: { type: DataTypes.STRING(50), allowNull: true },
        failureReason: { type: DataTypes.TEXT, allowNull: true },
        notificationStatus: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
        externalId: { type: DataTypes.STRING(200), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'scheduled_posts', underscored: true },
    );
  }
}
