import type { Command } from 'commander';
import net from 'node:net';
import { setNotificationEndpoint } from '../domain/admin';
import { blockedAddressReason } from '../notifications/send';
import type { CliContext } from './context';

/** Adds the `webhooks` command group. */
export function registerWebhookCommands(program: Command, context: CliContext): Command {
  const webhooks = program.command('webhooks').description("Manage the workspace's notification endpoint.");

  webhooks
    .command('set')
    .description(
      'Set the URL that receives signed post.published and post.failed notifications, with a new signing secret ' +
        'printed once. Setting it again replaces the URL and the secret.',
    )
    .requiredOption('--workspace <id>', 'ID of the workspace')
    .requiredOption('--url <url>', 'https URL of the notification endpoint')
    .action(async (options: { workspace: string; url: string }, command: Command) => {
      const { config, secrets } = await context.open();

      const { endpoint, signingSecret } = await setNotificationEndpoint(secrets, { workspaceId: options.workspace, url: options.url });

      context.printResult(command, {
        json: { id: endpoint.id, workspace_id: endpoint.workspaceId, url: endpoint.url, signing_secret: signingSecret },
        text: [
          `Notification endpoint for workspace ${endpoint.workspaceId} set to ${endpoint.url}.`,
          '',
          `  Signing secret: ${signingSecret}`,
          '',
          'Verify each notification with it (Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers).',
        ],
      });
      context.warn('Copy the signing secret now: it will not be shown again.');
      const hostname = new URL(endpoint.url).hostname.replace(/^\[|\]$/g, '');
      const isPrivate = hostname === 'localhost' || (net.isIP(hostname) !== 0 && blockedAddressReason(hostname) !== undefined);
      if (isPrivate && !config.notify.allowPrivateUrls) {
        context.warn(`Note: ${hostname} is not a public address, so the worker will reject deliveries to it unless it runs with ALLOW_PRIVATE_WEBHOOK_URLS=true (not set in this environment or .env).`);
      }
    });

  return webhooks;
}
