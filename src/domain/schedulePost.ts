import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Transaction, UniqueConstraintError } from 'sequelize';
import { ScheduledPost, serializeOnSqlite, Workspace, XAccount } from '../db';
import { ConflictError, NotFoundError, ServiceUnavailableError, TooManyRequestsError } from '../errors';
import type { Logger } from '../logger';
import { startPostWorkflow } from '../temporal/posts';
import { postWorkflowId } from '../workflows/ids';
import { loadWorkspaceLimits } from './limits';
import { countPendingPosts } from './usage';

/** Retry-After in seconds for a caller at the pending-post limit. A slot frees only when a post finishes. */
const PENDING_LIMIT_RETRY_AFTER_SECONDS = 60;

/**
 * How long the API waits for Temporal to accept a workflow start. Without a deadline the client
 * retries an unreachable server for about 20 s (measured with @temporalio/client 1.24 defaults).
 * If a start does reach the server after the deadline, its workflow finds no post row and ends
 * without publishing.
 */
const START_DEADLINE_MS = 5_000;

export interface SchedulingContext {
  temporal: Client;
  taskQueue: string;
  notifyRetryDelaysMs: number[];
  logger: Logger;
}

/**
 * Schedules a post: commits its row, then starts its workflow. If Temporal cannot be reached the
 * row is deleted again and a 503 raised, so no post is left behind that would never publish.
 * A workspace at its pending-post limit gets 429 `pending_posts_limit`.
 */
export async function schedulePost(
  context: SchedulingContext,
  request: { workspace: Workspace; xAccountId: string; text: string; scheduledAt: Date; externalId?: string },
): Promise<{ post: ScheduledPost; account: XAccount }> {
  const account = await XAccount.findOne({ where: { workspaceId: request.workspace.id, xUserId: request.xAccountId } });
  if (!account) {
    throw new NotFoundError('x_account_not_found', `No X account with ID ${request.xAccountId} is connected to this workspace.`);
  }

  const post = await insertWithinPendingLimit(request.workspace.id, {
    accountId: account.id,
    text: request.text,
    scheduledAt: request.scheduledAt,
    externalId: request.externalId ?? null,
  }).catch((error) => rejectDuplicateExternalId(error, request.workspace.id, request.externalId));

  try {
    await context.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      startPostWorkflow(context.temporal, {
        taskQueue: context.taskQueue,
        postId: post.id,
        workspaceId: post.workspaceId,
        xAccountId: account.xUserId,
        text: post.text,
        scheduledAt: post.scheduledAt,
        notifyRetryDelaysMs: context.notifyRetryDelaysMs,
      }),
    );
  } catch (error) {
    context.logger.error({ err: error, postId: post.id, workspaceId: request.workspace.id }, 'could not start the post workflow');
    await post.destroy();
    throw new ServiceUnavailableError('scheduler_unavailable', 'The scheduler is unavailable; nothing was scheduled. Try again shortly.', 5);
  }

  context.logger.info(
    { postId: post.id, workspaceId: request.workspace.id, workflowId: post.workflowId, scheduledAt: post.scheduledAt.toISOString() },
    'post scheduled',
  );
  return { post, account };
}

/** Turns the unique-index error of a reused `external_id` into a 409 naming the post that has it. */
async function rejectDuplicateExternalId(error: unknown, workspaceId: string, externalId: string | undefined): Promise<never> {
  if (!(error instanceof UniqueConstraintError) || externalId === undefined) {
    throw error;
  }
  const existing = await ScheduledPost.findOne({ where: { workspaceId, externalId } });
  throw new ConflictError('external_id_conflict', `Another post in this workspace already has external_id ${JSON.stringify(externalId)}.`, {
    post_id: existing?.id ?? null,
  });
}

/**
 * Inserts a post if the workspace has room under its pending-post limit. The workspace row stays
 * locked from the count to the commit, so two concurrent requests at the limit minus one cannot
 * both pass (MySQL and MariaDB lock the row; SQLite's IMMEDIATE transaction serialises writers).
 */
async function insertWithinPendingLimit(
  workspaceId: string,
  values: { accountId: string; text: string; scheduledAt: Date; externalId: string | null },
): Promise<ScheduledPost> {
  const sequelize = ScheduledPost.sequelize!;
  return serializeOnSqlite(sequelize, () => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
    const { limits } = await loadWorkspaceLimits(workspaceId, { transaction, lock: true });
    if (limits.maxPendingPosts !== null) {
      const pending = await countPendingPosts(workspaceId, { transaction });
      if (pending >= limits.maxPendingPosts) {
        throw new TooManyRequestsError(
          'pending_posts_limit',
          `This workspace already has ${pending} posts waiting to publish, its limit is ${limits.maxPendingPosts}; ` +
            'a place frees when a post is published or cancelled.',
          PENDING_LIMIT_RETRY_AFTER_SECONDS,
          { limit: limits.maxPendingPosts, pending },
        );
      }
    }
    const id = crypto.randomUUID();
    return ScheduledPost.create(
      { id, workspaceId, ...values, workflowId: postWorkflowId(id) },
      { transaction },
    );
  }));
}
