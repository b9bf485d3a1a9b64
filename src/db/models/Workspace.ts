import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, NonAttribute, Sequelize } from 'sequelize';
import type { Plan, PlanName } from './Plan';

/** A customer's account: its plan, and per-workspace overrides of the plan's limits (null keeps the plan's). */
export class Workspace extends Model<InferAttributes<Workspace>, InferCreationAttributes<Workspace>> {
  declare id: string;
  declare name: string;
  declare plan: PlanName;
  declare requestsPerMinute: number | null;
  declare requestsPerDay: number | null;
  declare generationsPerMonth: number | null;
  declare maxPendingPosts: number | null;
  declare createdAt: CreationOptional<Date>;
  /** The plan row, loaded only when a query includes it. */
  declare planLimits?: NonAttribute<Plan>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    Workspace.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        name: { type: DataTypes.STRING(200), allowNull: false },
        plan: { type: DataTypes.STRING(20), allowNull: false },
        requestsPerMinute: { type: DataTypes.INTEGER, allowNull: true },
        requestsPerDay: { type: DataTypes.INTEGER, allowNull: true },
        generationsPerMonth: { type: DataTypes.INTEGER, allowNull: true },
        maxPendingPosts: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'workspaces', underscored: true },
    );
  }
}
