import { Op, WhereOptions } from 'sequelize';
import { DeliveryAttempt, PostStatus, ScheduledPost, XAccount } from '../db';
import { NotFoundError } from '../errors';

/** Position in the post list: a page starts just after this post in (scheduled_at, id) order. */
export interface ListCursor {
  scheduledAt: Date;
  id: string;
}

/** Filters and page of a post listing; every filter is optional. */
export interface ListQuery {
  statuses?: PostStatus[];
  /** X's user ID of the account. */
  xAccountId?: string;
  externalId?: string;
  /** Inclusive. */
  scheduledAfter?: Date;
  /** Exclusive. */
  scheduledBefore?: Date;
  limit: number;
  cursor?: ListCursor;
}

export interface PostPage {
  posts: ScheduledPost[];
  /** The X account of each listed post, by our account ID. */
  accounts: Map<string, XAccount>;
  /** Set when more posts follow this page. */
  nextCursor?: ListCursor;
}

/**
 * Loads a post of a workspace with its X account. A post of another workspace raises the same
 * 404 as one that does not exist, so IDs reveal nothing across workspaces.
 */
export async function findPost(workspaceId: string, postId: string): Promise<{ post: ScheduledPost; account: XAccount }> {
  // Post IDs are UUIDs, so anything else cannot exist and is kept out of SQL. Sequelize 6 writes
  // strings into SQLite statements inline, and a NUL byte there ends the statement early (SQLITE_ERROR).
  const post = isPostId(postId) ? await ScheduledPost.findOne({ where: { id: postId, workspaceId } }) : null;
  const account = post && (await XAccount.findByPk(post.accountId));
  if (!post || !account) {
    throw new NotFoundError('post_not_found', `No scheduled post with ID ${postId} in this workspace.`);
  }
  return { post, account };
}

/** Checks that `value` has the form of a post ID: a UUID such as `6f1c2b9e-3d6a-4c1e-9a57-2b8f0d4e7a10`. */
export function isPostId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** Loads every delivery attempt of a post's notifications, oldest first. */
export function findDeliveryAttempts(postId: string): Promise<DeliveryAttempt[]> {
  return DeliveryAttempt.findAll({ where: { postId }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
}

/**
 * Lists a workspace's posts in (scheduled_at, id) order, a stable order that a cursor can resume
 * even while posts are added or change status.
 */
export async function listPosts(workspaceId: string, query: ListQuery): Promise<PostPage> {
  const conditions: WhereOptions<ScheduledPost>[] = [{ workspaceId }];
  if (query.statuses) {
    conditions.push({ status: query.statuses });
  }
  if (query.externalId !== undefined) {
    conditions.push({ externalId: query.externalId });
  }
  if (query.xAccountId !== undefined) {
    const account = await XAccount.findOne({ where: { workspaceId, xUserId: query.xAccountId } });
    if (!account) {
      return { posts: [], accounts: new Map() };
    }
    conditions.push({ accountId: account.id });
  }
  if (query.scheduledAfter) {
    conditions.push({ scheduledAt: { [Op.gte]: query.scheduledAfter } });
  }
  if (query.scheduledBefore) {
    conditions.push({ scheduledAt: { [Op.lt]: query.scheduledBefore } });
  }
  if (query.cursor) {
    const { scheduledAt, id } = query.cursor;
    conditions.push({ [Op.or]: [{ scheduledAt: { [Op.gt]: scheduledAt } }, { scheduledAt, id: { [Op.gt]: id } }] });
  }

  const rows = await ScheduledPost.findAll({
    where: { [Op.and]: conditions },
    order: [['scheduledAt', 'ASC'], ['id', 'ASC']],
    limit: query.limit + 1,
  });
  const posts = rows.slice(0, query.limit);
  const last = posts[posts.length - 1];
  const nextCursor = rows.length > query.limit ? { scheduledAt: last.scheduledAt, id: last.id } : undefined;

  const accountIds = [...new Set(posts.map((post) => post.accountId))];
  const accounts = new Map((await XAccount.findAll({ where: { id: accountIds } })).map((account) => [account.id, account]));
  return { posts, accounts, nextCursor };
}
