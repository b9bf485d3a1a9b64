/**
 * Runs one API process for tests that need several: reads the environment like the real server,
 * listens on a free port on 127.0.0.1 and sends `{ port }` to its parent over IPC.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { connectDatabase } from '../../src/db';
import { createLogger } from '../../src/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', name: 'api-child' });
  const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });

  const server = http.createServer(createApp({ config, logger, temporal }).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });

  process.once('disconnect', () => {
    server.closeAllConnections();
    server.close(async () => {
      await connection.close();
      await sequelize.close();
      process.exit(0);
    });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
