import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR, loadHistory } from '../helpers/histories';
import { workflowBundle } from '../helpers/stack';

// Posts wait for months while the code changes. Each recorded history must replay against the
// current workflow code, or workers would fail the running workflows with non-determinism errors.
// After a deliberate change guarded by patched(), record new histories with `npm run
// record-histories` and keep the old files that still apply.
const files = fs.readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

test('histories are recorded', (t) => {
  t.true(files.length >= 3, `found ${files.join(', ')}`);
});

for (const file of files) {
  test(`replays ${file}`, async (t) => {
    const history = loadHistory(path.join(HISTORIES_DIR, file));

    await t.notThrowsAsync(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`));
  });
}
