/**
 * Measures what the workspace rate limiter adds to a webhook request: the same authenticated
 * request with and without the limiter against MariaDB or MySQL at TEST_DATABASE_URL, then the
 * limiter alone. Writes bench/RESULTS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWebhookToken, createWorkspace } from '../src/domain/admin';
import { RateLimiter } from '../src/domain/rateLimiter';
import { createLogger } from '../src/logger';
import { createTestDatabase } from '../test/helpers/database';
import { measure, Series, startBenchApp } from './limiter';

const WARMUP = 200;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const logger = createLogger({ level: 'warn' });
  try {
    const limiter = new RateLimiter(db.sequelize);
    const workspace = await createWorkspace({ name: 'bench', plan: 'pro' });
    // A minute limit out of reach keeps every request admitted, so the benchmark times the
    // admitted path that real traffic takes.
    await workspace.update({ requestsPerMinute: 1_000_000_000 });
    const { secret } = await createWebhookToken({ workspaceId: workspace.id, name: 'bench' });
    const headers = { authorization: `Bearer ${secret}` };

    const series: Series[] = [];
    for (const withLimiter of [false, true]) {
      const app = await startBenchApp({ limiter, withLimiter, logger });
      const send = async () => {
        const response = await fetch(app.url, { headers });
        await response.arrayBuffer();
        if (response.status !== 200) {
          throw new Error(`bench request failed with status ${response.status}`);
        }
      };
      await measure('warm-up', WARMUP, send);
      series.push(await measure(withLimiter ? 'HTTP request, with limiter' : 'HTTP request, without limiter', REQUESTS, send));
      await app.close();
    }
    const windows = [{ kind: 'minute' as const, limit: 1_000_000_000 }, { kind: 'day' as const, limit: null }];
    series.push(await measure('limiter.consume alone', REQUESTS, async () => {
      await limiter.consume(`workspace:${workspace.id}`, windows);
    }));

    const report = renderReport(series, (await db.sequelize.query('SELECT VERSION() AS version', { plain: true })) as { version: string });
    fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), report);
    console.log(report);
  } finally {
    await db.drop();
  }
}

function renderReport(series: Series[], server: { version: string }): string {
  const [without, withLimiter] = series;
  const rows = series.map((entry) => `| ${entry.name} | ${entry.requests} | ${entry.medianMs.toFixed(2)} | ${entry.p99Ms.toFixed(2)} |`);
  const cpus = os.cpus();
  return [
    '# Rate limiter benchmark',
    '',
    `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus.length} cores (${cpus[0]?.model.trim()}),`,
    `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, database ${server.version} on the same machine.`,
    'Requests are sent one at a time over HTTP keep-alive to a Koa app that authenticates the webhook',
    'token and answers at once; the second series adds the workspace rate limiter (one transaction:',
    'UPDATE, SELECT, COMMIT). Each figure is the latency seen by the client.',
    '',
    '| series | requests | median ms | p99 ms |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `Cost the limiter adds: median ${(withLimiter.medianMs - without.medianMs).toFixed(2)} ms, ` +
      `p99 ${(withLimiter.p99Ms - without.p99Ms).toFixed(2)} ms. Other processes shared the machine, so the p99 figures are noisy.`,
    '',
  ].join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
