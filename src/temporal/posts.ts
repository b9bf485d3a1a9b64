import { Client, WorkflowHandle, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { postWorkflowId } from '../workflows/ids';
import type { ScheduledPostInput } from '../workflows/scheduledPost';

export interface StartPostOptions {
  taskQueue: string;
  postId: string;
  scheduledAt: Date;
  notifyRetryDelaysMs: number[];
}

/**
 * Starts the workflow of one scheduled post. Its ID can never be reused, even after the run
 * closes, so no post can run (and publish) twice; a retried start while it runs returns that run.
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
  });
}
