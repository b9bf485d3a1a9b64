import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/**
 * A workspace's generations in one calendar month (UTC): `used` counts variants delivered, `reserved`
 * counts variants requested by calls still waiting for OpenAI.
 */
export class GenerationUsage extends Model<InferAttributes<GenerationUsage>, InferCreationAttributes<GenerationUsage>> {
  declare workspaceId: string;
  /** The month as `YYYY-MM`, in UTC. */
  declare month: string;
  declare used: CreationOptional<number>;
  declare reserved: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    GenerationUsage.init(
      {
        workspaceId: { type: DataTypes.STRING(36), primaryKey: true },
        month: { type: DataTypes.STRING(7), primaryKey: true },
        used: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        reserved: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'generation_usage', underscored: true },
    );
  }
}
