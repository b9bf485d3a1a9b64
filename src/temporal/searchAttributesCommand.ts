/**
 * Registers the search attributes the post workflows use on the configured Temporal namespace.
 * Deployments run it once before the worker starts (see docker-compose.yml); it is safe to run again.
 */
import dotenv from 'dotenv';
import { Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config';
import { registerSearchAttributes, SEARCH_ATTRIBUTE_FLAGS } from './searchAttributes';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  if (!config.temporal.address) {
    throw new Error('TEMPORAL_ADDRESS is not set; point it at the Temporal server whose namespace needs the search attributes.');
  }
  const connection = await Connection.connect({
    address: config.temporal.address,
    tls: config.temporal.tls ? {} : undefined,
    apiKey: config.temporal.apiKey,
  });
  try {
    const added = await registerSearchAttributes(connection, config.temporal.namespace);
    console.log(
      added.length > 0
        ? `Registered search attributes on namespace ${config.temporal.namespace}: ${added.join(', ')}.`
        : `Namespace ${config.temporal.namespace} already has the ${SEARCH_ATTRIBUTE_FLAGS.length} search attribute(s) the workflows use.`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error(`Registering search attributes failed: ${error instanceof ConfigError ? error.message : (error as Error).message}`);
  process.exit(1);
});
