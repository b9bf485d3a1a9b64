import { APIConnectionError, APIConnectionTimeoutError, APIError, RateLimitError } from 'openai';
import { AppError, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';

/**
 * Translates a failed OpenAI call into an AppError with a stable code. OpenAI's own message is
 * logged, never sent to the caller, because some of its messages quote part of the API key.
 */
export function translateOpenAIError(error: unknown, logger: Logger): AppError {
  if (error instanceof APIConnectionTimeoutError) {
    logger.warn('OpenAI call timed out');
    return new AppError(504, 'generation_timeout', 'The request to the text generator timed out; nothing was charged. Try again.');
  }
  if (error instanceof APIConnectionError) {
    logger.error({ cause: describeCause(error) }, 'OpenAI could not be reached');
    return new AppError(502, 'generation_upstream_error', 'The text generator could not be reached; nothing was charged. Try again later.');
  }
  if (!(error instanceof APIError)) {
    logger.error({ err: error }, 'OpenAI call failed');
    return new AppError(502, 'generation_upstream_error', 'The text generator returned a response that could not be parsed; nothing was charged. Try again later.');
  }

  const fields = { status: error.status, code: error.code, type: error.type, openaiRequestId: error.requestID };
  if (error instanceof RateLimitError && error.code === 'insufficient_quota') {
    // A 429 like a rate limit, but it lasts until someone adds credit to the OpenAI account.
    logger.error(fields, 'OpenAI account has no quota left');
    return new ServiceUnavailableError(
      'generation_account_exhausted',
      'Text generation is unavailable: the service has used up its OpenAI credit. Nothing was charged; contact the operator of this service.',
    );
  }
  if (error instanceof RateLimitError) {
    const retryAfterSeconds = retryAfter(error.headers);
    logger.warn({ ...fields, retryAfterSeconds }, 'OpenAI rate limit reached');
    return new ServiceUnavailableError(
      'generation_rate_limited',
      'The text generator is rate limited right now; nothing was charged. Try again later.',
      retryAfterSeconds,
    );
  }
  if (error.status === 401 || error.status === 403) {
    logger.error(fields, 'OpenAI rejected the API key');
    return new ServiceUnavailableError(
      'generation_unavailable',
      'Text generation is unavailable: OpenAI rejected this service\'s API key. Nothing was charged; contact the operator of this service.',
    );
  }
  logger.error(fields, 'OpenAI call failed');
  return new AppError(502, 'generation_upstream_error', `The text generator failed (status ${error.status ?? 'unknown'}); nothing was charged. Try again later.`);
}

/** Whole seconds to wait from OpenAI's `retry-after-ms` or `retry-after` header (seconds or HTTP date). */
function retryAfter(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds > 0) {
    return Math.ceil(milliseconds / 1000);
  }
  const value = headers?.get('retry-after');
  if (!value) {
    return undefined;
  }
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

function describeCause(error: APIConnectionError): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : undefined;
}
