import type { WindowUsage } from '../../domain/rateLimiter';
import type { WorkspaceUsage } from '../../domain/usage';

/** Converts a workspace's usage to its JSON shape. This is the only path from usage figures to API output. */
export function presentUsage(usage: WorkspaceUsage) {
  return {
    plan: usage.limits.plan,
    requests_this_minute: presentWindow(usage.requestsThisMinute),
    requests_today: presentWindow(usage.requestsToday),
    generations_this_month: {
      used: usage.generationsThisMonth.used,
      reserved: usage.generationsThisMonth.reserved,
      limit: usage.generationsThisMonth.limit,
      resets_at: usage.generationsThisMonth.resetAt.toISOString(),
    },
    pending_posts: { used: usage.pendingPosts.used, limit: usage.pendingPosts.limit },
  };
}

function presentWindow(window: WindowUsage) {
  return { used: window.used, limit: window.limit, resets_at: window.resetAt.toISOString() };
}
