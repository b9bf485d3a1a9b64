import type { Transaction } from 'sequelize';
import { ScheduledPost } from '../db';
import { loadWorkspaceLimits, requestWindows, workspaceSubject, WorkspaceLimits } from './limits';
import type { RateLimiter, WindowUsage } from './rateLimiter';

/** Post statuses that hold a place in the pending-post allowance; cancelled and finished posts free it. */
export const PENDING_POST_STATUSES = ['scheduled', 'publishing'] as const;

/** A workspace's current usage against each of its limits; a null limit is unlimited. */
export interface WorkspaceUsage {
  workspaceId: string;
  limits: WorkspaceLimits;
  requestsThisMinute: WindowUsage;
  requestsToday: WindowUsage;
  generationsThisMonth: { used: number; limit: number | null; resetAt: Date };
  pendingPosts: { used: number; limit: number | null };
}

/** Reads a workspace's usage without counting a request. */
export async function getWorkspaceUsage(workspaceId: string, limiter: RateLimiter): Promise<WorkspaceUsage> {
  const { limits } = await loadWorkspaceLimits(workspaceId);
  const now = limiter.now();

  const [[minute, day], pending] = await Promise.all([
    limiter.peek(workspaceSubject(workspaceId), requestWindows(limits)),
    countPendingPosts(workspaceId),
  ]);

  return {
    workspaceId,
    limits,
    requestsThisMinute: minute,
    requestsToday: day,
    // NOTE: no generation is recorded yet, so this reads 0 until generations are stored.
    generationsThisMonth: {
      used: 0,
      limit: limits.generationsPerMonth,
      resetAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    },
    pendingPosts: { used: pending, limit: limits.maxPendingPosts },
  };
}

/** Counts a workspace's posts that are scheduled or being published. */
export function countPendingPosts(workspaceId: string, options: { transaction?: Transaction } = {}): Promise<number> {
  return ScheduledPost.count({ where: { workspaceId, status: [...PENDING_POST_STATUSES] }, transaction: options.transaction });
}
