import { DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

export const PLAN_NAMES = ['starter', 'growth', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/** A plan's limits; null means unlimited. A workspace may override each of them. */
export class Plan extends Model<InferAttributes<Plan>, InferCreationAttributes<Plan>> {
  declare name: PlanName;
  declare requestsPerMinute: number;
  declare requestsPerDay: number | null;
  declare generationsPerMonth: number | null;
  declare maxPendingPosts: number | null;

  static initialize(sequelize: Sequelize): void {
    Plan.init(
      {
        name: { type: DataTypes.STRING(20), primaryKey: true },
        requestsPerMinute: { type: DataTypes.INTEGER, allowNull: false },
        requestsPerDay: { type: DataTypes.INTEGER, allowNull: true },
        generationsPerMonth: { type: DataTypes.INTEGER, allowNull: true },
        maxPendingPosts: { type: DataTypes.INTEGER, allowNull: true },
      },
      { sequelize, tableName: 'plans', underscored: true, timestamps: false },
    );
  }
}
