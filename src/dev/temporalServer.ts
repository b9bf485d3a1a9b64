import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The Temporal CLI release `go install` can build (later ones carry replace directives it rejects). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then Go's bin folder.
 * Returns undefined when none is there.
 */
export function findTemporalCli(explicitPath?: string): string | undefined {
  if (explicitPath) {
    if (!fs.existsSync(explicitPath)) {
      throw new Error(`TEMPORAL_CLI_PATH points to ${explicitPath}, which does not exist.`);
    }
    return explicitPath;
  }
  const candidates = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'temporal'));
  candidates.push(path.join(goBinDir() ?? path.join(os.homedir(), 'go', 'bin'), 'temporal'));
  return candidates.find((candidate) => isExecutable(candidate));
}

/** Builds the Temporal CLI with `go install` when Go is available; returns its path or undefined. */
export function installTemporalCliWithGo(log: (message: string) => void): string | undefined {
  const binDir = goBinDir();
  if (!binDir) {
    return undefined;
  }
  log(`Building the Temporal CLI with go install ${TEMPORAL_CLI_MODULE} (a few minutes, once)...`);
  execFileSync('go', ['install', TEMPORAL_CLI_MODULE], { stdio: 'inherit' });
  const built = path.join(binDir, 'temporal');
  return isExecutable(built) ? built : undefined;
}

export interface DevServerOptions {
  cliPath: string;
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; undefined runs without the UI. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; undefined keeps them in memory. */
  dbFilename?: string;
  /** Namespace to create besides `default`. */
  namespace?: string;
  /** `Name=Type` pairs to register on a new database. */
  searchAttributes?: string[];
  logFile?: string;
  /**
   * Runs the server in a process group of its own, so a Ctrl-C in the terminal reaches only the
   * parent, which can then stop its worker before it stops the server.
   */
  detached?: boolean;
}

/** The end of a server process: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  /** Resolves when the server process exits, whether `stop()` ended it or not. */
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` and resolves once it accepts connections. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port || (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (options.uiPort) {
    args.push('--ui-port', String(options.uiPort));
  } else {
    args.push('--headless');
  }
  if (options.dbFilename) {
    fs.mkdirSync(path.dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  if (options.namespace && options.namespace !== 'default') {
    args.push('--namespace', options.namespace);
  }
  for (const attribute of options.searchAttributes ?? []) {
    args.push('--search-attribute', attribute);
  }

  const output = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(options.cliPath, args, { stdio: ['ignore', output, output], detached: options.detached ?? false });
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const address = `127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    await waitForPort(port, 60_000, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    const hint = options.logFile ? ` See ${options.logFile}.` : '';
    throw new Error(`The Temporal dev server did not start: ${(error as Error).message}.${hint}`);
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    exited,
    stop,
  };
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Tells whether nothing listens on `port` of 127.0.0.1, by trying to listen there. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForPort(port: number, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) {
      throw new Error('the process exited');
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs / 1000} s`);
}

function goBinDir(): string | undefined {
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
    if (gobin) {
      return gobin;
    }
    return path.join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim().split(path.delimiter)[0], 'bin');
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
