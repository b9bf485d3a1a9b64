import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/** The one URL per workspace that receives signed notifications; `signingSecret` is sealed. */
export class NotificationEndpoint extends Model<
  InferAttributes<NotificationEndpoint>,
  InferCreationAttributes<NotificationEndpoint>
> {
  declare id: string;
  declare workspaceId: string;
  declare url: string;
  declare signingSecret: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    NotificationEndpoint.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
        url: { type: DataTypes.STRING(2048), allowNull: false },
        signingSecret: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'notification_endpoints', underscored: true },
    );
  }
}
