import anyTest, { TestFn } from 'ava';
import { Command } from 'commander';
import { registerTokenLifecycleCommands } from '../../src/cli/tokens';
import { registerWorkspaceLimitCommands } from '../../src/cli/workspaces';
import { WebhookToken, Workspace } from '../../src/db';
import { createWebhookToken, createWorkspace } from '../../src/domain/admin';
import { RateLimiter } from '../../src/domain/rateLimiter';
import { FieldProblem, ValidationError } from '../../src/errors';
import { createTestDatabase, TestDatabase } from '../helpers/database';

const test = anyTest as TestFn<{ db: TestDatabase }>;

test.before(async (t) => {
  t.context.db = await createTestDatabase();
});

test.after.always(async (t) => {
  await t.context.db?.drop();
});

async function run(db: TestDatabase, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  const context = {
    withDatabase: <T>(work: () => Promise<T>) => work(),
    withLimiter: <T>(work: (limiter: RateLimiter) => Promise<T>) => work(new RateLimiter(db.sequelize)),
    print: (line: string) => lines.push(line),
  };
  registerTokenLifecycleCommands(program, context);
  registerWorkspaceLimitCommands(program, context);
  await program.parseAsync(args, { from: 'user' });
  return lines;
}

test.serial('tokens list never shows a secret', async (t) => {
  const workspace = await createWorkspace({ name: 'CLI', plan: 'starter' });
  const { token, secret } = await createWebhookToken({ workspaceId: workspace.id, name: 'deploy' });

  const lines = await run(t.context.db, ['tokens', 'list', workspace.id]);

  t.is(lines.length, 1);
  t.true(lines[0].includes(token.id));
  t.true(lines[0].includes('active'));
  t.false(lines.join('\n').includes(secret));
});

test.serial('tokens rotate and revoke', async (t) => {
  const workspace = await createWorkspace({ name: 'CLI', plan: 'starter' });
  const { token } = await createWebhookToken({ workspaceId: workspace.id, name: 'deploy' });

  const rotated = await run(t.context.db, ['tokens', 'rotate', token.id, '--grace', '0s']);
  t.regex(rotated[0], /: atk_[\w-]{43}$/);
  t.not((await WebhookToken.findByPk(token.id))!.replacedById, null);

  const fresh = await WebhookToken.findOne({ where: { workspaceId: workspace.id, replacedById: null } });
  await run(t.context.db, ['tokens', 'revoke', fresh!.id]);
  t.not((await WebhookToken.findByPk(fresh!.id))!.revokedAt, null);
});

test.serial('workspaces set-plan and show', async (t) => {
  const workspace = await createWorkspace({ name: 'CLI', plan: 'starter' });

  const lines = await run(t.context.db, ['workspaces', 'set-plan', workspace.id, '--plan', 'enterprise', '--requests-per-day', '20000']);

  t.true(lines[0].includes('plan enterprise'));
  t.true(lines.some((line) => /requests today \(UTC\)\s+0 \/ 20000/.test(line)));
  t.true(lines.some((line) => /pending posts\s+0 \/ unlimited/.test(line)));
  const reset = await run(t.context.db, ['workspaces', 'set-plan', workspace.id, '--plan', 'growth', '--requests-per-day', 'plan']);
  t.true(reset.some((line) => /requests today \(UTC\)\s+0 \/ 5000/.test(line)));
  const shown = await run(t.context.db, ['workspaces', 'show', workspace.id]);
  t.true(shown.some((line) => /generations this month 0 \/ 1000/.test(line)));
});

test.serial('set-plan rejects values Number() would accept', async (t) => {
  const workspace = await createWorkspace({ name: 'CLI', plan: 'starter' });

  for (const value of ['', '1e3', '0x10', ' 5', '2.5']) {
    const error = await t.throwsAsync(run(t.context.db, ['workspaces', 'set-plan', workspace.id, '--requests-per-day', value]), {
      instanceOf: ValidationError,
    });
    t.deepEqual((error!.details as FieldProblem[]).map((problem) => problem.field), ['--requests-per-day'], `value ${JSON.stringify(value)}`);
  }
  const unchanged = await Workspace.findByPk(workspace.id);
  t.is(unchanged!.requestsPerDay, null);
});
