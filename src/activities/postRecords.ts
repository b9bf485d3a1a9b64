import { ScheduledPost } from '../db';
import type { Logger } from '../logger';
import type { PublishOutcome } from './publishPost';

/**
 * Creates the bookkeeping activities the workflow runs when another activity gave up, so the post's
 * status never stays `scheduled` or `publishing` after its workflow has moved on.
 */
export function createPostRecords(deps: { logger: Logger }) {
  /**
   * Records that publishing gave up, given the last attempt's error message. A post already
   * claimed may be on X, so it becomes `unknown`.
   */
  async function recordPublishError(input: { postId: string; message: string }): Promise<PublishOutcome> {
    const post = await ScheduledPost.findByPk(input.postId);
    const wasClaimed = post?.status === 'publishing';
    const status = wasClaimed ? 'unknown' : 'failed';
    const code = wasClaimed ? 'x_outcome_unknown' : 'publish_error';
    // The last attempt's message describes that attempt alone, so the reason first states that
    // publishing stopped for good.
    const reason = `Publishing gave up; the last attempt failed with: ${input.message}`;
    await ScheduledPost.update(
      { status, failureCode: code, failureReason: reason },
      { where: { id: input.postId, status: ['scheduled', 'publishing'] } },
    );
    deps.logger.error({ postId: input.postId, status, error: input.message }, 'publishing gave up');
    return { status, code, reason };
  }

  /** Records that the notification could not be delivered after every attempt. */
  async function recordNotificationFailure(input: { postId: string; message: string }): Promise<void> {
    await ScheduledPost.update({ notificationStatus: 'failed' }, { where: { id: input.postId } });
    deps.logger.warn({ postId: input.postId, error: input.message }, 'notification gave up');
  }

  /**
   * Marks a post cancelled if it is still `scheduled`. Returns whether it is cancelled now, so a
   * retry after a write that landed returns true again, and a post that moved on is left alone.
   */
  async function markPostCancelled(input: { postId: string }): Promise<boolean> {
    await ScheduledPost.update({ status: 'cancelled' }, { where: { id: input.postId, status: 'scheduled' } });
    const post = await ScheduledPost.findByPk(input.postId);
    if (post?.status !== 'cancelled') {
      return false;
    }
    deps.logger.info({ postId: input.postId, workspaceId: post.workspaceId }, 'post cancelled');
    return true;
  }

  /**
   * Writes an edit to a post that is still `scheduled`; returns false when it is not. Writing the
   * same values twice changes nothing, so retries are safe.
   */
  async function applyPostEdit(input: { postId: string; text?: string; scheduledAt?: string }): Promise<boolean> {
    const changes: { text?: string; scheduledAt?: Date } = {};
    if (input.text !== undefined) {
      changes.text = input.text;
    }
    if (input.scheduledAt !== undefined) {
      changes.scheduledAt = new Date(input.scheduledAt);
    }
    await ScheduledPost.update(changes, { where: { id: input.postId, status: 'scheduled' } });
    // The update's row count cannot tell "not scheduled" from "already had these values" on
    // every driver, so read the row back.
    const post = await ScheduledPost.findByPk(input.postId);
    if (post?.status !== 'scheduled') {
      return false;
    }
    deps.logger.info(
      { postId: input.postId, workspaceId: post.workspaceId, scheduledAt: post.scheduledAt.toISOString(), textChanged: input.text !== undefined },
      'post edited',
    );
    return true;
  }

  return { recordPublishError, recordNotificationFailure, markPostCancelled, applyPostEdit };
}
