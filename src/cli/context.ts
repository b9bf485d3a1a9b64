import type { Command } from 'commander';
import type { Sequelize } from 'sequelize';
import { Config, ConfigError, loadConfig } from '../config';
import { connectDatabase, migrate } from '../db';
import { RateLimiter } from '../domain/rateLimiter';
import { loadSecretBox, SecretBox } from '../domain/secrets';
import { AppError, ValidationError } from '../errors';

/** Services a command uses once it runs: validated config, a migrated database and the secret box. */
export interface CliServices {
  config: Config;
  sequelize: Sequelize;
  secrets: SecretBox;
}

/**
 * State shared by every command of one CLI run. Nothing touches the database until a command
 * calls `open()`, so `--help` and usage errors work without one. It also provides the
 * `withDatabase`, `withLimiter` and `print` that the token lifecycle and workspace limit commands take.
 */
export class CliContext {
  private services?: Promise<CliServices>;

  constructor(
    private readonly environment: NodeJS.ProcessEnv = process.env,
    readonly stdout: (text: string) => void = (text) => process.stdout.write(text + '\n'),
    readonly stderr: (text: string) => void = (text) => process.stderr.write(text + '\n'),
  ) {}

  /** Validates config, connects to the database and applies pending migrations, once per run. */
  open(): Promise<CliServices> {
    this.services ??= (async () => {
      const config = loadConfig(this.environment);
      const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      await migrate(sequelize);
      return { config, sequelize, secrets: loadSecretBox(config) };
    })();
    return this.services;
  }

  /** Closes the database connection if a command opened it. */
  async close(): Promise<void> {
    const services = await this.services?.catch(() => undefined);
    await services?.sequelize.close();
  }

  /** Opens the database, then runs `work`; `runCli` closes the connection afterwards. */
  async withDatabase<T>(work: () => Promise<T>): Promise<T> {
    await this.open();
    return work();
  }

  /** Opens the database, then runs `work` with a rate limiter on it. */
  async withLimiter<T>(work: (limiter: RateLimiter) => Promise<T>): Promise<T> {
    const { sequelize } = await this.open();
    return work(new RateLimiter(sequelize));
  }

  /** Prints one line of output. */
  print(line: string): void {
    this.stdout(line);
  }

  /** Prints a command's result: `json` with `--json`, else the lines of `text`. */
  printResult(command: Command, result: { json: unknown; text: string[] }): void {
    if (isJson(command)) {
      this.stdout(JSON.stringify(result.json, null, 2));
    } else {
      this.stdout(result.text.join('\n'));
    }
  }

  /** Prints a note for the operator on stderr, so it never mixes with `--json` output. */
  warn(message: string): void {
    this.stderr(message);
  }

  /** Prints an error without a stack trace, as JSON with `--json`; returns the exit code. */
  reportError(error: unknown, json: boolean): number {
    const { code, message, details } = describeError(error);
    if (json) {
      this.stderr(JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } }, null, 2));
    } else {
      const lines = [`autotweet: ${message}`];
      for (const problem of details ?? []) {
        lines.push(`  ${problem.field}: ${problem.message}`);
      }
      this.stderr(lines.join('\n'));
    }
    return 1;
  }
}

/** Tells whether `--json` was given anywhere on the command line. */
export function isJson(command: Command): boolean {
  return Boolean(command.optsWithGlobals<{ json?: boolean }>().json);
}

function describeError(error: unknown): { code: string; message: string; details?: Array<{ field: string; message: string }> } {
  if (error instanceof ValidationError) {
    return { code: error.code, message: 'Invalid input.', details: error.details as Array<{ field: string; message: string }> };
  }
  if (error instanceof AppError) {
    return { code: error.code, message: error.message };
  }
  if (error instanceof ConfigError) {
    return { code: 'invalid_configuration', message: error.message };
  }
  // Unexpected errors (an unreachable database, say) still get one line: the message names the cause.
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}
