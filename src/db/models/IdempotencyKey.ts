import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

export type IdempotencyKeyState = 'in_progress' | 'completed';

/** A caller's `Idempotency-Key` for one request in one workspace, and the response to replay. */
export class IdempotencyKey extends Model<InferAttributes<IdempotencyKey>, InferCreationAttributes<IdempotencyKey>> {
  declare id: CreationOptional<number>;
  declare workspaceId: string;
  declare key: string;
  /** SHA-256 hex of the method, path and canonical JSON body of the first request. */
  declare requestHash: string;
  declare state: IdempotencyKeyState;
  declare responseStatus: CreationOptional<number | null>;
  /** The first response's JSON body. */
  declare responseBody: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    IdempotencyKey.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false },
        key: { type: DataTypes.STRING(255), allowNull: false },
        requestHash: { type: DataTypes.STRING(64), allowNull: false },
        state: { type: DataTypes.STRING(20), allowNull: false },
        responseStatus: { type: DataTypes.INTEGER, allowNull: true },
        responseBody: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'idempotency_keys', underscored: true },
    );
  }
}
