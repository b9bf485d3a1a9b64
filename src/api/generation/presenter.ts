import type { GenerationQuota } from '../../domain/generationQuota';
import type { GenerationResult } from '../../domain/generation';

/** The JSON shape of a workspace's generation quota for the current month. */
export function presentQuota(quota: GenerationQuota) {
  return {
    month: quota.month,
    limit: quota.limit,
    used: quota.used,
    remaining: quota.remaining,
    resets_at: quota.resetsAt.toISOString(),
  };
}

/** The JSON shape of a generation: the variants, ready to schedule, and the quota left. */
export function presentGeneration(result: GenerationResult) {
  return {
    variants: result.variants.map((variant) => ({ text: variant.text, weighted_length: variant.weightedLength })),
    quota: presentQuota(result.quota),
  };
}
