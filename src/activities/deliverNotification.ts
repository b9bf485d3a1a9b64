import { ApplicationFailure, Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import { DeliveryAttempt, NotificationEndpoint, ScheduledPost, XAccount } from '../db';
import type { SecretBox } from '../domain/secrets';
import type { Logger } from '../logger';
import { DeliveryError, sendNotification } from '../notifications/send';

export type NotificationEventType = 'post.published' | 'post.failed' | 'post.cancelled';

export interface NotifyDependencies {
  secrets: SecretBox;
  logger: Logger;
  /** Delay in ms before each retry, so `[1m, 5m, 30m]` means 4 attempts in all. */
  retryDelaysMs: number[];
  timeoutMs: number;
  allowPrivateUrls: boolean;
}

export type DeliveryResult = 'delivered' | 'failed' | 'skipped';

/**
 * Builds the message ID of one notification. It is the same on every attempt, so receivers can
 * drop duplicates by the `webhook-id` header.
 */
export function notificationMessageId(postId: string, eventType: NotificationEventType): string {
  return `msg_${postId}_${eventType.replace('post.', '')}`;
}

/**
 * Creates the notify activity, which sends one signed POST per attempt and records each attempt.
 * A failed attempt throws with the next delay from the configured schedule. The last attempt
 * records the failure and returns instead.
 */
export function createDeliverNotification(deps: NotifyDependencies) {
  return async function deliverNotification(input: {
    postId: string;
    eventType: NotificationEventType;
  }): Promise<DeliveryResult> {
    const attempt = Context.current().info.attempt;
    const post = await ScheduledPost.findByPk(input.postId);
    if (!post) {
      throw ApplicationFailure.nonRetryable(`Scheduled post ${input.postId} does not exist.`, 'PostNotFound');
    }
    const endpoint = await NotificationEndpoint.findOne({ where: { workspaceId: post.workspaceId } });
    if (!endpoint) {
      await post.update({ notificationStatus: 'skipped' });
      deps.logger.info({ postId: post.id, workspaceId: post.workspaceId }, 'no notification endpoint; notification skipped');
      return 'skipped';
    }
    const account = await XAccount.findByPk(post.accountId);

    const messageId = notificationMessageId(post.id, input.eventType);
    const body = JSON.stringify(buildEvent(input.eventType, post, account));
    const timestamp = new Date();
    const signature = new Webhook(deps.secrets.open(endpoint.signingSecret)).sign(messageId, timestamp, body);
    const headers = {
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
      'user-agent': 'AutoTweet-Webhooks/1.0',
    };

    const started = Date.now();
    let statusCode: number | null = null;
    let failure: DeliveryError | undefined;
    try {
      ({ statusCode } = await sendNotification({
        url: endpoint.url,
        body,
        headers,
        timeoutMs: deps.timeoutMs,
        allowPrivateAddresses: deps.allowPrivateUrls,
      }));
    } catch (error) {
      failure = error instanceof DeliveryError ? error : new DeliveryError('network', String(error));
      statusCode = failure.statusCode ?? null;
    }
    const durationMs = Date.now() - started;

    await DeliveryAttempt.create({
      postId: post.id,
      messageId,
      eventType: input.eventType,
      attempt,
      url: endpoint.url,
      statusCode,
      error: failure ? `${failure.kind}: ${failure.message}` : null,
      durationMs,
    });
    const logFields = {
      postId: post.id,
      workspaceId: post.workspaceId,
      messageId,
      eventType: input.eventType,
      attempt,
      statusCode,
      durationMs,
      error: failure?.message,
    };

    if (!failure) {
      await post.update({ notificationStatus: 'delivered' });
      deps.logger.info(logFields, 'notification delivered');
      return 'delivered';
    }
    const nextDelay = deps.retryDelaysMs[attempt - 1];
    if (nextDelay === undefined) {
      await post.update({ notificationStatus: 'failed' });
      deps.logger.warn(logFields, 'notification failed; no retries left');
      return 'failed';
    }
    deps.logger.warn({ ...logFields, retryInMs: nextDelay }, 'notification attempt failed; will retry');
    throw ApplicationFailure.create({
      type: 'NotificationDeliveryFailed',
      message: `Attempt ${attempt} failed: ${failure.message}`,
      nextRetryDelay: nextDelay,
    });
  };
}

/** Builds the notification body in the Standard Webhooks `{ type, timestamp, data }` shape. */
function buildEvent(eventType: NotificationEventType, post: ScheduledPost, account: XAccount | null) {
  const failed = post.status === 'failed' || post.status === 'unknown';
  return {
    type: eventType,
    timestamp: new Date().toISOString(),
    data: {
      post_id: post.id,
      status: post.status,
      x_account_id: account?.xUserId ?? null,
      x_username: account?.username ?? null,
      text: post.text,
      scheduled_at: post.scheduledAt.toISOString(),
      published_at: post.publishedAt?.toISOString() ?? null,
      tweet_id: post.tweetId ?? null,
      tweet_url: post.tweetId && account ? `https://x.com/${account.username}/status/${post.tweetId}` : null,
      error: failed ? { code: post.failureCode, message: post.failureReason } : null,
    },
  };
}
