import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { ScheduledPost } from '../db';
import type { Logger } from '../logger';
import { findPostsWithAbortedWorkflows, postWorkflowStatus } from '../temporal/posts';

/**
 * A pending post whose workflow Temporal does not know is only orphaned after this long, because
 * scheduling commits the row a moment before it starts the workflow.
 */
const MISSING_WORKFLOW_GRACE_MS = 60_000;

type WorkflowState = WorkflowExecutionStatusName | 'NOT_FOUND';

/** How long a read waits for Temporal before showing posts as stored. */
const WORKFLOW_CHECK_DEADLINE_MS = 2_000;

/** Failure codes of posts whose workflows closed without running their own code to the end. */
const ABORTED_WORKFLOWS = {
  TERMINATED: { code: 'workflow_terminated', ended: 'was terminated' },
  TIMED_OUT: { code: 'workflow_timed_out', ended: 'timed out' },
  FAILED: { code: 'workflow_failed', ended: 'failed' },
} as const;

function isPending(post: ScheduledPost): boolean {
  return post.status === 'scheduled' || post.status === 'publishing';
}

/**
 * Brings a `scheduled` or `publishing` post in line with its workflow when the workflow ended
 * without running its own code: terminated, timed out, failed or missing. Other posts are left
 * alone, and so is this one when Temporal does not respond in time (logged). Returns the post,
 * updated in place.
 */
export async function reconcilePost(temporal: Client, post: ScheduledPost, logger: Logger): Promise<ScheduledPost> {
  if (!isPending(post)) {
    return post;
  }
  let workflowState: WorkflowState;
  try {
    workflowState = await temporal.withDeadline(Date.now() + WORKFLOW_CHECK_DEADLINE_MS, () => postWorkflowStatus(temporal, post.id));
  } catch (error) {
    logger.warn({ err: error, postId: post.id, workspaceId: post.workspaceId }, 'could not check the post workflow; showing the post as stored');
    return post;
  }
  await applyWorkflowState(post, workflowState, logger);
  return post;
}

/**
 * Reconciles the pending posts of a list page with one visibility query, which finds terminated
 * and timed-out workflows; visibility can lag by about a second. A failed query is logged and the
 * page is shown as stored.
 */
export async function reconcilePosts(temporal: Client, posts: ScheduledPost[], logger: Logger): Promise<void> {
  const pending = posts.filter(isPending);
  if (pending.length === 0) {
    return;
  }
  let aborted: Map<string, WorkflowExecutionStatusName>;
  try {
    aborted = await temporal.withDeadline(Date.now() + WORKFLOW_CHECK_DEADLINE_MS, () =>
      findPostsWithAbortedWorkflows(temporal, pending.map((post) => post.id)),
    );
  } catch (error) {
    logger.warn({ err: error, postCount: pending.length }, 'could not check post workflows; listing posts as stored');
    return;
  }
  for (const post of pending) {
    const state = aborted.get(post.id);
    if (state) {
      await applyWorkflowState(post, state, logger);
    }
  }
}

async function applyWorkflowState(post: ScheduledPost, state: WorkflowState, logger: Logger): Promise<void> {
  const wasPublishing = post.status === 'publishing';
  let change: { status: 'failed' | 'unknown' | 'cancelled'; failureCode: string | null; failureReason: string | null } | undefined;
  switch (state) {
    case 'TERMINATED':
    case 'TIMED_OUT':
    case 'FAILED': {
      const { code, ended } = ABORTED_WORKFLOWS[state];
      change = wasPublishing
        ? { status: 'unknown', failureCode: code, failureReason: `The post's workflow ${ended} while publishing; X may or may not have the post.` }
        : { status: 'failed', failureCode: code, failureReason: `The post's workflow ${ended} before publishing; the post was not sent.` };
      break;
    }
    case 'CANCELLED':
      // The workflow marks its post cancelled before closing; this covers a row it could not reach.
      change = wasPublishing ? undefined : { status: 'cancelled', failureCode: null, failureReason: null };
      break;
    case 'NOT_FOUND':
      if (Date.now() - post.createdAt.getTime() > MISSING_WORKFLOW_GRACE_MS) {
        change = { status: 'failed', failureCode: 'workflow_missing', failureReason: 'The post has no workflow in Temporal, so it will not be sent.' };
      }
      break;
    default:
      break;
  }
  if (!change) {
    return;
  }

  // Only from the status read above: the workflow may have moved the row on since.
  const [updated] = await ScheduledPost.update(change, { where: { id: post.id, status: post.status } });
  const previousStatus = post.status;
  await post.reload();
  if (updated > 0) {
    logger.warn(
      { postId: post.id, workspaceId: post.workspaceId, workflowState: state, previousStatus, status: post.status },
      'post reconciled with its closed workflow',
    );
  }
}
