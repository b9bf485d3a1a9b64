import {
  Client,
  WorkflowExecutionStatusName,
  WorkflowHandle,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { editPostUpdate, PostEdit, PostEditResult } from '../workflows/definitions';
import { postIdFromWorkflowId, postWorkflowId } from '../workflows/ids';
import type { ScheduledPostInput } from '../workflows/scheduledPost';
import { POST_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

export interface StartPostOptions {
  taskQueue: string;
  postId: string;
  workspaceId: string;
  /** X's user ID of the account, shown in the Web UI. */
  xAccountId: string;
  text: string;
  scheduledAt: Date;
  notifyRetryDelaysMs: number[];
}

/** Characters of the text shown in the Web UI's summary of a post workflow. */
const SUMMARY_TEXT_LENGTH = 60;

/**
 * Starts the workflow of one scheduled post. Its ID can never be reused, even after the run
 * closes, so no post can run (and publish) twice. A retried start while it runs returns that run.
 */
export async function startPostWorkflow(client: Client, options: StartPostOptions): Promise<WorkflowHandle> {
  const input: ScheduledPostInput = {
    postId: options.postId,
    scheduledAt: options.scheduledAt.toISOString(),
    notifyRetryDelaysMs: options.notifyRetryDelaysMs,
  };
  return client.workflow.start('scheduledPostWorkflow', {
    taskQueue: options.taskQueue,
    workflowId: postWorkflowId(options.postId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    args: [input],
    typedSearchAttributes: [
      { key: POST_SEARCH_ATTRIBUTES.workspaceId, value: options.workspaceId },
      { key: POST_SEARCH_ATTRIBUTES.xAccountId, value: options.xAccountId },
      { key: POST_SEARCH_ATTRIBUTES.scheduledAt, value: options.scheduledAt },
      { key: POST_SEARCH_ATTRIBUTES.postStatus, value: 'scheduled' },
    ],
    // Set once at start: an edit of the text or time does not change it.
    staticSummary: `${input.scheduledAt} · ${textStart(options.text)}`,
  });
}

/** The result of asking a post's workflow to change the post. */
export type EditPostResult =
  | { status: 'applied'; result: PostEditResult }
  | { status: 'rejected'; reason: string }
  | { status: 'workflow_closed' };

/**
 * Sends an edit to a post's workflow through a Temporal Update and waits for it to be applied, so
 * the caller learns whether it took. Throws when the deadline passes first; the edit may still be
 * applied later if the workflow had accepted it.
 */
export async function editPostWorkflow(client: Client, postId: string, edit: PostEdit, timeoutMs: number): Promise<EditPostResult> {
  const handle = client.workflow.getHandle(postWorkflowId(postId));
  try {
    const result = await client.withDeadline(Date.now() + timeoutMs, () => handle.executeUpdate(editPostUpdate, { args: [edit] }));
    return { status: 'applied', result };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      return { status: 'rejected', reason: error.cause.message };
    }
    if (error instanceof WorkflowNotFoundError) {
      return { status: 'workflow_closed' };
    }
    throw error;
  }
}

/**
 * Requests cancellation of a post's workflow, as the Web UI and `temporal workflow cancel` do.
 * Returns false when the workflow is closed or missing.
 */
export async function requestPostCancellation(client: Client, postId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(postWorkflowId(postId)).cancel();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      return false;
    }
    throw error;
  }
}

/** Describes a post's workflow and returns its execution status, or `NOT_FOUND` when Temporal has no such workflow. */
export async function postWorkflowStatus(client: Client, postId: string): Promise<WorkflowExecutionStatusName | 'NOT_FOUND'> {
  try {
    const description = await client.workflow.getHandle(postWorkflowId(postId)).describe();
    return description.status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      return 'NOT_FOUND';
    }
    throw error;
  }
}

/**
 * Finds the posts among `postIds` whose workflows were terminated or timed out. Neither runs any
 * workflow code, so the post's row stays as it was. Uses one visibility query, which can lag the
 * workflow by about a second.
 */
export async function findPostsWithAbortedWorkflows(client: Client, postIds: string[]): Promise<Map<string, WorkflowExecutionStatusName>> {
  const aborted = new Map<string, WorkflowExecutionStatusName>();
  if (postIds.length === 0) {
    return aborted;
  }
  const ids = postIds.map((id) => `'${postWorkflowId(id)}'`).join(', ');
  const query = `WorkflowId IN (${ids}) AND ExecutionStatus IN ('Terminated', 'TimedOut')`;
  for await (const execution of client.workflow.list({ query })) {
    const postId = postIdFromWorkflowId(execution.workflowId);
    if (postId) {
      aborted.set(postId, execution.status.name);
    }
  }
  return aborted;
}

/** Cuts a text to its first characters, never inside a surrogate pair. */
function textStart(text: string): string {
  const characters = Array.from(text.replace(/\s+/g, ' '));
  return characters.length <= SUMMARY_TEXT_LENGTH ? characters.join('') : `${characters.slice(0, SUMMARY_TEXT_LENGTH).join('')}…`;
}
