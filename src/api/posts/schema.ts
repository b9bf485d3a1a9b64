import Joi from 'joi';
import { ValidationError, FieldProblem } from '../../errors';
import { checkTweetText } from '../../domain/tweetText';
import { parseInstant } from '../../domain/scheduleTime';

/** A time this far in the past still means "now", to absorb clock skew and queueing. */
export const PAST_TOLERANCE_MS = 60_000;
/** The latest a post may be scheduled, in days from now. 366 days reach the same date next year even across February 29. */
export const MAX_SCHEDULE_AHEAD_DAYS = 366;
export const MAX_SCHEDULE_AHEAD_MS = MAX_SCHEDULE_AHEAD_DAYS * 24 * 3_600_000;

/** The schedule request after validation: text in NFC, time as an instant. */
export interface ScheduleRequest {
  text: string;
  scheduledAt: Date;
  xAccountId: string;
  externalId?: string;
}

/** Joi schema of tweet text, checked and normalised (NFC) the way X counts it. */
export const tweetText = Joi.string().custom((value: string, helpers) => {
  const result = checkTweetText(value);
  return result.ok ? result.text : helpers.message({ custom: `text ${result.message}` });
});

/** Joi schema of an instant with an offset, from about now to 366 days ahead, converted to a Date. */
export const scheduledAt = Joi.string().custom((value: string, helpers) => {
  const parsed = parseInstant(value);
  if (!parsed.ok) {
    return helpers.message({ custom: `scheduled_at ${parsed.message}` });
  }
  const now = Date.now();
  if (parsed.instant.getTime() < now - PAST_TOLERANCE_MS) {
    return helpers.message({ custom: `scheduled_at is in the past (${parsed.instant.toISOString()}); send a future time, or now.` });
  }
  if (parsed.instant.getTime() > now + MAX_SCHEDULE_AHEAD_MS) {
    return helpers.message({ custom: `scheduled_at is more than ${MAX_SCHEDULE_AHEAD_DAYS} days ahead.` });
  }
  return parsed.instant;
});

/** Joi schema of the caller's own post ID. Control characters such as NUL are rejected before they reach SQL. */
export const externalId = Joi.string()
  .min(1)
  .max(200)
  .pattern(/^[^\p{Cc}]+$/u)
  .messages({ 'string.pattern.base': 'external_id must not contain control characters' });

const scheduleSchema = Joi.object({
  text: tweetText.required(),
  scheduled_at: scheduledAt.required(),
  x_account_id: Joi.string()
    .pattern(/^\d{1,20}$/)
    .required()
    .messages({ 'string.pattern.base': 'x_account_id must be an X user ID: a string of digits' }),
  external_id: externalId,
});

/** Validates a schedule body, reporting every problem at once. */
export function parseScheduleRequest(body: unknown): ScheduleRequest {
  const value = validate<{ text: string; scheduled_at: Date; x_account_id: string; external_id?: string }>(scheduleSchema, body);
  return { text: value.text, scheduledAt: value.scheduled_at, xAccountId: value.x_account_id, externalId: value.external_id };
}

/** Runs a joi schema without type conversion and throws a ValidationError listing every problem. */
export function validate<T>(schema: Joi.Schema, body: unknown): T {
  const { value, error } = schema.validate(body, {
    abortEarly: false,
    convert: false,
    errors: { wrap: { label: false } },
  });
  if (error) {
    const problems: FieldProblem[] = error.details.map((detail) => ({
      field: detail.path.join('.') || '(body)',
      message: detail.type === 'object.unknown' ? `${detail.path.join('.')} is not a known field` : detail.message,
    }));
    throw new ValidationError(problems);
  }
  return value as T;
}
