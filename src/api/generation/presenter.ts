import type { GenerationQuota } from '../../domain/generationQuota';
import type { GenerationResult } from '../../domain/generation';

/** Formats a workspace's generation quota for one month as JSON. */
export function presentQuota(quota: GenerationQuota) {
  return {
    month: quota.month,
    limit: quota.limit,
    used: quota.used,
    remaining: quota.remaining,
    resets_at: quota.resetsAt.toISOString(),
  };
}

/** Formats a generation as JSON: the variants, ready to schedule, and the quota left. */
export function presentGeneration(result: GenerationResult) {
  return {
    variants: result.variants.map((variant) => ({ text: variant.text, weighted_length: variant.weightedLength })),
    quota: presentQuota(result.quota),
  };
}
