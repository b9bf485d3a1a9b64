import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config';
import { connectDatabase, migrate } from '../db';
import { createLogger } from '../logger';
import { connectTemporalClient } from '../temporal/connection';
import { ApiDependencies, createApp } from './app';

/** A listening API server. */
export interface ApiServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops accepting connections and resolves once requests in flight have finished. */
  close(): Promise<void>;
}

/** Starts the Koa app on `config.host` and `config.port` (0 picks a free port). */
export async function startApiServer(deps: ApiDependencies): Promise<ApiServer> {
  const server = http.createServer(createApp(deps).callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.port, deps.config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = deps.config.host.includes(':') ? `[${deps.config.host}]` : deps.config.host;
  const url = `http://${host}:${port}`;
  deps.logger.info({ url }, 'API listening');

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections would hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/** Runs the API process: validates config, migrates, connects to Temporal, listens, stops on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development', name: 'api' });
  if (!config.temporal.address) {
    throw new Error('TEMPORAL_ADDRESS is not set; run `npm run dev` to start a local Temporal server with the API.');
  }
  const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await migrate(sequelize, logger);
  const temporal: Client = await connectTemporalClient({ ...config.temporal, address: config.temporal.address });
  const api = await startApiServer({ config, logger, temporal });

  const stop = async () => {
    logger.info('API stopping');
    await api.close();
    await temporal.connection.close();
    await sequelize.close();
    logger.info('API stopped');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received');
    stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'API did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
