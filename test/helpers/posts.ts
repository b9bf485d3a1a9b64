import type { TestStack } from './stack';

/** Returns the ISO 8601 UTC time `seconds` from now. */
export function inSeconds(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

/** Schedules a post through the API as a tenant would; returns the raw response. */
export function schedulePost(
  stack: TestStack,
  tenant: { token: string; xUserId: string },
  options: { text: string; scheduledAt: string; externalId?: string; headers?: Record<string, string> },
) {
  return stack.request('POST', '/api/webhooks/schedule', {
    token: tenant.token,
    headers: options.headers,
    body: {
      text: options.text,
      scheduled_at: options.scheduledAt,
      x_account_id: tenant.xUserId,
      ...(options.externalId === undefined ? {} : { external_id: options.externalId }),
    },
  });
}
