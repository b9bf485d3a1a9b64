import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import anyTest, { TestFn } from 'ava';
import { NotificationEndpoint, XAccount } from '../../src/db';
import { TEST_ENCRYPTION_KEY, TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack; workDir: string }>;

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cliSource = path.join(root, 'src', 'cli', 'main.ts');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from source in a child process against the stack's database. The working folder is
 * an empty one, so no developer's `.env` leaks in.
 */
function runCli(t: { context: { stack: TestStack; workDir: string } }, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      [cliSource, ...args],
      {
        cwd: t.context.workDir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'test',
          DATABASE_URL: t.context.stack.db.url,
          ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          code = typeof error.code === 'number' ? error.code : 1;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function parseJson(t: { log: (...values: unknown[]) => void }, text: string): any {
  try {
    return JSON.parse(text);
  } catch (error) {
    t.log(text);
    throw error;
  }
}

test.before(async (t) => {
  t.context.stack = await TestStack.start({}, { worker: false });
  t.context.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotweet-cli-'));
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
  if (t.context.workDir) {
    fs.rmSync(t.context.workDir, { recursive: true, force: true });
  }
});

test.serial('CLI tenant schedules through the API', async (t) => {
  const workspaceRun = await runCli(t, ['workspaces', 'create', '--name', 'Acme CMS', '--plan', 'growth', '--json']);
  t.is(workspaceRun.code, 0, workspaceRun.stderr);
  const workspace = parseJson(t, workspaceRun.stdout);
  t.is(workspace.name, 'Acme CMS');
  t.is(workspace.plan, 'growth');

  const tokenRun = await runCli(t, ['--json', 'tokens', 'create', '--workspace', workspace.id, '--name', 'cms', '--expires-in', '30d']);
  t.is(tokenRun.code, 0, tokenRun.stderr);
  const token = parseJson(t, tokenRun.stdout);
  t.regex(token.token, /^atk_[\w-]{43}$/);
  t.is(token.workspace_id, workspace.id);
  const expiresInDays = (Date.parse(token.expires_at) - Date.now()) / 86_400_000;
  t.true(expiresInDays > 29.9 && expiresInDays <= 30, `expires in ${expiresInDays} days`);

  // Tokens from the environment, as an operator would pass them to keep them out of shell history.
  const accountRun = await runCli(t, ['accounts', 'connect', '--workspace', workspace.id, '--x-user-id', '1598765432109876543', '--username', '@acme', '--json'], {
    X_OAUTH1_ACCESS_TOKEN: 'cli-access-token',
    X_OAUTH1_ACCESS_SECRET: 'cli-access-secret',
  });
  t.is(accountRun.code, 0, accountRun.stderr);
  const account = parseJson(t, accountRun.stdout);
  t.is(account.x_user_id, '1598765432109876543');
  t.is(account.username, 'acme');
  t.is(account.auth_type, 'oauth1');
  const stored = await XAccount.findByPk(account.id);
  t.deepEqual(t.context.stack.secrets.openJson(stored!.credentials), { accessToken: 'cli-access-token', accessSecret: 'cli-access-secret' });

  const response = await t.context.stack.request('POST', '/api/webhooks/schedule', {
    token: token.token,
    body: { text: 'Scheduled with a CLI token', scheduled_at: new Date(Date.now() + 3_600_000).toISOString(), x_account_id: '1598765432109876543' },
  });
  t.is(response.status, 201, response.text);
  t.is(response.body.x_account_id, '1598765432109876543');
});

test.serial('token create prints token once', async (t) => {
  const workspace = parseJson(t, (await runCli(t, ['workspaces', 'create', '--name', 'Text output', '--plan', 'starter', '--json'])).stdout);

  const run = await runCli(t, ['tokens', 'create', '--workspace', workspace.id]);

  t.is(run.code, 0, run.stderr);
  const printed = run.stdout.match(/atk_[\w-]{43}/g) ?? [];
  t.is(printed.length, 1, run.stdout);
  t.regex(run.stderr, /will not be shown again/);
  t.regex(run.stdout, /never expires/);
  const unauthenticated = await t.context.stack.request('POST', '/api/webhooks/schedule', { token: `${printed[0]}x`, body: {} });
  t.is(unauthenticated.status, 401);
  const authenticated = await t.context.stack.request('POST', '/api/webhooks/schedule', { token: printed[0], body: {} });
  t.is(authenticated.status, 400, 'a valid token reaches validation');
});

test.serial('bad plan exits 1 with message', async (t) => {
  const run = await runCli(t, ['workspaces', 'create', '--name', 'Acme', '--plan', 'gold']);

  t.is(run.code, 1);
  t.is(run.stdout, '');
  t.regex(run.stderr, /plan: "gold" is invalid; use one of starter, growth, pro, enterprise/);
  t.notRegex(run.stderr, /^\s+at /m, 'no stack trace');
});

test.serial('JSON errors parse', async (t) => {
  const run = await runCli(t, ['tokens', 'create', '--workspace', '00000000-0000-0000-0000-000000000000', '--json']);

  t.is(run.code, 1);
  t.is(run.stdout, '');
  const body = parseJson(t, run.stderr);
  t.is(body.error.code, 'workspace_not_found');
  t.regex(body.error.message, /00000000-0000-0000-0000-000000000000/);
});

test.serial('accounts connect names missing secret', async (t) => {
  const run = await runCli(t, ['accounts', 'connect', '--workspace', 'any', '--x-user-id', '1', '--username', 'a', '--oauth1-access-token', 'only-the-token']);

  t.is(run.code, 1);
  t.regex(run.stderr, /--oauth1-access-secret: missing: pass --oauth1-access-secret or set X_OAUTH1_ACCESS_SECRET/);
});

test.serial('webhooks set prints signing secret', async (t) => {
  const workspace = parseJson(t, (await runCli(t, ['workspaces', 'create', '--name', 'Hooks', '--plan', 'pro', '--json'])).stdout);

  const run = await runCli(t, ['webhooks', 'set', '--workspace', workspace.id, '--url', 'https://hooks.example.com/autotweet', '--json']);

  t.is(run.code, 0, run.stderr);
  const endpoint = parseJson(t, run.stdout);
  t.regex(endpoint.signing_secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.is(endpoint.url, 'https://hooks.example.com/autotweet');
  t.regex(run.stderr, /will not be shown again/);
  const stored = await NotificationEndpoint.findOne({ where: { workspaceId: workspace.id } });
  t.is(t.context.stack.secrets.open(stored!.signingSecret), endpoint.signing_secret);
});

test.serial('launcher prints help', async (t) => {
  const run = await new Promise<CliResult>((resolve) => {
    execFile(path.join(root, 'bin', 'autotweet'), ['--help'], { cwd: t.context.workDir }, (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, stdout, stderr }),
    );
  });

  t.is(run.code, 0, run.stderr);
  for (const group of ['workspaces', 'tokens', 'accounts', 'webhooks']) {
    t.regex(run.stdout, new RegExp(`^  ${group} `, 'm'));
  }
});

test.serial('token lifecycle runs from the CLI', async (t) => {
  const workspace = parseJson(t, (await runCli(t, ['workspaces', 'create', '--name', 'Lifecycle', '--plan', 'starter', '--json'])).stdout);
  const token = parseJson(t, (await runCli(t, ['tokens', 'create', '--workspace', workspace.id, '--name', 'ci', '--json'])).stdout);

  const list = await runCli(t, ['tokens', 'list', workspace.id]);
  t.is(list.code, 0, list.stderr);
  t.regex(list.stdout, new RegExp(`^${token.id} .*"ci"  active`, 'm'));
  t.false(list.stdout.includes(token.token), 'list never shows the secret');

  const revoke = await runCli(t, ['tokens', 'revoke', token.id]);
  t.is(revoke.code, 0, revoke.stderr);
  const response = await t.context.stack.request('POST', '/api/webhooks/schedule', { token: token.token, body: {} });
  t.is(response.status, 401);

  const show = await runCli(t, ['workspaces', 'show', workspace.id]);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /on plan starter/);
});

test.serial('set-plan names the invalid options', async (t) => {
  const workspace = parseJson(t, (await runCli(t, ['workspaces', 'create', '--name', 'Limits', '--plan', 'starter', '--json'])).stdout);

  const run = await runCli(t, ['workspaces', 'set-plan', workspace.id, '--requests-per-minute', '-1', '--max-pending-posts', '1e3']);

  t.is(run.code, 1);
  t.is(run.stdout, '');
  t.regex(run.stderr, /^  --requests-per-minute: "-1" is invalid: give a whole number of at least 0, or "plan" to use the plan's number\.$/m);
  t.regex(run.stderr, /^  --max-pending-posts: "1e3" is invalid/m);
  t.notRegex(run.stderr, /requestsPerMinute|maxPendingPosts|null/);
});

test.serial('closed stdout ends the CLI quietly', async (t) => {
  const workspace = parseJson(t, (await runCli(t, ['workspaces', 'create', '--name', 'Pipe', '--plan', 'starter', '--json'])).stdout);
  for (const name of ['first', 'second', 'third']) {
    t.is((await runCli(t, ['tokens', 'create', '--workspace', workspace.id, '--name', name])).code, 0);
  }

  // Closing the read end before the CLI prints makes its first write fail with EPIPE, as when
  // `head -1` exits after the first line.
  const child = spawn(tsx, [cliSource, 'tokens', 'list', workspace.id], {
    cwd: t.context.workDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', DATABASE_URL: t.context.stack.db.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));

  t.is(stderr, '');
  t.is(code, 0);
});
