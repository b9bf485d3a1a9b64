import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** Connects a Temporal client to the configured server (a dev server, self-hosted or Temporal Cloud). */
export async function connectTemporalClient(config: Config['temporal'] & { address: string }): Promise<Client> {
  const connection = await Connection.connect({
    address: config.address,
    tls: config.tls ? {} : undefined,
    apiKey: config.apiKey,
  });
  return new Client({ connection, namespace: config.namespace });
}
