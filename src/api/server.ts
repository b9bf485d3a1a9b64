import http from 'node:http';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { connectDatabase, migrate } from '../db';
import { createLogger } from '../logger';
import { connectTemporalClient } from '../temporal/connection';
import { createApp } from './app';

/** Starts the API process: validates config, migrates, connects to Temporal, listens, stops on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development', name: 'api' });
  if (!config.temporal.address) {
    throw new Error('TEMPORAL_ADDRESS is not set; run `npm run dev` to start a local Temporal server with the API.');
  }
  const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await migrate(sequelize, logger);
  const temporal: Client = await connectTemporalClient({ ...config.temporal, address: config.temporal.address });

  const server = http.createServer(createApp({ config, logger, temporal }).callback());
  server.listen(config.port, config.host, () => logger.info({ host: config.host, port: config.port }, 'API listening'));

  const stop = () => {
    logger.info('API stopping');
    server.close(async () => {
      await temporal.connection.close();
      await sequelize.close();
      logger.info('API stopped');
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open.
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
