import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of every post workflow, the single definition behind the values the
 * client sets at start, the workflow's updates and the `Name=Type` flags that register them.
 */
export const POST_SEARCH_ATTRIBUTES = {
  workspaceId: defineSearchAttributeKey('AutotweetWorkspaceId', SearchAttributeType.KEYWORD),
  /** X's user ID of the account, the `x_account_id` callers send. */
  xAccountId: defineSearchAttributeKey('AutotweetXAccountId', SearchAttributeType.KEYWORD),
  scheduledAt: defineSearchAttributeKey('AutotweetScheduledAt', SearchAttributeType.DATETIME),
  /** The post's status as the workflow last set it: scheduled, publishing, published, failed, unknown or cancelled. */
  postStatus: defineSearchAttributeKey('AutotweetPostStatus', SearchAttributeType.KEYWORD),
};
