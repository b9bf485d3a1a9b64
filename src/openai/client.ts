import OpenAI from 'openai';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { translateOpenAIError } from './errors';

/** One message of a chat completion request. */
export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** The model's response to a structured-output request, not yet parsed or checked. */
export interface StructuredCompletion {
  content: string | null;
  /** The model's reason for declining the request, in which case `content` is null. */
  refusal: string | null;
  finishReason: string | null;
}

/** The part of OpenAI the generation code needs: one chat completion constrained by a JSON schema. */
export interface StructuredOutputClient {
  /** Maximum time in ms that one call may take before it fails with `generation_timeout`. */
  readonly timeoutMs: number;
  /** Sends one request. Throws an AppError with a `generation_*` code when OpenAI fails. */
  complete(request: { messages: ChatMessage[]; schemaName: string; schema: Record<string, unknown> }): Promise<StructuredCompletion>;
}

/**
 * Builds the OpenAI adapter from config, or returns undefined when no API key is set, so the rest of
 * the service runs without one.
 */
export function createOpenAIClient(settings: Config['openai'], logger: Logger): StructuredOutputClient | undefined {
  if (!settings.apiKey) {
    return undefined;
  }
  const openai = new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs,
    // The generation code retries once itself, and only when the output fails validation. A
    // retry inside the SDK would double the wait on timeouts and rate limits.
    maxRetries: 0,
  });
  const log = logger.child({ component: 'openai', model: settings.model });

  return {
    timeoutMs: settings.timeoutMs,
    async complete(request) {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await openai.chat.completions.create({
          model: settings.model,
          messages: request.messages,
          response_format: {
            type: 'json_schema',
            json_schema: { name: request.schemaName, strict: true, schema: request.schema },
          },
        });
      } catch (error) {
        throw translateOpenAIError(error, log);
      }
      const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
      if (!choice?.message) {
        log.error({ completionId: completion?.id }, 'OpenAI returned no chat completion');
        throw new AppError(502, 'generation_upstream_error', 'The text generator returned a response that could not be parsed; nothing was charged. Try again later.');
      }
      return {
        content: choice.message.content ?? null,
        refusal: choice.message.refusal ?? null,
        finishReason: choice.finish_reason ?? null,
      };
    },
  };
}
