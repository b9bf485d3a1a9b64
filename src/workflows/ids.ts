/** Builds the Temporal workflow ID of a scheduled post: its API ID with a `post-` prefix. */
export function postWorkflowId(postId: string): string {
  return `post-${postId}`;
}

/** Extracts a scheduled post's API ID from its workflow ID; undefined for other workflows. */
export function postIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith('post-') ? workflowId.slice('post-'.length) : undefined;
}
