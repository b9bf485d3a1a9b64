import Joi from 'joi';
import { GenerationSubject, Tone, TONE_NAMES } from '../../domain/generationPrompt';
import { validate } from '../posts/schema';

export const MAX_TOPIC_LENGTH = 500;
export const MAX_TITLE_LENGTH = 300;
export const MAX_EXCERPT_LENGTH = 5_000;
export const MAX_URL_LENGTH = 2_048;
export const MAX_VARIANTS = 5;
export const DEFAULT_TONE: Tone = 'professional';

/** A validated generation request. */
export interface GenerationRequestBody {
  subject: GenerationSubject;
  tone: Tone;
  count: number;
}

/** Requires at least one visible character, so a topic of spaces is rejected rather than sent. */
const visibleText = (field: string, maxLength: number) => Joi.string()
  .max(maxLength)
  .pattern(/[^\p{White_Space}\p{Cf}]/u)
  .messages({
    'string.empty': `${field} must not be empty`,
    'string.pattern.base': `${field} must contain visible characters`,
    'string.max': `${field} must be at most ${maxLength} characters`,
  });

const tone = Joi.string()
  .valid(...TONE_NAMES)
  .default(DEFAULT_TONE)
  .messages({ 'any.only': `tone must be one of: ${TONE_NAMES.join(', ')}` });

const variants = (defaultCount: number) => Joi.number()
  .integer()
  .min(1)
  .max(MAX_VARIANTS)
  .default(defaultCount)
  .messages({
    'number.base': `variants must be an integer from 1 to ${MAX_VARIANTS}`,
    'number.integer': `variants must be an integer from 1 to ${MAX_VARIANTS}`,
    'number.min': `variants must be an integer from 1 to ${MAX_VARIANTS}`,
    'number.max': `variants must be an integer from 1 to ${MAX_VARIANTS}`,
  });

const topicSchema = Joi.object({
  topic: visibleText('topic', MAX_TOPIC_LENGTH).required(),
  tone,
  variants: variants(1),
});

const articleSchema = Joi.object({
  title: visibleText('title', MAX_TITLE_LENGTH).required(),
  excerpt: visibleText('excerpt', MAX_EXCERPT_LENGTH).required(),
  url: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .max(MAX_URL_LENGTH)
    .messages({ 'string.uri': 'url must be an absolute http or https URL', 'string.uriCustomScheme': 'url must be an absolute http or https URL' }),
  tone,
  variants: variants(3),
});

/** Validates `POST /generate`: `{ topic, tone?, variants? }`, reporting every problem at once. */
export function parseTopicRequest(body: unknown): GenerationRequestBody {
  const value = validate<{ topic: string; tone: Tone; variants: number }>(topicSchema, body);
  return { subject: { kind: 'topic', topic: value.topic.trim() }, tone: value.tone, count: value.variants };
}

/** Validates `POST /generate/article`: `{ title, excerpt, url?, tone?, variants? }`. */
export function parseArticleRequest(body: unknown): GenerationRequestBody {
  const value = validate<{ title: string; excerpt: string; url?: string; tone: Tone; variants: number }>(articleSchema, body);
  return {
    subject: { kind: 'article', title: value.title.trim(), excerpt: value.excerpt.trim(), ...(value.url ? { url: value.url } : {}) },
    tone: value.tone,
    count: value.variants,
  };
}
