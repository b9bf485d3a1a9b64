import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/** `pending` while OpenAI is being called (its variants are reserved), `succeeded` once charged. */
export type GenerationRequestStatus = 'pending' | 'succeeded';

/**
 * One call to a generation endpoint. A failed call's row is deleted with its reservation, so only
 * pending and succeeded calls have rows.
 */
export class GenerationRequest extends Model<InferAttributes<GenerationRequest>, InferCreationAttributes<GenerationRequest>> {
  declare id: string;
  declare workspaceId: string;
  /** The caller's `Idempotency-Key` header, unique per workspace; null when none was sent. */
  declare idempotencyKey: string | null;
  /** SHA-256 (hex) of the validated request (subject, tone, count), to detect a key reused for another request. */
  declare fingerprint: string;
  /** The month (`YYYY-MM`, UTC) whose quota the variants count against. */
  declare month: string;
  declare variantCount: number;
  declare status: GenerationRequestStatus;
  /** The variants returned, as JSON, once the call succeeded. */
  declare response: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialize(sequelize: Sequelize): void {
    GenerationRequest.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        workspaceId: { type: DataTypes.STRING(36), allowNull: false },
        idempotencyKey: { type: DataTypes.STRING(255), allowNull: true },
        fingerprint: { type: DataTypes.STRING(64), allowNull: false },
        month: { type: DataTypes.STRING(7), allowNull: false },
        variantCount: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false },
        response: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'generation_requests', underscored: true },
    );
  }
}
