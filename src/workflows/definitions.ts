import { defineUpdate } from '@temporalio/workflow';

/** A change to a post that has not started publishing; an absent field stays as it is. */
export interface PostEdit {
  text?: string;
  /** ISO 8601 in UTC. */
  scheduledAt?: string;
}

export interface PostEditResult {
  /** The scheduled time in effect after the edit, ISO 8601 in UTC. */
  scheduledAt: string;
}

/**
 * Changes the text or time of a waiting post. Rejected with an ApplicationFailure of type
 * `PostNotEditable` once publishing has started.
 */
export const editPostUpdate = defineUpdate<PostEditResult, [PostEdit]>('editPost');
