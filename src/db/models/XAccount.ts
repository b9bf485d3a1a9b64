import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

export type XAuthType = 'oauth1' | 'oauth2';

/**
 * An X account connected to a workspace. `credentials` is sealed JSON (see `src/secrets.ts`):
 * `{ accessToken, accessSecret }` for OAuth 1.0a, `{ accessToken, refreshToken }` for OAuth 2.0.
 */
export class XAccount extends Model<InferAttributes<XAccount>, InferCreationAttributes<XAccount>> {
  declare id: string;
  declare workspaceId: string;
  /** X's user ID, a decimal string because it overflows JSON numbers. */
  declare xUserId: string;
  declare username: string;
  declare authType: XAuthType;
  declare credentials: string;
  /** When the OAuth 2.0 access token expires; null for OAuth 1.0a. */
  declare accessTokenExpiresAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    XAccount.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false },
        xUserId: { type: DataTypes.STRING(32), allowNull: false },
        username: { type: DataTypes.STRING(50), allowNull: false },
        authType: { type: DataTypes.STRING(10), allowNull: false },
        credentials: { type: DataTypes.TEXT, allowNull: false },
        accessTokenExpiresAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'x_accounts', underscored: true },
    );
  }
}
