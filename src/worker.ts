import { bundleWorkflowCode, NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Sequelize } from 'sequelize';
import { createActivities } from './activities';
import { Config, ConfigError, loadConfig } from './config';
import { connectDatabase, migrate } from './db';
import { loadSecretBox } from './domain/secrets';
import { createLogger, Logger } from './logger';
import { createBundlerLogger, installTemporalLogger } from './temporal/logging';
import { XClientFactory } from './x/client';

export interface WorkerDependencies {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  connection: NativeConnection;
  /** Prebuilt workflow bundle (tests bundle once per file); when absent, the worker bundles from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** Creates the worker that runs post workflows and their activities; `run()` it and `shutdown()` to stop. */
export async function createWorker(deps: WorkerDependencies): Promise<{ worker: Worker; xClients: XClientFactory }> {
  const xClients = new XClientFactory(deps.config.x);
  const activities = createActivities({
    config: deps.config,
    sequelize: deps.sequelize,
    secrets: loadSecretBox(deps.config),
    xClients,
    logger: deps.logger,
  });
  // Bundled here rather than by Worker.create, whose bundler logs webpack's statistics at INFO.
  const workflowBundle = deps.workflowBundle
    ?? (await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: createBundlerLogger(deps.logger) }));
  const worker = await Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporal.namespace,
    taskQueue: deps.config.temporal.taskQueue,
    activities,
    workflowBundle,
    // Let a publish or delivery in flight finish on SIGTERM instead of being cancelled at once.
    shutdownGraceTime: '30s',
  });
  return { worker, xClients };
}

/** Connects the worker to the configured Temporal server. */
export function connectWorker(config: Config): Promise<NativeConnection> {
  if (!config.temporal.address) {
    throw new Error('TEMPORAL_ADDRESS is not set; run `npm run dev` to start a local Temporal server with the worker.');
  }
  return NativeConnection.connect({
    address: config.temporal.address,
    tls: config.temporal.tls ? {} : undefined,
    apiKey: config.temporal.apiKey,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development', name: 'worker' });
  installTemporalLogger(logger);
  const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await migrate(sequelize, logger);
  const connection = await connectWorker(config);
  const { worker, xClients } = await createWorker({ config, logger, sequelize, connection });

  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  // Worker.run installs SIGINT and SIGTERM handlers that shut it down gracefully.
  await worker.run();
  await connection.close();
  xClients.close();
  await sequelize.close();
  logger.info('worker stopped');
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
