import type { Command } from 'commander';
import { PLAN_NAMES } from '../db';
import { createWorkspace } from '../domain/admin';
import { LimitOverrides, setWorkspacePlan } from '../domain/limits';
import type { RateLimiter } from '../domain/rateLimiter';
import { getWorkspaceUsage } from '../domain/usage';
import { FieldProblem, ValidationError } from '../errors';
import type { CliContext } from './context';

/** Adds the `workspaces` command group. */
export function registerWorkspaceCommands(program: Command, context: CliContext): Command {
  const workspaces = program.command('workspaces').description('Manage workspaces: the tenants that own tokens, X accounts and posts.');

  workspaces
    .command('create')
    .description('Create a workspace on a plan.')
    .requiredOption('--name <name>', 'display name of the workspace')
    .requiredOption('--plan <plan>', `plan that sets its limits: ${PLAN_NAMES.join(', ')}`)
    .action(async (options: { name: string; plan: string }, command: Command) => {
      await context.open();

      const workspace = await createWorkspace({ name: options.name, plan: options.plan });

      context.printResult(command, {
        json: { id: workspace.id, name: workspace.name, plan: workspace.plan, created_at: workspace.createdAt.toISOString() },
        text: [
          `Workspace created.`,
          `  id:   ${workspace.id}`,
          `  name: ${workspace.name}`,
          `  plan: ${workspace.plan}`,
          '',
          `Next: autotweet tokens create --workspace ${workspace.id}`,
        ],
      });
    });

  return workspaces;
}

/** Services that the CLI entry point provides to the workspace limit commands. */
export interface WorkspaceLimitCommandContext {
  /** Connects the database once and runs `work` with a limiter on it. The entry point closes the connection after. */
  withLimiter<T>(work: (limiter: RateLimiter) => Promise<T>): Promise<T>;
  print(line: string): void;
}

const OVERRIDE_OPTIONS: Array<[keyof LimitOverrides, string, string]> = [
  ['requestsPerMinute', '--requests-per-minute <n>', 'requests a minute'],
  ['requestsPerDay', '--requests-per-day <n>', 'requests a day (UTC)'],
  ['generationsPerMonth', '--generations-per-month <n>', 'generations a month (UTC)'],
  ['maxPendingPosts', '--max-pending-posts <n>', 'posts scheduled and not yet published'],
];

/** Registers `workspaces set-plan` and `workspaces show`. */
export function registerWorkspaceLimitCommands(program: Command, context: WorkspaceLimitCommandContext): void {
  const workspaces = program.commands.find((command) => command.name() === 'workspaces')
    ?? program.command('workspaces').description('Manage workspaces');

  const setPlan = workspaces
    .command('set-plan')
    .description('Move a workspace to a plan and set its own limits; each override takes a number, or "plan" to use the plan\'s')
    .argument('<workspace-id>', 'workspace ID')
    .option('--plan <name>', 'starter, growth, pro or enterprise');
  for (const [, flag, what] of OVERRIDE_OPTIONS) {
    setPlan.option(flag, `override of ${what}`);
  }
  setPlan.action((workspaceId: string, options: Record<string, string | undefined>) => context.withLimiter(async (limiter) => {
    const overrides: LimitOverrides = {};
    for (const [key] of OVERRIDE_OPTIONS) {
      const value = options[key];
      if (value !== undefined) {
        overrides[key] = parseOverride(value);
      }
    }

    try {
      await setWorkspacePlan(workspaceId, { plan: options.plan, overrides });
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError((error.details as FieldProblem[]).map((problem) => describeOptionProblem(problem, options)));
      }
      throw error;
    }
    await printUsage(context, limiter, workspaceId);
  }));

  workspaces
    .command('show')
    .description('Show a workspace\'s plan and its current usage against every limit')
    .argument('<workspace-id>', 'workspace ID')
    .action((workspaceId: string) => context.withLimiter((limiter) => printUsage(context, limiter, workspaceId)));
}

/**
 * Converts an override option to the domain's value: `plan` to null, a whole number to that number.
 * Anything else becomes NaN, which `setWorkspacePlan` rejects. The pattern check comes first because
 * Number() alone would read "" as 0 and "1e3" as 1000.
 */
function parseOverride(value: string): number | null {
  if (value === 'plan') {
    return null;
  }
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

/**
 * Rewrites a problem that `setWorkspacePlan` found in terms of the command's options: the option's
 * flag, the value given and the values it accepts.
 */
function describeOptionProblem(problem: FieldProblem, options: Record<string, string | undefined>): FieldProblem {
  if (problem.field === 'plan') {
    return { field: '--plan', message: `"${options.plan}" is not a plan: use one of ${PLAN_NAMES.join(', ')}.` };
  }
  const override = OVERRIDE_OPTIONS.find(([key]) => key === problem.field);
  if (!override) {
    return problem;
  }
  const flag = override[1].split(' ')[0];
  return {
    field: flag,
    message: `"${options[override[0]]}" is invalid: give a whole number of at least 0, or "plan" to use the plan's number.`,
  };
}

async function printUsage(context: WorkspaceLimitCommandContext, limiter: RateLimiter, workspaceId: string): Promise<void> {
  const usage = await getWorkspaceUsage(workspaceId, limiter);
  const of = (limit: number | null) => (limit === null ? 'unlimited' : String(limit));
  context.print(`Workspace ${workspaceId} on plan ${usage.limits.plan}`);
  context.print(`  requests this minute   ${usage.requestsThisMinute.used} / ${of(usage.requestsThisMinute.limit)}  (resets ${usage.requestsThisMinute.resetAt.toISOString()})`);
  context.print(`  requests today (UTC)   ${usage.requestsToday.used} / ${of(usage.requestsToday.limit)}  (resets ${usage.requestsToday.resetAt.toISOString()})`);
  context.print(`  generations this month ${usage.generationsThisMonth.used} / ${of(usage.generationsThisMonth.limit)}` +
    `  (${usage.generationsThisMonth.reserved} reserved, resets ${usage.generationsThisMonth.resetAt.toISOString()})`);
  context.print(`  pending posts          ${usage.pendingPosts.used} / ${of(usage.pendingPosts.limit)}`);
}
