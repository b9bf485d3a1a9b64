/**
 * The admin CLI `autotweet`: workspaces, webhook tokens, X accounts and notification endpoints.
 * Reads `.env` from the working folder like the service does; `--json` prints machine-readable output.
 */
import { Command } from 'commander';
import dotenv from 'dotenv';
import { registerAccountCommands } from './accounts';
import { CliContext } from './context';
import { registerTokenCommands, registerTokenLifecycleCommands } from './tokens';
import { registerWebhookCommands } from './webhooks';
import { registerWorkspaceCommands, registerWorkspaceLimitCommands } from './workspaces';

/** Builds the program with every command group; commands reach the database through `context`. */
export function buildProgram(context: CliContext): Command {
  const program = new Command()
    .name('autotweet')
    .description('Administer AutoTweet webhooks: workspaces, webhook tokens, X accounts and notification endpoints.')
    .option('--json', 'print results (and errors, on stderr) as JSON for scripts')
    .showHelpAfterError('(add --help for usage)');

  registerWorkspaceCommands(program, context);
  registerWorkspaceLimitCommands(program, context);
  registerTokenCommands(program, context);
  registerTokenLifecycleCommands(program, context);
  registerAccountCommands(program, context);
  registerWebhookCommands(program, context);
  return program;
}

/** Runs one command line (`argv` as in `process.argv`) and returns the exit code. */
export async function runCli(argv: string[], context = new CliContext()): Promise<number> {
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return context.reportError(error, argv.includes('--json'));
  } finally {
    await context.close();
  }
}

/**
 * Ends the process quietly when the reader of stdout goes away, as `head` does in
 * `autotweet tokens list <id> | head -2`. The reader has what it wanted, so the exit status is 0.
 * Other stdout errors are rethrown.
 */
function exitWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      throw error;
    }
    process.exit(0);
  });
}

if (require.main === module) {
  exitWhenStdoutCloses();
  dotenv.config({ quiet: true });
  runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
