import { DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

export type WindowKind = 'minute' | 'day';

/**
 * The number of requests a subject (`workspace:<id>` or `address:<ip>`) made in its current window.
 * The rate limiter writes these rows with raw SQL; the model serves reads and tests.
 */
export class RateLimitCounter extends Model<InferAttributes<RateLimitCounter>, InferCreationAttributes<RateLimitCounter>> {
  declare subject: string;
  declare windowKind: WindowKind;
  /** Start of the window the count belongs to, in milliseconds since the Unix epoch (UTC). */
  declare windowStartMs: number;
  declare count: number;

  static initialize(sequelize: Sequelize): void {
    RateLimitCounter.init(
      {
        subject: { type: DataTypes.STRING(100), primaryKey: true },
        windowKind: { type: DataTypes.STRING(10), primaryKey: true },
        windowStartMs: {
          type: DataTypes.BIGINT,
          allowNull: false,
          // mysql2 returns BIGINT as a string (bigNumberStrings); epoch milliseconds fit a double exactly.
          get() {
            return Number(this.getDataValue('windowStartMs'));
          },
        },
        count: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: 'rate_limit_counters', underscored: true, timestamps: false },
    );
  }
}
