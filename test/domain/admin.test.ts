import anyTest, { TestFn } from 'ava';
import { NotificationEndpoint } from '../../src/db';
import { createWorkspace, setNotificationEndpoint } from '../../src/domain/admin';
import { SecretBox } from '../../src/domain/secrets';
import { ValidationError } from '../../src/errors';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { TEST_ENCRYPTION_KEY } from '../helpers/stack';

const test = anyTest as TestFn<{ db: TestDatabase }>;
const secrets = new SecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));

test.before(async (t) => {
  t.context.db = await createTestDatabase();
});

test.after.always(async (t) => {
  await t.context.db?.drop();
});

test('notification URL with credentials is rejected', async (t) => {
  const workspace = await createWorkspace({ name: 'Credentials', plan: 'pro' });

  for (const url of ['http://u:p@hooks.example.com/', 'https://user@hooks.example.com/in', 'https://:secret@hooks.example.com/']) {
    const error = await t.throwsAsync(setNotificationEndpoint(secrets, { workspaceId: workspace.id, url }), { instanceOf: ValidationError }, url);

    const problems = error?.details as Array<{ field: string; message: string }>;
    t.is(problems[0]?.field, 'url', url);
    t.regex(problems[0]?.message ?? '', /user name or password/, url);
    t.false((problems[0]?.message ?? '').includes('secret'), url);
  }
  t.is(await NotificationEndpoint.count({ where: { workspaceId: workspace.id } }), 0);
});

test('notification URL without credentials is stored', async (t) => {
  const workspace = await createWorkspace({ name: 'Plain', plan: 'pro' });

  const { endpoint } = await setNotificationEndpoint(secrets, { workspaceId: workspace.id, url: 'https://hooks.example.com/in?user=a' });

  t.is(endpoint.url, 'https://hooks.example.com/in?user=a');
});
