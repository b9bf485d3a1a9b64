import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, NonAttribute, Sequelize } from 'sequelize';
import type { Workspace } from './Workspace';

/** A bearer token for the webhook API, stored only as a SHA-256 hash of the secret. */
export class WebhookToken extends Model<InferAttributes<WebhookToken>, InferCreationAttributes<WebhookToken>> {
  declare id: string;
  declare workspaceId: string;
  declare name: string;
  declare tokenHash: string;
  /** The first characters of the secret, enough to recognise it in a list. */
  declare tokenPrefix: string;
  declare lastUsedAt: Date | null;
  declare expiresAt: Date | null;
  declare revokedAt: Date | null;
  /** The token that rotation issued in place of this one; this one stops working at `expiresAt`. */
  declare replacedById: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  /** Loaded only when a query includes it. */
  declare workspace?: NonAttribute<Workspace>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    WebhookToken.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        tokenPrefix: { type: DataTypes.STRING(16), allowNull: false },
        lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
        expiresAt: { type: DataTypes.DATE(3), allowNull: true },
        revokedAt: { type: DataTypes.DATE(3), allowNull: true },
        replacedById: { type: DataTypes.STRING(36), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'webhook_tokens', underscored: true },
    );
  }
}
