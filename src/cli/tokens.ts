import type { Command } from 'commander';
import { parseDuration } from '../durations';
import { isTokenActive, listWebhookTokens, revokeWebhookToken, rotateWebhookToken } from '../domain/webhookTokens';

/** What the token commands need from the CLI entry point. */
export interface TokenCommandContext {
  /** Connects the database once and runs `work`; the entry point closes the connection after. */
  withDatabase<T>(work: () => Promise<T>): Promise<T>;
  print(line: string): void;
}

/** Registers `tokens list|rotate|revoke`; `tokens create` lives with the other admin commands. */
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
