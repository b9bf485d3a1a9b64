/**
 * Health check for a worker container: exits 0 when the configured task queue has a workflow poller,
 * that is, when some worker is connected and asking for work. Temporal keeps a poller listed for a
 * few minutes after it stops, so a stopped worker is reported unhealthy with that delay.
 */
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';

/** `TASK_QUEUE_TYPE_WORKFLOW` in temporal/api/enums/v1/task_queue.proto. */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.temporal.address) {
    console.error('TEMPORAL_ADDRESS is not set.');
    return 1;
  }
  const connection = await Connection.connect({
    address: config.temporal.address,
    tls: config.temporal.tls ? {} : undefined,
    apiKey: config.temporal.apiKey,
    connectTimeout: '5s',
  });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.temporal.taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (!pollers || pollers.length === 0) {
      console.error(`No worker polls task queue ${config.temporal.taskQueue}.`);
      return 1;
    }
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Worker health check failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
