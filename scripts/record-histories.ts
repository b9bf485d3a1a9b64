/**
 * Records the workflow histories the replay test checks (test/fixtures/histories/*.json): a post
 * still waiting after an edit, a published post and a cancelled post. Run it only after a
 * deliberate change to the workflow's commands, guarded by `patched()` so running workflows keep
 * replaying, and commit the new fixtures beside the old ones. Needs the same MariaDB as `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli, startTemporalDevServer } from '../src/dev/temporalServer';
import { SEARCH_ATTRIBUTE_FLAGS } from '../src/temporal/searchAttributes';

async function main(): Promise<void> {
  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
  if (!cliPath) {
    throw new Error('The Temporal CLI was not found; set TEMPORAL_CLI_PATH.');
  }
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autotweet-histories-')), 'temporal.log');
  const server = await startTemporalDevServer({ cliPath, searchAttributes: SEARCH_ATTRIBUTE_FLAGS, logFile });
  process.env.TEMPORAL_ADDRESS = server.address;
  // Imported after TEMPORAL_ADDRESS is set, which the test stack reads.
  const { TestStack } = await import('../test/helpers/stack');
  const { NotificationReceiver } = await import('../test/helpers/receiver');
  const { inSeconds, schedulePost } = await import('../test/helpers/posts');
  const { saveHistory } = await import('../test/helpers/histories');

  const stack = await TestStack.start();
  const receiver = new NotificationReceiver();
  await receiver.start();
  try {
    const tenant = await stack.createTenant({ notificationUrl: receiver.url });
    const save = async (name: string, workflowId: string) => {
      const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
      saveHistory(name, history);
      console.log(`recorded ${name}.json (${history.events?.length} events)`);
    };

    const sleeping = await schedulePost(stack, tenant, { text: 'Recorded while sleeping', scheduledAt: inSeconds(3600) });
    await stack.request('PATCH', `/api/webhooks/posts/${sleeping.body.id}`, {
      token: tenant.token,
      body: { text: 'Recorded while sleeping, edited', scheduled_at: inSeconds(7200) },
    });
    await save('sleeping', sleeping.body.workflow_id);

    const published = await schedulePost(stack, tenant, { text: 'Recorded once published', scheduledAt: inSeconds(2) });
    await stack.client.workflow.getHandle(published.body.workflow_id).result();
    await save('published', published.body.workflow_id);

    const cancelled = await schedulePost(stack, tenant, { text: 'Recorded once cancelled', scheduledAt: inSeconds(3600) });
    await stack.client.workflow.getHandle(cancelled.body.workflow_id).cancel();
    await stack.client.workflow.getHandle(cancelled.body.workflow_id).result().catch(() => undefined);
    await save('cancelled', cancelled.body.workflow_id);
  } finally {
    await receiver.stop();
    await stack.stop();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
