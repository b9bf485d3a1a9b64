import { Op } from 'sequelize';
import { Plan, WebhookToken, Workspace } from '../db';
import { NotFoundError, ValidationError } from '../errors';
import { createWebhookToken, findWorkspace } from './admin';
import { resolveLimits, WorkspaceLimits } from './limits';
import { hashWebhookToken } from './tokens';

/** Default time that a rotated token keeps working, unless the operator sets another grace period. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 3_600_000;

/** Minimum age of a token's stored last-used time before a request refreshes it, so a busy token costs no write per request. */
const LAST_USED_PRECISION_MS = 60_000;

export interface AuthenticatedToken {
  token: WebhookToken;
  workspace: Workspace;
  limits: WorkspaceLimits;
}

/**
 * Finds the token a bearer secret names, with its workspace and limits, if it is neither revoked nor
 * expired at `now`. The lookup is by SHA-256 of the secret, so no comparison touches the secret.
 */
export async function findActiveToken(secret: string, now: Date): Promise<AuthenticatedToken | undefined> {
  const token = await WebhookToken.findOne({
    where: {
      tokenHash: hashWebhookToken(secret),
      revokedAt: null,
      [Op.or]: [{ expiresAt: null }, { expiresAt: { [Op.gt]: now } }],
    },
    include: [{ model: Workspace, as: 'workspace', required: true, include: [{ model: Plan, as: 'planLimits', required: true }] }],
  });
  if (!token?.workspace?.planLimits) {
    return undefined;
  }
  return { token, workspace: token.workspace, limits: resolveLimits(token.workspace, token.workspace.planLimits) };
}

/**
 * Stores `now` as the token's last-used time unless the loaded value is at most a minute old.
 * Concurrent requests that loaded the same old value may each write it.
 */
export async function touchToken(token: WebhookToken, now: Date): Promise<void> {
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await WebhookToken.update({ lastUsedAt: now }, { where: { id: token.id } });
  }
}

/** Lists a workspace's tokens, newest first, revoked and expired ones included. Secrets are never stored. */
export async function listWebhookTokens(workspaceId: string): Promise<WebhookToken[]> {
  await findWorkspace(workspaceId);
  return WebhookToken.findAll({ where: { workspaceId }, order: [['createdAt', 'DESC'], ['id', 'ASC']] });
}

/** Returns whether a token works at `now`. */
export function isTokenActive(token: WebhookToken, now: Date): boolean {
  return token.revokedAt === null && (token.expiresAt === null || token.expiresAt.getTime() > now.getTime());
}

/**
 * Revokes a token, so the next request that presents it gets 401. Revoking a revoked token keeps
 * its first revocation time.
 */
export async function revokeWebhookToken(tokenId: string, now: Date = new Date()): Promise<WebhookToken> {
  const token = await findToken(tokenId);
  if (token.revokedAt === null) {
    await token.update({ revokedAt: now });
  }
  return token;
}

/**
 * Issues a new token with the same name and workspace, and lets the old one work for `graceMs`
 * more (zero ends it now). The old token never gains time: an earlier expiry is kept.
 */
export async function rotateWebhookToken(
  tokenId: string,
  options: { graceMs?: number; now?: Date } = {},
): Promise<{ token: WebhookToken; secret: string; previous: WebhookToken }> {
  const graceMs = options.graceMs ?? DEFAULT_ROTATION_GRACE_MS;
  const now = options.now ?? new Date();
  if (!Number.isFinite(graceMs) || graceMs < 0) {
    throw new ValidationError([{ field: 'grace', message: 'grace must be zero or a positive duration' }]);
  }
  const previous = await findToken(tokenId);
  if (!isTokenActive(previous, now)) {
    throw new ValidationError([{ field: 'token', message: `Token ${tokenId} is revoked or expired; create a new one instead.` }]);
  }

  const { token, secret } = await createWebhookToken({ workspaceId: previous.workspaceId, name: previous.name, expiresAt: null });
  const graceEnd = new Date(now.getTime() + graceMs);
  const expiresAt = previous.expiresAt && previous.expiresAt < graceEnd ? previous.expiresAt : graceEnd;
  await previous.update({ expiresAt, replacedById: token.id });
  return { token, secret, previous };
}

async function findToken(tokenId: string): Promise<WebhookToken> {
  const token = await WebhookToken.findByPk(tokenId);
  if (!token) {
    throw new NotFoundError('webhook_token_not_found', `No webhook token with ID ${tokenId}.`);
  }
  return token;
}
