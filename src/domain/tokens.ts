import crypto from 'node:crypto';

/** Prefix of every webhook token, so secret scanners can recognise a leaked one. */
export const WEBHOOK_TOKEN_PREFIX = 'atk_';

/** Generates a webhook token: the prefix, then 32 random bytes (256 bits) in base64url. */
export function generateWebhookToken(): string {
  return WEBHOOK_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/**
 * Hashes a token for storage and lookup. A plain SHA-256 is enough because the token carries 256
 * random bits. There is nothing to brute-force, and the lookup by hash leaks no timing about the secret.
 */
export function hashWebhookToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Returns the part of a token that may be shown again after creation. */
export function displayPrefix(token: string): string {
  return token.slice(0, WEBHOOK_TOKEN_PREFIX.length + 6);
}

/** Generates a signing secret in the Standard Webhooks form: `whsec_`, then base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return 'whsec_' + crypto.randomBytes(32).toString('base64');
}
