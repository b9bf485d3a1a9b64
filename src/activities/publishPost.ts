import { ApplicationFailure, Context } from '@temporalio/activity';
import { Sequelize, Transaction } from 'sequelize';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { ScheduledPost, XAccount } from '../db';
import { serializeOnSqlite } from '../db/serialize';
import { formatDuration } from '../durations';
import type { SecretBox } from '../domain/secrets';
import type { Logger } from '../logger';
import { MissingAppCredentialsError, OAuth1Credentials, OAuth2Credentials, XClientFactory } from '../x/client';

/** The result of a publish, which the workflow turns into a notification. */
export type PublishOutcome =
  | { status: 'published'; tweetId: string; publishedAt: string }
  | { status: 'failed' | 'unknown'; code: string; reason: string };

export interface PublishDependencies {
  sequelize: Sequelize;
  secrets: SecretBox;
  xClients: XClientFactory;
  logger: Logger;
  /** A post woken this long after its time fails as missed rather than going out late. */
  lateLimitMs: number;
}

/** Margin before an OAuth 2.0 access token's expiry at which it is refreshed. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Creates the publish activity, which sends a post to X at most once. The row moves from `scheduled`
 * to `publishing` before the call. A retry that finds `publishing` treats the call as possibly sent,
 * so it marks the post `unknown` instead of sending it again.
 */
export function createPublishPost(deps: PublishDependencies) {
  const { logger } = deps;

  async function publishPost(input: { postId: string }): Promise<PublishOutcome> {
    const post = await ScheduledPost.findByPk(input.postId);
    if (!post) {
      throw ApplicationFailure.nonRetryable(`Scheduled post ${input.postId} does not exist.`, 'PostNotFound');
    }
    const settled = outcomeOfSettledPost(post);
    if (settled) {
      return settled;
    }
    if (post.status === 'publishing') {
      // An earlier attempt claimed the post and then died, so its call to X may have gone out.
      return markUnknown(post, 'The worker stopped while publishing; X may or may not have the post.');
    }

    const lateness = Date.now() - post.scheduledAt.getTime();
    if (lateness > deps.lateLimitMs) {
      return markFailed(post, 'missed_schedule', `The post was due ${Math.round(lateness / 1000)} s ago, later than PUBLISH_LATE_LIMIT (${formatDuration(deps.lateLimitMs)}) allows, so it was not sent.`);
    }

    const account = await XAccount.findByPk(post.accountId);
    if (!account) {
      return markFailed(post, 'x_account_missing', 'The X account of this post is no longer connected.');
    }

    let client: TwitterApi;
    try {
      client = await clientFor(account);
    } catch (error) {
      return handleClientError(post, error);
    }

    const [claimed] = await ScheduledPost.update({ status: 'publishing' }, { where: { id: post.id, status: 'scheduled' } });
    if (claimed === 0) {
      await post.reload();
      return outcomeOfSettledPost(post) ?? markUnknown(post, 'Another attempt claimed this post while publishing.');
    }

    try {
      return await sendTweet(post, account, client);
    } catch (error) {
      if (error instanceof ApiResponseError && error.code === 401 && account.authType === 'oauth2') {
        // A 401 means X did not create the post, so trying once more with a fresh token is safe.
        try {
          return await sendTweet(post, account, await clientFor(account, { forceRefresh: true }));
        } catch (retryError) {
          return handleTweetError(post, retryError);
        }
      }
      return handleTweetError(post, error);
    }
  }

  async function sendTweet(post: ScheduledPost, account: XAccount, client: TwitterApi): Promise<PublishOutcome> {
    const started = Date.now();
    const response = await client.v2.tweet(post.text);
    const publishedAt = new Date();
    await ScheduledPost.update(
      { status: 'published', tweetId: response.data.id, publishedAt, failureCode: null, failureReason: null },
      { where: { id: post.id } },
    );
    logger.info(
      {
        postId: post.id,
        workspaceId: post.workspaceId,
        xUserId: account.xUserId,
        tweetId: response.data.id,
        latenessMs: publishedAt.getTime() - post.scheduledAt.getTime(),
        durationMs: publishedAt.getTime() - started,
      },
      'post published',
    );
    return { status: 'published', tweetId: response.data.id, publishedAt: publishedAt.toISOString() };
  }

  async function clientFor(account: XAccount, options: { forceRefresh?: boolean } = {}): Promise<TwitterApi> {
    if (account.authType === 'oauth1') {
      return deps.xClients.forOAuth1(deps.secrets.openJson<OAuth1Credentials>(account.credentials));
    }
    const expiresAt = account.accessTokenExpiresAt?.getTime() ?? 0;
    if (options.forceRefresh || expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      return deps.xClients.forOAuth2(await refreshAccessToken(account.id, options.forceRefresh ?? false));
    }
    return deps.xClients.forOAuth2(deps.secrets.openJson<OAuth2Credentials>(account.credentials).accessToken);
  }

  /**
   * Refreshes an account's OAuth 2.0 token while holding its row lock, so concurrent publishes of
   * one account refresh once. X rotates refresh tokens, so the loser of a race would break the account.
   */
  async function refreshAccessToken(accountId: string, force: boolean): Promise<string> {
    const isSqlite = deps.sequelize.getDialect() === 'sqlite';
    return serializeOnSqlite(deps.sequelize, () => deps.sequelize.transaction(
      { type: isSqlite ? Transaction.TYPES.IMMEDIATE : undefined },
      async (transaction) => {
        const account = await XAccount.findByPk(accountId, { transaction, lock: isSqlite ? undefined : transaction.LOCK.UPDATE });
        if (!account) {
          throw ApplicationFailure.nonRetryable(`X account ${accountId} does not exist.`, 'XAccountNotFound');
        }
        const current = deps.secrets.openJson<OAuth2Credentials>(account.credentials);
        const expiresAt = account.accessTokenExpiresAt?.getTime() ?? 0;
        if (!force && expiresAt - Date.now() >= REFRESH_MARGIN_MS) {
          return current.accessToken;
        }
        const refreshed = await deps.xClients.refreshOAuth2(current.refreshToken);
        await account.update(
          {
            credentials: deps.secrets.sealJson({ accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken }),
            accessTokenExpiresAt: refreshed.expiresAt,
          },
          { transaction },
        );
        logger.info({ xAccountId: account.id, xUserId: account.xUserId }, 'X access token refreshed');
        return refreshed.accessToken;
      },
    ));
  }

  /**
   * Marks the post failed for a permanent error while preparing the client and rethrows any other.
   * Nothing was sent to X yet, so the activity may retry transient errors.
   */
  async function handleClientError(post: ScheduledPost, error: unknown): Promise<PublishOutcome> {
    if (error instanceof MissingAppCredentialsError) {
      return markFailed(post, 'x_app_not_configured', error.message);
    }
    if (error instanceof ApiResponseError && (error.code === 400 || error.code === 401)) {
      return markFailed(post, 'x_unauthorized', `X rejected the request to refresh the account's token (${xReason(error)}); connect the account again.`);
    }
    throw error;
  }

  /** Maps an error of the call that creates the post on X to the post's outcome. */
  async function handleTweetError(post: ScheduledPost, error: unknown): Promise<PublishOutcome> {
    if (error instanceof ApiRequestError || error instanceof ApiPartialResponseError) {
      // Timeout or broken connection: X may have created the post. X has no idempotency key, so
      // sending it again could post twice.
      return markUnknown(post, `X did not respond (${error.message}); check the account before scheduling this post again.`);
    }
    if (!(error instanceof ApiResponseError)) {
      // Something failed after the post was handed to X, such as a response in an unexpected shape
      // or the database write of the result. X may have the post, so it must not be sent again.
      logger.error({ err: error, postId: post.id, workspaceId: post.workspaceId }, 'unexpected error after sending the post to X');
      return markUnknown(post, `Publishing stopped with an unexpected error after the post was sent to X (${(error as Error).message}); check the account before scheduling it again.`);
    }
    const reason = xReason(error);
    if (error.code >= 500) {
      return markUnknown(post, `X responded with ${error.code} (${reason}), so it may or may not have created the post.`);
    }
    if (error.code === 429 && !isUsageCapped(error)) {
      const resetMs = rateLimitResetMs(error);
      // X rejected the call before creating anything, so the post is safe to claim again after the reset.
      await ScheduledPost.update({ status: 'scheduled' }, { where: { id: post.id, status: 'publishing' } });
      logger.warn({ postId: post.id, retryInMs: resetMs }, 'X rate limit reached; waiting for the reset');
      // The message names the attempt rather than promising a retry, because the workflow
      // records it as the post's failure reason when this was the last attempt.
      throw ApplicationFailure.create({
        type: 'XRateLimited',
        message: `X rate limit reached on ${describeAttempt()}; the limit resets in ${Math.ceil(resetMs / 1000)} s.`,
        nextRetryDelay: resetMs,
      });
    }
    if (error.code === 429) {
      return markFailed(post, 'x_usage_capped', `X rejected the post because the app's usage cap is reached (${reason}).`);
    }
    if (error.code === 402) {
      return markFailed(post, 'x_credits_depleted', `X rejected the post because the app has no credits left (${reason}).`);
    }
    if (error.code === 403 && /duplicate/i.test(reason)) {
      return markFailed(post, 'x_duplicate_content', reason);
    }
    if (error.code === 401) {
      return markFailed(post, 'x_unauthorized', `X rejected the account's credentials (${reason}); connect the account again.`);
    }
    if (error.code === 403) {
      return markFailed(post, 'x_forbidden', reason);
    }
    return markFailed(post, 'x_rejected', `X responded with ${error.code}: ${reason}`);
  }

  async function markFailed(post: ScheduledPost, code: string, reason: string): Promise<PublishOutcome> {
    await ScheduledPost.update(
      { status: 'failed', failureCode: code, failureReason: reason },
      { where: { id: post.id, status: ['scheduled', 'publishing'] } },
    );
    logger.warn({ postId: post.id, workspaceId: post.workspaceId, code, reason }, 'post failed');
    return { status: 'failed', code, reason };
  }

  async function markUnknown(post: ScheduledPost, reason: string): Promise<PublishOutcome> {
    const code = 'x_outcome_unknown';
    await ScheduledPost.update(
      { status: 'unknown', failureCode: code, failureReason: reason },
      { where: { id: post.id, status: ['scheduled', 'publishing'] } },
    );
    logger.error({ postId: post.id, workspaceId: post.workspaceId, reason }, 'post outcome unknown; not retried');
    return { status: 'unknown', code, reason };
  }

  return publishPost;
}

/** Returns the outcome of a post that an earlier attempt already finished, or undefined if none did. */
export function outcomeOfSettledPost(post: ScheduledPost): PublishOutcome | undefined {
  if (post.status === 'published' && post.tweetId && post.publishedAt) {
    return { status: 'published', tweetId: post.tweetId, publishedAt: post.publishedAt.toISOString() };
  }
  if (post.status === 'failed' || post.status === 'unknown') {
    return { status: post.status, code: post.failureCode ?? 'unknown', reason: post.failureReason ?? '' };
  }
  if (post.status === 'cancelled') {
    return { status: 'failed', code: 'cancelled', reason: 'The post was cancelled.' };
  }
  return undefined;
}

function xReason(error: ApiResponseError): string {
  const data: ApiResponseError['data'] & { error_description?: string } = error.data ?? {};
  const first = Array.isArray(data.errors) ? (data.errors[0] as { message?: string } | undefined) : undefined;
  // OAuth 2.0 token errors carry `error` (a code) and `error_description` (the readable reason);
  // twitter-api-v2 also copies the bare code into `errors[0].message`, so the description goes first.
  const oauthReason = data.error_description ? `${data.error}: ${data.error_description}` : undefined;
  return data.detail ?? oauthReason ?? first?.message ?? data.title ?? data.error ?? `HTTP ${error.code}`;
}

/** Names the running activity attempt, such as "attempt 3 of 10", or "attempt 3" without a maximum. */
function describeAttempt(): string {
  const { attempt, retryPolicy } = Context.current().info;
  return retryPolicy?.maximumAttempts ? `attempt ${attempt} of ${retryPolicy.maximumAttempts}` : `attempt ${attempt}`;
}

function isUsageCapped(error: ApiResponseError): boolean {
  const data = error.data ?? {};
  return /usage-?cap/i.test(`${data.type ?? ''} ${data.title ?? ''} ${data.detail ?? ''}`);
}

/**
 * Returns the milliseconds until X's rate-limit window resets, from `x-rate-limit-reset` (epoch seconds).
 * The result is clamped to 1 s to 20 min, and is 60 s when the header is missing or invalid.
 */
function rateLimitResetMs(error: ApiResponseError): number {
  const header = error.headers?.['x-rate-limit-reset'];
  const resetSeconds = error.rateLimit?.reset ?? (typeof header === 'string' ? Number(header) : NaN);
  if (!Number.isFinite(resetSeconds)) {
    return 60_000;
  }
  return Math.min(Math.max(resetSeconds * 1000 - Date.now(), 1_000), 20 * 60_000);
}
