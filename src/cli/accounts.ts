import { Command, Option } from 'commander';
import { connectXAccount, XAccountCredentials } from '../domain/admin';
import { FieldProblem, ValidationError } from '../errors';
import type { CliContext } from './context';

/** How long X's OAuth 2.0 user access tokens last, in seconds. */
const OAUTH2_ACCESS_TOKEN_LIFETIME_SECONDS = 7200;

interface ConnectOptions {
  workspace: string;
  xUserId: string;
  username: string;
  oauth1AccessToken?: string;
  oauth1AccessSecret?: string;
  oauth2AccessToken?: string;
  oauth2RefreshToken?: string;
  oauth2ExpiresIn: string;
}

/** Adds the `accounts` command group. */
export function registerAccountCommands(program: Command, context: CliContext): Command {
  const accounts = program.command('accounts').description('Manage the X accounts a workspace publishes to.');

  accounts
    .command('connect')
    .description(
      'Connect an X account with its OAuth 1.0a or OAuth 2.0 user tokens, stored encrypted. ' +
        'Connecting the same X user again replaces its tokens. Each token may come from the environment ' +
        'variable shown instead of the command line, to keep it out of shell history.',
    )
    .requiredOption('--workspace <id>', 'ID of the workspace that will publish to the account')
    .requiredOption('--x-user-id <id>', "the account's numeric X user ID")
    .requiredOption('--username <name>', 'the account\'s X username, with or without "@"')
    .addOption(new Option('--oauth1-access-token <token>', 'OAuth 1.0a user access token').env('X_OAUTH1_ACCESS_TOKEN'))
    .addOption(new Option('--oauth1-access-secret <secret>', 'OAuth 1.0a user access token secret').env('X_OAUTH1_ACCESS_SECRET'))
    .addOption(new Option('--oauth2-access-token <token>', 'OAuth 2.0 user access token').env('X_OAUTH2_ACCESS_TOKEN'))
    .addOption(new Option('--oauth2-refresh-token <token>', 'OAuth 2.0 refresh token (offline.access scope)').env('X_OAUTH2_REFRESH_TOKEN'))
    .addOption(
      new Option('--oauth2-expires-in <seconds>', 'seconds until the OAuth 2.0 access token expires, as X returned it')
        .default(String(OAUTH2_ACCESS_TOKEN_LIFETIME_SECONDS)),
    )
    .action(async (options: ConnectOptions, command: Command) => {
      const credentials = parseCredentials(options);
      const { config, secrets } = await context.open();

      const account = await connectXAccount(secrets, {
        workspaceId: options.workspace,
        xUserId: options.xUserId,
        username: options.username,
        credentials,
      });

      context.printResult(command, {
        json: {
          id: account.id,
          workspace_id: account.workspaceId,
          x_user_id: account.xUserId,
          username: account.username,
          auth_type: account.authType,
          access_token_expires_at: account.accessTokenExpiresAt?.toISOString() ?? null,
        },
        text: [
          `X account @${account.username} (${account.xUserId}) connected to workspace ${account.workspaceId} with ${credentials.type === 'oauth1' ? 'OAuth 1.0a' : 'OAuth 2.0'} tokens.`,
          `Schedule posts to it with "x_account_id": "${account.xUserId}".`,
        ],
      });
      if (credentials.type === 'oauth1' && (!config.x.appKey || !config.x.appSecret)) {
        context.warn('Note: X_APP_KEY and X_APP_SECRET are not set in this environment or .env; the worker needs them to publish with OAuth 1.0a tokens.');
      }
      if (credentials.type === 'oauth2' && !config.x.clientId) {
        context.warn('Note: X_CLIENT_ID is not set in this environment or .env; the worker needs it to refresh OAuth 2.0 tokens.');
      }
    });

  return accounts;
}

/** Picks exactly one complete set of tokens out of the options, listing every problem otherwise. */
function parseCredentials(options: ConnectOptions): XAccountCredentials {
  const problems: FieldProblem[] = [];
  const hasOAuth1 = Boolean(options.oauth1AccessToken || options.oauth1AccessSecret);
  const hasOAuth2 = Boolean(options.oauth2AccessToken || options.oauth2RefreshToken);
  if (hasOAuth1 && hasOAuth2) {
    problems.push({ field: 'credentials', message: 'invalid: pass OAuth 1.0a or OAuth 2.0 tokens, not both' });
  } else if (!hasOAuth1 && !hasOAuth2) {
    problems.push({
      field: 'credentials',
      message: 'missing: pass --oauth1-access-token and --oauth1-access-secret, or --oauth2-access-token and --oauth2-refresh-token',
    });
  } else if (hasOAuth1) {
    requireValue(problems, options.oauth1AccessToken, '--oauth1-access-token', 'X_OAUTH1_ACCESS_TOKEN');
    requireValue(problems, options.oauth1AccessSecret, '--oauth1-access-secret', 'X_OAUTH1_ACCESS_SECRET');
  } else {
    requireValue(problems, options.oauth2AccessToken, '--oauth2-access-token', 'X_OAUTH2_ACCESS_TOKEN');
    requireValue(problems, options.oauth2RefreshToken, '--oauth2-refresh-token', 'X_OAUTH2_REFRESH_TOKEN');
  }
  const expiresInSeconds = Number(options.oauth2ExpiresIn);
  if (!/^\d+$/.test(options.oauth2ExpiresIn) || expiresInSeconds <= 0) {
    problems.push({ field: '--oauth2-expires-in', message: `${options.oauth2ExpiresIn} is not a positive whole number of seconds` });
  }
  if (problems.length > 0) {
    throw new ValidationError(problems);
  }

  if (hasOAuth1) {
    return { type: 'oauth1', accessToken: options.oauth1AccessToken!, accessSecret: options.oauth1AccessSecret! };
  }
  return {
    type: 'oauth2',
    accessToken: options.oauth2AccessToken!,
    refreshToken: options.oauth2RefreshToken!,
    expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
  };
}

function requireValue(problems: FieldProblem[], value: string | undefined, flag: string, variable: string): void {
  if (!value) {
    problems.push({ field: flag, message: `missing: pass ${flag} or set ${variable}` });
  }
}
