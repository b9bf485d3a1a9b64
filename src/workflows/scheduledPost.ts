import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities, NotificationEventType, PublishOutcome } from '../activities';
import { editPostUpdate, PostEdit, PostEditResult } from './definitions';
import { POST_SEARCH_ATTRIBUTES } from './searchAttributes';

export interface ScheduledPostInput {
  postId: string;
  /** ISO 8601 in UTC. */
  scheduledAt: string;
  /** Wait before each notification retry; its length plus one is the number of attempts. */
  notifyRetryDelaysMs: number[];
}

/** State shared by the edit handler and the workflow's main path. */
interface PostState {
  phase: 'waiting' | 'publishing' | 'done';
  scheduledAtMs: number;
  /** Set by an edit that moved the time, so the wait starts over. */
  timeChanged: boolean;
  /** Edits accepted and not yet finished; publishing waits for them. */
  pendingEdits: number;
  /** True while one edit runs; edits run one at a time so the row and the workflow agree. */
  editing: boolean;
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
 * Waits durably until one post's time (which an edit may move), publishes the post once, then
 * notifies the workspace's notification endpoint. A cancel request before publishing marks the
 * post cancelled and closes the workflow as Canceled. Once publishing has started, it is ignored.
 */
export async function scheduledPostWorkflow(input: ScheduledPostInput): Promise<PublishOutcome> {
  const state: PostState = {
    phase: 'waiting',
    scheduledAtMs: Date.parse(input.scheduledAt),
    timeChanged: false,
    pendingEdits: 0,
    editing: false,
  };
  setHandler(editPostUpdate, (edit) => applyEdit(input.postId, state, edit), {
    validator: (edit) => checkEdit(state, edit),
  });

  try {
    await waitUntilDue(state);
  } catch (error) {
    if (isCancellation(error)) {
      // The workflow is cancelled, so only a non-cancellable scope may still run activities.
      await CancellationScope.nonCancellable(() => recordCancellation(input));
    }
    throw error;
  }

  state.phase = 'publishing';
  // A post handed to X cannot be taken back, so a cancel request from here on waits for the publish
  // and its notification instead of cutting them short and leaving the post half-done. The
  // workflow then completes with the true outcome rather than closing as Canceled.
  const outcome = await CancellationScope.nonCancellable(() => publishAndNotify(input));
  state.phase = 'done';
  if (CancellationScope.current().consideredCancelled) {
    log.warn('Cancel request ignored: it arrived after publishing had started', { postId: input.postId, status: outcome.status });
  }
  return outcome;
}

/**
 * Waits until the post's time. Workflow time is the time of the current workflow task, so
 * `Date.now()` replays deterministically. Each edit of the time restarts the wait, and a due post
 * still waits for accepted edits to finish, so it publishes once, with the latest text and time.
 */
async function waitUntilDue(state: PostState): Promise<void> {
  for (;;) {
    const remainingMs = state.scheduledAtMs - Date.now();
    if (remainingMs > 0) {
      state.timeChanged = false;
      await condition(() => state.timeChanged, remainingMs);
      continue;
    }
    if (state.pendingEdits === 0) {
      return;
    }
    await condition(() => state.pendingEdits === 0);
  }
}

/**
 * Rejects an edit once publishing has started, or one that changes nothing. Runs as the update's
 * validator, so a rejected edit leaves no trace in the history.
 */
function checkEdit(state: PostState, edit: PostEdit): void {
  if (state.phase !== 'waiting') {
    throw ApplicationFailure.nonRetryable('Publishing has started, so the post can no longer be changed.', 'PostNotEditable');
  }
  if (edit.text === undefined && edit.scheduledAt === undefined) {
    throw ApplicationFailure.nonRetryable('An edit needs a new text, a new scheduled time or both.', 'InvalidPostEdit');
  }
  if (edit.scheduledAt !== undefined && Number.isNaN(Date.parse(edit.scheduledAt))) {
    throw ApplicationFailure.nonRetryable(`Invalid scheduled time: ${edit.scheduledAt}`, 'InvalidPostEdit');
  }
}

/**
 * Applies an accepted edit: first to the row (the text is read from there when publishing), then
 * to the wait. The row activity retries until the database takes it, because giving up after a
 * write that did land would leave the row and the workflow disagreeing. Publishing waits for it.
 */
async function applyEdit(postId: string, state: PostState, edit: PostEdit): Promise<PostEditResult> {
  state.pendingEdits += 1;
  try {
    await condition(() => !state.editing);
    state.editing = true;
    try {
      const applied = await records.applyPostEdit({ postId, text: edit.text, scheduledAt: edit.scheduledAt });
      if (!applied) {
        throw ApplicationFailure.nonRetryable('The post is no longer scheduled, so it cannot be changed.', 'PostNotEditable');
      }
      if (edit.scheduledAt !== undefined) {
        state.scheduledAtMs = Date.parse(edit.scheduledAt);
        state.timeChanged = true;
        upsertSearchAttributes([{ key: POST_SEARCH_ATTRIBUTES.scheduledAt, value: new Date(state.scheduledAtMs) }]);
      }
      return { scheduledAt: new Date(state.scheduledAtMs).toISOString() };
    } finally {
      state.editing = false;
    }
  } finally {
    state.pendingEdits -= 1;
  }
}

async function recordCancellation(input: ScheduledPostInput): Promise<void> {
  const cancelled = await records.markPostCancelled({ postId: input.postId });
  if (!cancelled) {
    log.warn('Workflow cancelled but the post was no longer scheduled; its status is left as it is', { postId: input.postId });
    return;
  }
  setPostStatus('cancelled');
  await notify(input, 'post.cancelled');
}

async function publishAndNotify(input: ScheduledPostInput): Promise<PublishOutcome> {
  setPostStatus('publishing');
  let outcome: PublishOutcome;
  try {
    outcome = await publisher.publishPost({ postId: input.postId });
  } catch (error) {
    outcome = await records.recordPublishError({ postId: input.postId, message: failureMessage(error) });
  }
  setPostStatus(outcome.status);
  await notify(input, outcome.status === 'published' ? 'post.published' : 'post.failed');
  return outcome;
}

function setPostStatus(status: 'publishing' | 'cancelled' | PublishOutcome['status']): void {
  upsertSearchAttributes([{ key: POST_SEARCH_ATTRIBUTES.postStatus, value: status }]);
}

async function notify(input: ScheduledPostInput, eventType: NotificationEventType): Promise<void> {
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
    await records.recordNotificationFailure({ postId: input.postId, message: failureMessage(error) });
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) {
    return error.cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
