/** The Temporal workflow ID of a scheduled post: its API ID with a `post-` prefix. */
export function postWorkflowId(postId: string): string {
  return `post-${postId}`;
}
