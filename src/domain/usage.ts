import type { Transaction } from 'sequelize';
import { ScheduledPost } from '../db';
import { getGenerationUsage } from './generationQuota';
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
  generationsThisMonth: { used: number; reserved: number; limit: number | null; resetAt: Date };
  pendingPosts: { used: number; limit: number | null };
}

/** Reads a workspace's usage without counting a request. */
export async function getWorkspaceUsage(workspaceId: string, limiter: RateLimiter): Promise<WorkspaceUsage> {
  const { workspace, limits } = await loadWorkspaceLimits(workspaceId);
  const now = limiter.now();

  const [[minute, day], pending, generations] = await Promise.all([
    limiter.peek(workspaceSubject(workspaceId), requestWindows(limits)),
    countPendingPosts(workspaceId),
    getGenerationUsage(workspace, now),
  ]);

  return {
    workspaceId,
    limits,
    requestsThisMinute: minute,
    requestsToday: day,
    generationsThisMonth: {
      used: generations.used,
      reserved: generations.reserved,
      limit: generations.limit,
      resetAt: generations.resetsAt,
    },
    pendingPosts: { used: pending, limit: limits.maxPendingPosts },
  };
}

/** Counts a workspace's posts that are scheduled or being published. */
export function countPendingPosts(workspaceId: string, options: { transaction?: Transaction } = {}): Promise<number> {
  return ScheduledPost.count({ where: { workspaceId, status: [...PENDING_POST_STATUSES] }, transaction: options.transaction });
}
