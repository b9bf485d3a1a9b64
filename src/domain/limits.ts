import type { Transaction } from 'sequelize';
import { Plan, PLAN_NAMES, PlanName, Workspace } from '../db';
import { NotFoundError, ValidationError } from '../errors';
import type { WindowLimit } from './rateLimiter';

/** A workspace's limits after its overrides are applied; null means unlimited. */
export interface WorkspaceLimits {
  plan: PlanName;
  requestsPerMinute: number;
  requestsPerDay: number | null;
  generationsPerMonth: number | null;
  maxPendingPosts: number | null;
}

/**
 * Applies a workspace's overrides to its plan's numbers. An override of null keeps the plan's
 * number, so an override cannot make a limited plan unlimited: move the workspace to such a plan.
 */
export function resolveLimits(workspace: Workspace, plan: Plan): WorkspaceLimits {
  return {
    plan: workspace.plan,
    requestsPerMinute: workspace.requestsPerMinute ?? plan.requestsPerMinute,
    requestsPerDay: workspace.requestsPerDay ?? plan.requestsPerDay,
    generationsPerMonth: workspace.generationsPerMonth ?? plan.generationsPerMonth,
    maxPendingPosts: workspace.maxPendingPosts ?? plan.maxPendingPosts,
  };
}

/**
 * Loads a workspace with its plan's limits. With `lock`, MySQL and MariaDB lock the workspace row
 * until the transaction ends; SQLite has no row locks and serialises writers instead.
 */
export async function loadWorkspaceLimits(
  workspaceId: string,
  options: { transaction?: Transaction; lock?: boolean } = {},
): Promise<{ workspace: Workspace; limits: WorkspaceLimits }> {
  const workspace = await Workspace.findByPk(workspaceId, { transaction: options.transaction, lock: options.lock });
  if (!workspace) {
    throw new NotFoundError('workspace_not_found', `No workspace with ID ${workspaceId}.`);
  }
  const plan = await Plan.findByPk(workspace.plan, { transaction: options.transaction });
  if (!plan) {
    throw new Error(`Workspace ${workspace.id} names plan ${workspace.plan}, which has no row in plans.`);
  }
  return { workspace, limits: resolveLimits(workspace, plan) };
}

/** Returns the rate limiter subject of a workspace's requests. */
export function workspaceSubject(workspaceId: string): string {
  return `workspace:${workspaceId}`;
}

/** Returns the rate limiter subject of requests from one client address that carry no valid token. */
export function addressSubject(address: string): string {
  return `address:${address}`;
}

/** Returns a workspace's request windows: a per-minute limit and a per-day limit starting 00:00 UTC. */
export function requestWindows(limits: Pick<WorkspaceLimits, 'requestsPerMinute' | 'requestsPerDay'>): WindowLimit[] {
  return [
    { kind: 'minute', limit: limits.requestsPerMinute },
    { kind: 'day', limit: limits.requestsPerDay },
  ];
}

/** Per-workspace overrides; undefined leaves an override as it is, null goes back to the plan's number. */
export interface LimitOverrides {
  requestsPerMinute?: number | null;
  requestsPerDay?: number | null;
  generationsPerMonth?: number | null;
  maxPendingPosts?: number | null;
}

/** Moves a workspace to a plan and sets its overrides; the change applies from the next request. */
export async function setWorkspacePlan(
  workspaceId: string,
  change: { plan?: string; overrides?: LimitOverrides },
): Promise<{ workspace: Workspace; limits: WorkspaceLimits }> {
  const problems = [];
  if (change.plan !== undefined && !PLAN_NAMES.includes(change.plan as PlanName)) {
    problems.push({ field: 'plan', message: `plan must be one of ${PLAN_NAMES.join(', ')}` });
  }
  for (const [field, value] of Object.entries(change.overrides ?? {})) {
    if (value !== undefined && value !== null && (!Number.isInteger(value) || value < 0)) {
      problems.push({ field, message: `${field} must be a whole number of at least 0, or null for the plan's number` });
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(problems);
  }

  const { workspace } = await loadWorkspaceLimits(workspaceId);
  await workspace.update({ ...(change.plan ? { plan: change.plan as PlanName } : {}), ...change.overrides });
  return loadWorkspaceLimits(workspaceId);
}
