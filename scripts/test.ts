/**
 * Runs the ava suite against a real Temporal dev server started here (headless, in memory) and the
 * MariaDB or MySQL server at TEST_DATABASE_URL. Extra arguments go to ava.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import mysql from 'mysql2/promise';
import { findTemporalCli, installTemporalCliWithGo, startTemporalDevServer } from '../src/dev/temporalServer';
import { SEARCH_ATTRIBUTE_FLAGS } from '../src/temporal/searchAttributes';

const quietLogger = new DefaultLogger('WARN');
const DEFAULT_TEST_DATABASE_URL = 'mysql://root@127.0.0.1:3306/test';

async function main(): Promise<number> {
  const databaseUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  try {
    const connection = await mysql.createConnection(databaseUrl);
    await connection.end();
  } catch (error) {
    console.error(`Cannot reach the test database at ${databaseUrl} (${(error as Error).message}).`);
    console.error('Start MariaDB or MySQL, or set TEST_DATABASE_URL to a server where this user may create databases.');
    return 1;
  }

  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH) ?? installTemporalCliWithGo(console.log);
  if (!cliPath) {
    console.error('The Temporal CLI was not found and Go is not installed to build it. Set TEMPORAL_CLI_PATH.');
    return 1;
  }

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotweet-test-'));
  const logFile = path.join(workDir, 'temporal.log');
  // One workflow bundle for the whole suite instead of one webpack build per test file.
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: quietLogger });
  fs.writeFileSync(bundlePath, code);

  const server = await startTemporalDevServer({ cliPath, searchAttributes: SEARCH_ATTRIBUTE_FLAGS, logFile });
  console.log(`Temporal dev server at ${server.address} (log: ${logFile})`);

  try {
    return await new Promise<number>((resolve) => {
      const ava = spawn(path.join(__dirname, '..', 'node_modules', '.bin', 'ava'), process.argv.slice(2), {
        stdio: 'inherit',
        env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEST_DATABASE_URL: databaseUrl, WORKFLOW_BUNDLE_PATH: bundlePath },
      });
      ava.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
