import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { ScheduledPost, Workspace, XAccount } from '../db';
import { ConflictError, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { editPostWorkflow, requestPostCancellation } from '../temporal/posts';
import { findPost } from './findPosts';
import { reconcilePost } from './reconcilePosts';

export interface PostChangeContext {
  temporal: Client;
  logger: Logger;
}

/** How long a cancel waits for the workflow to mark its post cancelled before the API returns 202. */
export const CANCEL_WAIT_MS = 5_000;
/** How long an edit waits for the workflow to confirm it. */
export const EDIT_TIMEOUT_MS = 10_000;

const POLL_INTERVAL_MS = 100;

/**
 * Cancels a scheduled post through its workflow's cancellation, the same path as the Temporal Web
 * UI, so one piece of code marks the post and notifies. `settled` is false when the workflow had
 * not marked the post within the wait (no worker running, say); it will once it runs.
 */
export async function cancelPost(
  context: PostChangeContext,
  workspace: Workspace,
  postId: string,
  waitMs = CANCEL_WAIT_MS,
): Promise<{ post: ScheduledPost; account: XAccount; settled: boolean }> {
  const { post, account } = await findPost(workspace.id, postId);
  if (post.status === 'cancelled') {
    return { post, account, settled: true };
  }
  if (post.status !== 'scheduled') {
    throw notCancellable(post);
  }

  const requested = await requestPostCancellation(context.temporal, post.id);
  if (!requested) {
    await reconcilePost(context.temporal, post, context.logger);
    if (isCancelled(post)) {
      return { post, account, settled: true };
    }
    throw notCancellable(post);
  }
  context.logger.info({ postId: post.id, workspaceId: workspace.id }, 'post cancellation requested');

  const deadline = Date.now() + waitMs;
  for (;;) {
    await post.reload();
    if (isCancelled(post)) {
      return { post, account, settled: true };
    }
    if (post.status !== 'scheduled') {
      // Publishing began before the cancel request reached the workflow, which then ignores it.
      throw notCancellable(post);
    }
    if (Date.now() >= deadline) {
      return { post, account, settled: false };
    }
    await delay(POLL_INTERVAL_MS);
  }
}

/**
 * Changes the text or time of a scheduled post through its workflow (a Temporal Update), which
 * writes the row itself. The API never writes the row directly, so the time the workflow waits
 * for and the row always agree, and an edit that arrives once publishing has begun is rejected.
 */
export async function editPost(
  context: PostChangeContext,
  workspace: Workspace,
  postId: string,
  edit: { text?: string; scheduledAt?: Date },
): Promise<{ post: ScheduledPost; account: XAccount }> {
  const { post, account } = await findPost(workspace.id, postId);
  if (post.status !== 'scheduled') {
    throw notEditable(post);
  }

  let result;
  try {
    result = await editPostWorkflow(
      context.temporal,
      post.id,
      { text: edit.text, scheduledAt: edit.scheduledAt?.toISOString() },
      EDIT_TIMEOUT_MS,
    );
  } catch (error) {
    context.logger.error({ err: error, postId: post.id, workspaceId: workspace.id }, 'post edit not confirmed');
    throw new ServiceUnavailableError(
      'scheduler_unavailable',
      'The scheduler did not confirm the change in time. It may still apply it: fetch the post to see its text and time before trying again.',
      5,
    );
  }

  if (result.status === 'workflow_closed') {
    await reconcilePost(context.temporal, post, context.logger);
    throw notEditable(post);
  }
  await post.reload();
  if (result.status === 'rejected') {
    throw notEditable(post, result.reason);
  }
  return { post, account };
}

// A function rather than an inline test: TypeScript would keep the status narrowed across reloads.
function isCancelled(post: ScheduledPost): boolean {
  return post.status === 'cancelled';
}

function notCancellable(post: ScheduledPost): ConflictError {
  return new ConflictError('post_not_cancellable', `The post is ${post.status}; only a scheduled post can be cancelled.`, { status: post.status });
}

function notEditable(post: ScheduledPost, reason?: string): ConflictError {
  const message = reason ?? `The post is ${post.status}; only a scheduled post can be changed.`;
  return new ConflictError('post_not_editable', message, { status: post.status });
}
