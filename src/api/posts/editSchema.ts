import Joi from 'joi';
import { scheduledAt, tweetText, validate } from './schema';

/** A validated PATCH body: at least one of the two. */
export interface EditRequest {
  text?: string;
  scheduledAt?: Date;
}

const editSchema = Joi.object({
  text: tweetText,
  scheduled_at: scheduledAt,
})
  .or('text', 'scheduled_at')
  .messages({ 'object.missing': 'Send text, scheduled_at or both.' });

/** Validates a PATCH body with the same rules as scheduling, reporting every problem at once. */
export function parseEditRequest(body: unknown): EditRequest {
  const value = validate<{ text?: string; scheduled_at?: Date }>(editSchema, body);
  return { text: value.text, scheduledAt: value.scheduled_at };
}
