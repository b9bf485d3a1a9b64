import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/**
 * Generations held for one call while it waits for OpenAI. The row is deleted when the call's
 * variants are charged or its reservation is released.
 */
export class GenerationReservation extends Model<InferAttributes<GenerationReservation>, InferCreationAttributes<GenerationReservation>> {
  declare id: string;
  declare workspaceId: string;
  /** The month (`YYYY-MM`, UTC) whose quota the variants count against. */
  declare month: string;
  declare variantCount: number;
  declare createdAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    GenerationReservation.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false },
        month: { type: DataTypes.STRING(7), allowNull: false },
        variantCount: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'generation_reservations', underscored: true, updatedAt: false },
    );
  }
}
