import type { Command } from 'commander';
import { createWebhookToken } from '../domain/admin';
import { isTokenActive, listWebhookTokens, revokeWebhookToken, rotateWebhookToken } from '../domain/webhookTokens';
import { parseDuration } from '../durations';
import { ValidationError } from '../errors';
import type { CliContext } from './context';

/** Adds the `tokens` command group. */
export function registerTokenCommands(program: Command, context: CliContext): Command {
  const tokens = program.command('tokens').description('Manage webhook tokens, the bearer secrets callers of the API send.');

  tokens
    .command('create')
    .description('Create a webhook token for a workspace; the token is printed once and stored only as a hash.')
    .requiredOption('--workspace <id>', 'ID of the workspace the token acts for')
    .option('--name <name>', 'label telling tokens apart, e.g. the calling system', 'default')
    .option('--expires-in <duration>', 'lifetime such as 12h, 30d or 365d (default: never expires)')
    .action(async (options: { workspace: string; name: string; expiresIn?: string }, command: Command) => {
      const expiresAt = parseExpiry(options.expiresIn);
      await context.open();

      const { token, secret } = await createWebhookToken({ workspaceId: options.workspace, name: options.name, expiresAt });

      context.printResult(command, {
        json: {
          id: token.id,
          workspace_id: token.workspaceId,
          name: token.name,
          token: secret,
          prefix: token.tokenPrefix,
          expires_at: token.expiresAt?.toISOString() ?? null,
          created_at: token.createdAt.toISOString(),
        },
        text: [
          `Webhook token "${token.name}" created for workspace ${token.workspaceId}` +
            (token.expiresAt ? `, expires ${token.expiresAt.toISOString()}.` : ', never expires.'),
          '',
          `  ${secret}`,
          '',
          `Send it as "Authorization: Bearer <token>". Token ID: ${token.id}.`,
        ],
      });
      context.warn('Copy the token now: it will not be shown again (only its hash is stored).');
    });

  return tokens;
}

function parseExpiry(expiresIn: string | undefined): Date | null {
  if (expiresIn === undefined) {
    return null;
  }
  const ms = parseDuration(expiresIn);
  if (!ms) {
    throw new ValidationError([{ field: '--expires-in', message: `${expiresIn} is not a positive duration such as 12h, 30d or 365d` }]);
  }
  return new Date(Date.now() + ms);
}

/** Services that the CLI entry point provides to the token commands. */
export interface TokenCommandContext {
  /** Connects the database once and runs `work`. The entry point closes the connection after. */
  withDatabase<T>(work: () => Promise<T>): Promise<T>;
  print(line: string): void;
}

/** Registers `tokens list|rotate|revoke` beside `tokens create`. */
export function registerTokenLifecycleCommands(program: Command, context: TokenCommandContext): void {
  const tokens = program.commands.find((command) => command.name() === 'tokens')
    ?? program.command('tokens').description('Manage webhook tokens');

  tokens
    .command('list')
    .description('List a workspace\'s webhook tokens; secrets are never shown because only their hashes are stored')
    .argument('<workspace-id>', 'workspace ID')
    .action((workspaceId: string) => context.withDatabase(async () => {
      const now = new Date();
      for (const token of await listWebhookTokens(workspaceId)) {
        const state = token.revokedAt ? 'revoked' : isTokenActive(token, now) ? 'active' : 'expired';
        context.print([
          token.id,
          `${token.tokenPrefix}…`,
          JSON.stringify(token.name),
          state,
          `created ${token.createdAt.toISOString()}`,
          `last used ${token.lastUsedAt?.toISOString() ?? 'never'}`,
          `expires ${token.expiresAt?.toISOString() ?? 'never'}`,
          ...(token.replacedById ? [`replaced by ${token.replacedById}`] : []),
        ].join('  '));
      }
    }));

  tokens
    .command('rotate')
    .description('Issue a new token in place of one, and keep the old one working for a grace period')
    .argument('<token-id>', 'ID of the token to replace')
    .option('--grace <duration>', 'how long the old token keeps working, such as 24h, 30m or 0s', '24h')
    .action((tokenId: string, options: { grace: string }) => context.withDatabase(async () => {
      const graceMs = parseDuration(options.grace);
      if (graceMs === undefined) {
        throw new Error(`--grace ${options.grace} is not a duration; use a value such as 24h, 30m or 0s.`);
      }
      const { token, secret, previous } = await rotateWebhookToken(tokenId, { graceMs });
      context.print(`New token ${token.id} (${JSON.stringify(token.name)}): ${secret}`);
      context.print('Store it now: it is shown only once.');
      context.print(`Old token ${previous.id} stops working at ${previous.expiresAt!.toISOString()}.`);
    }));

  tokens
    .command('revoke')
    .description('Revoke a token; the next request that presents it gets 401')
    .argument('<token-id>', 'ID of the token to revoke')
    .action((tokenId: string) => context.withDatabase(async () => {
      const token = await revokeWebhookToken(tokenId);
      context.print(`Token ${token.id} revoked at ${token.revokedAt!.toISOString()}.`);
    }));
}
