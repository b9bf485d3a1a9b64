import Joi from 'joi';
import { POST_STATUSES, PostStatus } from '../../db';
import { isPostId, ListCursor, ListQuery } from '../../domain/findPosts';
import { parseInstant } from '../../domain/scheduleTime';
import { externalId, validate } from './schema';

/** Page size when the request has no `limit`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

const instant = (name: string) =>
  Joi.string().custom((value: string, helpers) => {
    const parsed = parseInstant(value);
    return parsed.ok ? parsed.instant : helpers.message({ custom: `${name} ${parsed.message}` });
  });

const listSchema = Joi.object({
  status: Joi.string().custom((value: string, helpers) => {
    const statuses = value.split(',');
    const unknown = statuses.filter((status) => !(POST_STATUSES as readonly string[]).includes(status));
    if (unknown.length > 0) {
      return helpers.message({ custom: `status must be one or more of ${POST_STATUSES.join(', ')}, separated by commas; got ${unknown.join(', ')}` });
    }
    return statuses;
  }),
  x_account_id: Joi.string()
    .pattern(/^\d{1,20}$/)
    .messages({ 'string.pattern.base': 'x_account_id must be an X user ID: a string of digits' }),
  external_id: externalId,
  scheduled_after: instant('scheduled_after'),
  scheduled_before: instant('scheduled_before'),
  limit: Joi.string().custom((value: string, helpers) => {
    const limit = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
      return helpers.message({ custom: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
    }
    return limit;
  }),
  cursor: Joi.string().custom((value: string, helpers) => {
    const cursor = decodeCursor(value);
    return cursor ?? helpers.message({ custom: 'cursor is not one this API returned; pass next_cursor from the previous page unchanged' });
  }),
}).messages({ 'string.base': '{{#label}} must be given once' });

/** Validates the list query string, reporting every problem at once. */
export function parseListQuery(query: unknown): ListQuery {
  const value = validate<{
    status?: PostStatus[];
    x_account_id?: string;
    external_id?: string;
    scheduled_after?: Date;
    scheduled_before?: Date;
    limit?: number;
    cursor?: ListCursor;
  }>(listSchema, { ...(query as object) });
  return {
    statuses: value.status,
    xAccountId: value.x_account_id,
    externalId: value.external_id,
    scheduledAfter: value.scheduled_after,
    scheduledBefore: value.scheduled_before,
    limit: value.limit ?? DEFAULT_PAGE_SIZE,
    cursor: value.cursor,
  };
}

/** Encodes the position after a post as an opaque URL-safe string. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.scheduledAt.toISOString(), i: cursor.id })).toString('base64url');
}

function decodeCursor(text: string): ListCursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown };
    const scheduledAt = typeof value.t === 'string' ? new Date(value.t) : undefined;
    if (!scheduledAt || Number.isNaN(scheduledAt.getTime()) || typeof value.i !== 'string' || !isPostId(value.i)) {
      return undefined;
    }
    return { scheduledAt, id: value.i };
  } catch {
    return undefined;
  }
}
