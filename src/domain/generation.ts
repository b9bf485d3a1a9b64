import type { Workspace } from '../db';
import { AppError, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { ChatMessage, StructuredOutputClient } from '../openai/client';
import { buildGenerationMessages, buildRetryMessage, GenerationSubject, Tone, variantsSchema } from './generationPrompt';
import {
  chargeGenerations,
  GenerationQuota,
  getGenerationUsage,
  releaseGenerations,
  reserveGenerations,
} from './generationQuota';
import { checkVariants, GeneratedVariant } from './tweetVariants';

/** Calls to OpenAI per request: the first, plus one retry when the output fails the local checks. */
const MAX_ATTEMPTS = 2;

export interface GenerationContext {
  /** Undefined when no OpenAI API key is configured: every generation is then a 503. */
  openai?: StructuredOutputClient;
  logger: Logger;
  /** The clock that decides which month a generation counts against. */
  clock: () => Date;
}

export interface GenerationInput {
  workspace: Workspace;
  subject: GenerationSubject;
  tone: Tone;
  count: number;
}

export interface GenerationResult {
  variants: GeneratedVariant[];
  quota: GenerationQuota;
}

/**
 * Generates `count` post variants. Reserves them against the monthly quota first, calls OpenAI,
 * checks the output locally and retries once, then charges the variants or releases the
 * reservation. Schedules nothing.
 */
export async function generateVariants(context: GenerationContext, input: GenerationInput): Promise<GenerationResult> {
  const { openai, logger } = context;
  if (!openai) {
    throw new ServiceUnavailableError(
      'generation_unavailable',
      'Text generation is not configured on this server (no OpenAI API key). Scheduling posts still works.',
    );
  }

  const reservation = await reserveGenerations({
    workspace: input.workspace,
    count: input.count,
    now: context.clock(),
    // Longer than any call can last, so only the reservation of a crashed process is released.
    staleAfterMs: MAX_ATTEMPTS * openai.timeoutMs + 60_000,
  });
  const log = logger.child({ workspaceId: input.workspace.id, reservationId: reservation.id });
  const startedAt = Date.now();
  let variants: GeneratedVariant[];
  try {
    variants = await writeVariants(openai, input, log);
  } catch (error) {
    await releaseGenerations(reservation);
    log.warn({ code: (error as AppError).code, durationMs: Date.now() - startedAt }, 'generation failed; nothing charged');
    throw error;
  }

  await chargeGenerations(reservation);
  log.info({ subject: input.subject.kind, tone: input.tone, variants: variants.length, durationMs: Date.now() - startedAt }, 'generation charged');
  return { variants, quota: await getGenerationUsage(input.workspace, context.clock()) };
}

async function writeVariants(openai: StructuredOutputClient, input: GenerationInput, log: Logger): Promise<GeneratedVariant[]> {
  const messages: ChatMessage[] = buildGenerationMessages(input.subject, input.tone, input.count);
  const url = input.subject.kind === 'article' ? input.subject.url : undefined;
  let problems: string[] = [];

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const retryNote = problems.length > 0 ? [buildRetryMessage(problems)] : [];
    const completion = await openai.complete({
      messages: [...messages, ...retryNote],
      schemaName: 'post_variants',
      schema: variantsSchema(input.count),
    });
    if (completion.refusal) {
      throw new AppError(422, 'generation_refused', `The model declined to write about this: ${completion.refusal}`);
    }

    const checked = checkVariants(completion.content, { count: input.count, url });
    if (checked.ok) {
      return checked.variants;
    }
    problems = checked.problems;
    log.warn({ attempt, problems, finishReason: completion.finishReason }, 'generated output rejected');
  }

  throw new AppError(
    502,
    'generation_invalid_output',
    `The text generator returned unusable output twice (${problems.join('; ')}); nothing was charged. Try again.`,
    { problems },
  );
}
