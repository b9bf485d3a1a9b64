import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { connectDatabase, GenerationUsage, migrate } from '../../src/db';
import { createWorkspace } from '../../src/domain/admin';
import { chargeGenerations, reserveGenerations } from '../../src/domain/generationQuota';

test('concurrent quota reservations on SQLite stay exact', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotweet-sqlite-'));
  const sequelize = connectDatabase({ dataDir });
  t.teardown(async () => {
    await sequelize.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await migrate(sequelize);
  const [[journal]] = (await sequelize.query('PRAGMA journal_mode')) as [Array<{ journal_mode: string }>, unknown];
  t.is(journal.journal_mode, 'wal');

  const workspace = await createWorkspace({ name: 'SQLite', plan: 'starter' });
  await workspace.update({ generationsPerMonth: 10 });
  const now = new Date();

  // 25 calls race for 10 generations, each charging after a short wait as a real call would.
  const results = await Promise.allSettled(
    Array.from({ length: 25 }, async () => {
      const reservation = await reserveGenerations({ workspace, count: 1, now, staleAfterMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await chargeGenerations(reservation);
    }),
  );

  const errors = results
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => (result.reason as { code?: string }).code ?? String(result.reason));
  t.is(results.filter((result) => result.status === 'fulfilled').length, 10);
  t.deepEqual(new Set(errors), new Set(['generation_quota_exceeded']));
  const usage = await GenerationUsage.findOne({ where: { workspaceId: workspace.id } });
  t.is(usage?.used, 10);
  t.is(usage?.reserved, 0);
});
