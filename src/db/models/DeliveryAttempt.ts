import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/** One try at delivering one notification to a notification endpoint. */
export class DeliveryAttempt extends Model<InferAttributes<DeliveryAttempt>, InferCreationAttributes<DeliveryAttempt>> {
  declare id: CreationOptional<number>;
  declare postId: string;
  /** The `webhook-id` header, the same on every attempt at one notification. */
  declare messageId: string;
  declare eventType: string;
  /** 1 for the first try, up to the number of retry delays plus one. */
  declare attempt: number;
  declare url: string;
  declare statusCode: number | null;
  declare error: string | null;
  declare durationMs: number;
  declare createdAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    DeliveryAttempt.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        postId: { type: DataTypes.STRING(36), allowNull: false },
        messageId: { type: DataTypes.STRING(100), allowNull: false },
        eventType: { type: DataTypes.STRING(50), allowNull: false },
        attempt: { type: DataTypes.INTEGER, allowNull: false },
        url: { type: DataTypes.STRING(2048), allowNull: false },
        statusCode: { type: DataTypes.INTEGER, allowNull: true },
        error: { type: DataTypes.TEXT, allowNull: true },
        durationMs: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'delivery_attempts', underscored: true, updatedAt: false },
    );
  }
}
