import type { DeliveryAttempt, ScheduledPost, XAccount } from '../../db';

/** Renders a scheduled post as API JSON; the only path from the model to API output. */
export function presentPost(post: ScheduledPost, account: Pick<XAccount, 'xUserId' | 'username'>) {
  return {
    id: post.id,
    external_id: post.externalId ?? null,
    status: post.status,
    text: post.text,
    scheduled_at: post.scheduledAt.toISOString(),
    x_account_id: account.xUserId,
    x_username: account.username,
    workflow_id: post.workflowId,
    tweet_id: post.tweetId ?? null,
    tweet_url: post.tweetId ? `https://x.com/${account.username}/status/${post.tweetId}` : null,
    published_at: post.publishedAt?.toISOString() ?? null,
    failure: post.failureCode ? { code: post.failureCode, message: post.failureReason } : null,
    notification_status: post.notificationStatus,
    created_at: post.createdAt.toISOString(),
    updated_at: post.updatedAt.toISOString(),
  };
}

/** Presents a post with every delivery attempt of its notifications, for `GET /posts/:id`. */
export function presentPostDetail(post: ScheduledPost, account: Pick<XAccount, 'xUserId' | 'username'>, attempts: DeliveryAttempt[]) {
  return {
    ...presentPost(post, account),
    delivery_attempts: attempts.map((attempt) => ({
      message_id: attempt.messageId,
      event_type: attempt.eventType,
      attempt: attempt.attempt,
      url: attempt.url,
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: attempt.durationMs,
      attempted_at: attempt.createdAt.toISOString(),
    })),
  };
}
