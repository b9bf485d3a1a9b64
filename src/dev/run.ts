/**
 * `npm run dev`: runs the API and the worker in one process on the embedded defaults. It loads `.env`,
 * validates config, applies migrations and, unless TEMPORAL_ADDRESS is set, starts a Temporal dev
 * server with its Web UI. Ctrl-C or SIGTERM stops everything in order.
 */
import dotenv from 'dotenv';
import type { Client, Connection } from '@temporalio/client';
import { startApiServer } from '../api/server';
import { Config, loadConfig } from '../config';
import { connectDatabase, migrate } from '../db';
import { createLogger, Logger } from '../logger';
import { connectTemporalClient } from '../temporal/connection';
import { installTemporalLogger } from '../temporal/logging';
import { registerSearchAttributes } from '../temporal/searchAttributes';
import { connectWorker, createWorker } from '../worker';
import { LocalTemporal, startLocalTemporal } from './localTemporal';

/** Signals this soon after the first are taken as copies of it rather than a second Ctrl-C. */
const DUPLICATE_SIGNAL_WINDOW_MS = 1_000;

/** Cleanup steps, run in reverse order of registration when the process stops. */
type StopStep = { name: string; run: () => Promise<void> | void };

/** Called when a part of the running service fails; logs the failure and stops the process. */
type FailureHandler = (fields: Record<string, unknown>, message: string) => void;

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development', name: 'dev' });
  installTemporalLogger(logger);
  const stopSteps: StopStep[] = [];
  // Runs the steps once, because a failure during start can call it both from `onFailure` and from
  // the catch below.
  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= (async () => {
      for (const step of [...stopSteps].reverse()) {
        try {
          await step.run();
        } catch (error) {
          logger.error({ err: error, step: step.name }, 'stop step failed');
        }
      }
    })();
    return stopped;
  };

  let stoppingSince: number | undefined;
  const stopAndExit = (exitCode: number) => {
    stoppingSince = Date.now();
    stopAll().then(() => {
      console.log(exitCode === 0 ? 'Stopped.' : 'Stopped after a failure (see the log above).');
      process.exit(exitCode);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive several times: from the terminal and relayed by npm and tsx.
      if (Date.now() - stoppingSince < DUPLICATE_SIGNAL_WINDOW_MS) {
        return;
      }
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping (press Ctrl-C again to exit at once)');
    stopAndExit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A part that fails while running (the worker, the Temporal dev server) stops the whole process
  // with status 1, rather than leaving an API whose requests all fail. Failures caused by stopping are
  // expected and ignored.
  const onFailure: FailureHandler = (fields, message) => {
    if (stoppingSince !== undefined) {
      return;
    }
    logger.fatal(fields, `${message}; stopping`);
    stopAndExit(1);
  };

  try {
    await start(config, logger, stopSteps, onFailure);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function start(config: Config, logger: Logger, stopSteps: StopStep[], onFailure: FailureHandler): Promise<void> {
  const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  stopSteps.push({ name: 'database', run: () => sequelize.close() });
  await migrate(sequelize, logger);

  let localTemporal: LocalTemporal | undefined;
  if (!config.temporal.address) {
    localTemporal = await startLocalTemporal(config, logger);
    const server = localTemporal;
    stopSteps.push({ name: 'Temporal dev server', run: () => server.stop() });
    // NOTE: a server that the Temporal SDK downloaded and runs is not watched, because the SDK does
    // not expose its process. When that one dies, the API returns 503 until npm run dev restarts.
    server.exited?.then(({ code, signal }) => {
      onFailure(
        { exitCode: code, signal, logFile: server.logFile },
        `the Temporal dev server exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); its output is in ${server.logFile}`,
      );
    });
  }
  const address = config.temporal.address ?? localTemporal!.address;
  const effectiveConfig: Config = { ...config, temporal: { ...config.temporal, address } };

  const temporal: Client = await connectTemporalClient({ ...effectiveConfig.temporal, address });
  stopSteps.push({ name: 'Temporal client', run: () => temporal.connection.close() });
  if (localTemporal) {
    // `temporal server start-dev --search-attribute` registers attributes only on a new database, so a
    // dev database made before an attribute existed gets it here. connectTemporalClient builds the
    // client on a Connection, which has the operator service.
    const added = await registerSearchAttributes(temporal.connection as Connection, config.temporal.namespace);
    if (added.length > 0) {
      logger.info({ searchAttributes: added }, 'registered search attributes');
    }
  }

  const workerConnection = await connectWorker(effectiveConfig);
  stopSteps.push({ name: 'worker connection', run: () => workerConnection.close() });
  const { worker, xClients } = await createWorker({ config: effectiveConfig, logger, sequelize, connection: workerConnection });
  stopSteps.push({ name: 'X clients', run: () => xClients.close() });
  const workerRun = worker.run();
  stopSteps.push({
    name: 'worker',
    run: async () => {
      // The Temporal runtime also shuts workers down on SIGINT and SIGTERM, so it may have begun already.
      if (worker.getState() === 'RUNNING') {
        worker.shutdown();
      }
      await workerRun;
    },
  });
  workerRun.catch((error) => onFailure({ err: error }, 'the worker failed'));

  const api = await startApiServer({ config: effectiveConfig, logger, temporal });
  stopSteps.push({ name: 'API', run: () => api.close() });

  printBanner(config, api.url, address, localTemporal);
}

function printBanner(config: Config, apiUrl: string, temporalAddress: string, localTemporal?: LocalTemporal): void {
  const lines = [
    '',
    'AutoTweet webhooks is running (API and worker in this process).',
    `  API:              ${apiUrl}  (POST /api/webhooks/schedule, GET /healthz)`,
    `  Temporal:         ${temporalAddress}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
    localTemporal
      ? `  Temporal Web UI:  ${localTemporal.uiUrl}  (workflows persist in ${localTemporal.dbFilename})`
      : '  Temporal Web UI:  wherever the server at TEMPORAL_ADDRESS serves it',
    ...(localTemporal?.cliPath ? [`  Temporal CLI:     ${localTemporal.cliPath}  (for temporal workflow list and other commands)`] : []),
    `  Database:         ${config.databaseUrl ? redactPassword(config.databaseUrl) : `SQLite in ${config.dataDir}`}`,
    '',
    'Create a workspace, a webhook token and an X account with bin/autotweet (see README.md).',
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
}

function redactPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) {
    url.password = '***';
  }
  return url.toString();
}

main().catch((error) => {
  console.error(error instanceof Error ? `npm run dev failed: ${error.message}` : error);
  process.exit(1);
});
