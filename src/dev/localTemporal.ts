import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { SEARCH_ATTRIBUTE_FLAGS } from '../temporal/searchAttributes';
import { findTemporalCli, installTemporalCliWithGo, isPortFree, ProcessExit, startTemporalDevServer } from './temporalServer';

/** gRPC port of the local Temporal server, the CLI's default, so `temporal` commands find it unflagged. */
export const LOCAL_TEMPORAL_PORT = 7233;

/** A Temporal dev server started for this process. */
export interface LocalTemporal {
  address: string;
  uiUrl: string;
  /** SQLite file in which the server keeps its workflows across restarts. */
  dbFilename: string;
  /** The Temporal CLI binary that runs the server; undefined when the Temporal SDK runs the server. */
  cliPath?: string;
  /** File that receives the server's output; undefined when the Temporal SDK runs the server. */
  logFile?: string;
  /**
   * Resolves when the server process exits, `stop()` included. Undefined when the Temporal SDK runs
   * the server, because the SDK does not expose its process.
   */
  exited?: Promise<ProcessExit>;
  stop(): Promise<void>;
}

/**
 * Starts a Temporal dev server with its Web UI, persisted in `<dataDir>/temporal.sqlite`. The binary is
 * `TEMPORAL_CLI_PATH`, `temporal` on PATH or in Go's bin folder, else built with `go install` when Go
 * is there, else the one the Temporal SDK downloads (which needs internet access).
 */
export async function startLocalTemporal(config: Config, logger: Logger): Promise<LocalTemporal> {
  const uiPort = config.temporal.uiPort;
  for (const [port, what] of [[LOCAL_TEMPORAL_PORT, 'Temporal gRPC'], [uiPort, 'Temporal Web UI']] as const) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `Port ${port} (${what}) on 127.0.0.1 is already in use. Stop what listens there, ` +
          `or set TEMPORAL_ADDRESS to use a Temporal server that is already running` +
          (what === 'Temporal Web UI' ? ', or set TEMPORAL_UI_PORT to another port.' : '.'),
      );
    }
  }

  const dbFilename = path.join(config.dataDir, 'temporal.sqlite');
  const cliPath = findTemporalCli(config.temporal.cliPath) ?? installTemporalCliWithGo((message) => logger.info(message));
  if (cliPath) {
    logger.info({ cliPath, dbFilename }, 'starting the Temporal dev server');
    const logFile = path.join(config.dataDir, 'temporal.log');
    const server = await startTemporalDevServer({
      cliPath,
      port: LOCAL_TEMPORAL_PORT,
      uiPort,
      dbFilename,
      namespace: config.temporal.namespace,
      searchAttributes: SEARCH_ATTRIBUTE_FLAGS,
      logFile,
      detached: true,
    });
    return { address: server.address, uiUrl: server.uiUrl!, dbFilename, cliPath, logFile, exited: server.exited, stop: server.stop };
  }

  logger.info('no Temporal CLI found and Go is not installed; downloading the dev server through the Temporal SDK');
  let environment: TestWorkflowEnvironment;
  try {
    environment = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: LOCAL_TEMPORAL_PORT,
        ui: true,
        uiPort,
        dbFilename,
        namespace: config.temporal.namespace,
        extraArgs: SEARCH_ATTRIBUTE_FLAGS.flatMap((flag) => ['--search-attribute', flag]),
      },
    });
  } catch (error) {
    throw new Error(
      `Could not download the Temporal dev server (${(error as Error).message}). Install the Temporal CLI ` +
        '(or Go, to build it), set TEMPORAL_CLI_PATH to its binary, or set TEMPORAL_ADDRESS to a running server.',
    );
  }
  return {
    address: environment.address,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    dbFilename,
    stop: () => environment.teardown(),
  };
}
