import crypto from 'node:crypto';
import { NotificationEndpoint, PLAN_NAMES, PlanName, WebhookToken, Workspace, XAccount } from '../db';
import { NotFoundError, ValidationError } from '../errors';
import type { SecretBox } from './secrets';
import { displayPrefix, generateSigningSecret, generateWebhookToken, hashWebhookToken } from './tokens';

/** Creates a workspace on a plan. */
export async function createWorkspace(input: { name: string; plan: string }): Promise<Workspace> {
  const name = input.name.trim();
  const problems = [];
  if (!name) {
    problems.push({ field: 'name', message: 'name must not be blank' });
  }
  if (!PLAN_NAMES.includes(input.plan as PlanName)) {
    problems.push({ field: 'plan', message: `"${input.plan}" is invalid; use one of ${PLAN_NAMES.join(', ')}` });
  }
  if (problems.length > 0) {
    throw new ValidationError(problems);
  }
  return Workspace.create({ id: crypto.randomUUID(), name, plan: input.plan as PlanName });
}

/** Finds a workspace by ID or raises a not-found error naming it. */
export async function findWorkspace(workspaceId: string): Promise<Workspace> {
  const workspace = await Workspace.findByPk(workspaceId);
  if (!workspace) {
    throw new NotFoundError('workspace_not_found', `No workspace with ID ${workspaceId}.`);
  }
  return workspace;
}

/** Creates a webhook token. The secret is returned only in the result and never stored. */
export async function createWebhookToken(input: {
  workspaceId: string;
  name?: string;
  expiresAt?: Date | null;
}): Promise<{ token: WebhookToken; secret: string }> {
  await findWorkspace(input.workspaceId);
  const secret = generateWebhookToken();
  const token = await WebhookToken.create({
    id: crypto.randomUUID(),
    workspaceId: input.workspaceId,
    name: input.name?.trim() || 'default',
    tokenHash: hashWebhookToken(secret),
    tokenPrefix: displayPrefix(secret),
    lastUsedAt: null,
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
  });
  return { token, secret };
}

export type XAccountCredentials =
  | { type: 'oauth1'; accessToken: string; accessSecret: string }
  | { type: 'oauth2'; accessToken: string; refreshToken: string; expiresAt: Date };

/**
 * Connects an X account to a workspace and seals its user tokens. Connecting the same X user
 * again replaces its tokens.
 */
export async function connectXAccount(
  secrets: SecretBox,
  input: { workspaceId: string; xUserId: string; username: string; credentials: XAccountCredentials },
): Promise<XAccount> {
  await findWorkspace(input.workspaceId);
  const problems = [];
  if (!/^\d{1,20}$/.test(input.xUserId)) {
    problems.push({ field: 'x_user_id', message: 'x_user_id must be an X user ID: digits only' });
  }
  const username = input.username.replace(/^@/, '');
  if (!/^\w{1,15}$/.test(username)) {
    problems.push({ field: 'username', message: 'username must be 1 to 15 letters, digits or underscores' });
  }
  if (problems.length > 0) {
    throw new ValidationError(problems);
  }

  const { type, ...tokens } = input.credentials;
  const sealed =
    type === 'oauth1'
      ? secrets.sealJson({ accessToken: tokens.accessToken, accessSecret: (tokens as { accessSecret: string }).accessSecret })
      : secrets.sealJson({ accessToken: tokens.accessToken, refreshToken: (tokens as { refreshToken: string }).refreshToken });
  const expiresAt = input.credentials.type === 'oauth2' ? input.credentials.expiresAt : null;

  const existing = await XAccount.findOne({ where: { workspaceId: input.workspaceId, xUserId: input.xUserId } });
  if (existing) {
    return existing.update({ username, authType: type, credentials: sealed, accessTokenExpiresAt: expiresAt });
  }
  return XAccount.create({
    id: crypto.randomUUID(),
    workspaceId: input.workspaceId,
    xUserId: input.xUserId,
    username,
    authType: type,
    credentials: sealed,
    accessTokenExpiresAt: expiresAt,
  });
}

/**
 * Sets the workspace's notification endpoint with a new signing secret, returned once in the
 * Standard Webhooks `whsec_` form and stored sealed.
 */
export async function setNotificationEndpoint(
  secrets: SecretBox,
  input: { workspaceId: string; url: string },
): Promise<{ endpoint: NotificationEndpoint; signingSecret: string }> {
  await findWorkspace(input.workspaceId);
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new ValidationError([{ field: 'url', message: `url ${input.url} is not a valid absolute URL` }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError([{ field: 'url', message: 'url must use https (or http for local development)' }]);
  }
  // Credentials in the URL would be stored in plain text and shown in every delivery attempt.
  if (url.username || url.password) {
    throw new ValidationError([{
      field: 'url',
      message: 'url must not contain a user name or password (user:password@host); authenticate requests by their webhook-signature header instead',
    }]);
  }

  const signingSecret = generateSigningSecret();
  const existing = await NotificationEndpoint.findOne({ where: { workspaceId: input.workspaceId } });
  const values = { url: url.toString(), signingSecret: secrets.seal(signingSecret) };
  const endpoint = existing
    ? await existing.update(values)
    : await NotificationEndpoint.create({ id: crypto.randomUUID(), workspaceId: input.workspaceId, ...values });
  return { endpoint, signingSecret };
}
