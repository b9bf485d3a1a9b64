import type { Context, Next } from 'koa';
import { Op } from 'sequelize';
import { WebhookToken, Workspace } from '../../db';
import { hashWebhookToken } from '../../domain/tokens';
import { UnauthorizedError } from '../../errors';

/** Refresh a token's last-used time at most this often, so a busy token costs no write per request. */
const LAST_USED_PRECISION_MS = 60_000;

export interface AuthState {
  workspace: Workspace;
  token: WebhookToken;
}

/**
 * Requires `Authorization: Bearer <webhook token>` (the scheme in any letter case) naming a token that
 * is neither revoked nor expired, and puts its workspace on `ctx.state`.
 */
export async function authenticate(ctx: Context, next: Next): Promise<void> {
  const header = ctx.get('authorization');
  if (!header) {
    throw new UnauthorizedError('Missing Authorization header; send Authorization: Bearer <webhook token>.');
  }
  const match = /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  if (!match) {
    throw new UnauthorizedError('Malformed Authorization header; send Authorization: Bearer <webhook token>.');
  }

  const now = new Date();
  const token = await WebhookToken.findOne({
    where: {
      tokenHash: hashWebhookToken(match[1]),
      revokedAt: null,
      [Op.or]: [{ expiresAt: null }, { expiresAt: { [Op.gt]: now } }],
    },
  });
  const workspace = token && (await Workspace.findByPk(token.workspaceId));
  if (!token || !workspace) {
    throw new UnauthorizedError('The webhook token is unknown, revoked or expired.');
  }

  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await WebhookToken.update({ lastUsedAt: now }, { where: { id: token.id } });
  }
  ctx.state.workspace = workspace;
  ctx.state.token = token;
  await next();
}
