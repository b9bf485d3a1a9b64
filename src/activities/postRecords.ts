import { ScheduledPost } from '../db';
import type { Logger } from '../logger';
import type { PublishOutcome } from './publishPost';

/**
 * Creates the bookkeeping activities the workflow runs when another activity gave up, so the post's
 * status never stays `scheduled` or `publishing` after its workflow has moved on.
 */
export function createPostRecords(deps: { logger: Logger }) {
  /** Records that publishing gave up with an error; a post already claimed may be on X, so it becomes `unknown`. */
  async function recordPublishError(input: { postId: string; message: string }): Promise<PublishOutcome> {
    const post = await ScheduledPost.findByPk(input.postId);
    const wasClaimed = post?.status === 'publishing';
    const status = wasClaimed ? 'unknown' : 'failed';
    const code = wasClaimed ? 'x_outcome_unknown' : 'publish_error';
    await ScheduledPost.update(
      { status, failureCode: code, failureReason: input.message },
      { where: { id: input.postId, status: ['scheduled', 'publishing'] } },
    );
    deps.logger.error({ postId: input.postId, status, error: input.message }, 'publishing gave up');
    return { status, code, reason: input.message };
  }

  /** Records that the notification could not be delivered after every attempt. */
  async function recordNotificationFailure(input: { postId: string; message: string }): Promise<void> {
    await ScheduledPost.update({ notificationStatus: 'failed' }, { where: { id: input.postId } });
    deps.logger.warn({ postId: input.postId, error: input.message }, 'notification gave up');
  }

  return { recordPublishError, recordNotificationFailure };
}
