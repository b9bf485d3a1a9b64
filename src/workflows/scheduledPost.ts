import { ActivityFailure, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, PublishOutcome } from '../activities';

export interface ScheduledPostInput {
  postId: string;
  /** ISO 8601 in UTC. */
  scheduledAt: string;
  /** Wait before each notification retry; its length plus one is the number of attempts. */
  notifyRetryDelaysMs: number[];
}

const records = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

// A thrown publish error means nothing reached X (429, database or token refresh trouble): the
// activity itself turns every call whose outcome is unknown into a returned `unknown` outcome.
const publisher = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 10 },
});

/**
 * One scheduled post: sleeps durably until its time, publishes it once, then notifies the
 * workspace's notification endpoint.
 */
export async function scheduledPostWorkflow(input: ScheduledPostInput): Promise<PublishOutcome> {
  // Workflow time is deterministic (the time of the current workflow task), so this replays safely.
  await sleep(Math.max(0, Date.parse(input.scheduledAt) - Date.now()));

  let outcome: PublishOutcome;
  try {
    outcome = await publisher.publishPost({ postId: input.postId });
  } catch (error) {
    if (isCancellation(error)) {
      throw error;
    }
    outcome = await records.recordPublishError({ postId: input.postId, message: failureMessage(error) });
  }

  await notify(input, outcome.status === 'published' ? 'post.published' : 'post.failed');
  return outcome;
}

async function notify(input: ScheduledPostInput, eventType: 'post.published' | 'post.failed'): Promise<void> {
  const delays = input.notifyRetryDelaysMs;
  const notifier = proxyActivities<Activities>({
    // Each attempt's own HTTP timeout is shorter; this bounds a stuck worker.
    startToCloseTimeout: '30s',
    retry: {
      // The activity picks each delay itself (nextRetryDelay). These intervals only apply when an
      // attempt times out or its worker dies, and follow the same schedule as closely as a policy can.
      initialInterval: delays[0] ?? 1000,
      backoffCoefficient: delays.length > 1 ? Math.max(1, delays[1] / delays[0]) : 1,
      maximumInterval: delays[delays.length - 1] ?? 1000,
      maximumAttempts: delays.length + 1,
    },
  });
  try {
    await notifier.deliverNotification({ postId: input.postId, eventType });
  } catch (error) {
    if (isCancellation(error)) {
      throw error;
    }
    await records.recordNotificationFailure({ postId: input.postId, message: failureMessage(error) });
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) {
    return error.cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
