import anyTest, { TestFn } from 'ava';
import { POST_SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_FLAGS } from '../../src/temporal/searchAttributes';
import { inSeconds, schedulePost } from '../helpers/posts';
import { eventually, TestStack } from '../helpers/stack';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await TestStack.start();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** Workflow IDs a visibility query returns once it does (visibility on the dev server lags about a second). */
async function waitForQuery(stack: TestStack, query: string, expected: string[]): Promise<string[]> {
  return eventually(async () => {
    const ids: string[] = [];
    for await (const execution of stack.client.workflow.list({ query })) {
      ids.push(execution.workflowId);
    }
    ids.sort();
    return JSON.stringify(ids) === JSON.stringify([...expected].sort()) ? ids : undefined;
  }, 10_000, `visibility query ${query} to return ${expected.join(', ')}`);
}

test('flags name every attribute with its CLI type', (t) => {
  t.deepEqual(SEARCH_ATTRIBUTE_FLAGS, [
    'AutotweetWorkspaceId=Keyword',
    'AutotweetXAccountId=Keyword',
    'AutotweetScheduledAt=Datetime',
    'AutotweetPostStatus=Keyword',
  ]);
});

test('operators can filter a workspace\'s posts by status', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const waiting = await schedulePost(stack, tenant, { text: 'Still waiting for its time', scheduledAt: inSeconds(3600) });
  const cancelled = await schedulePost(stack, tenant, { text: 'Cancelled soon', scheduledAt: inSeconds(3600) });
  const published = await schedulePost(stack, tenant, { text: 'Out right away', scheduledAt: inSeconds(0) });
  for (const response of [waiting, cancelled, published]) {
    t.is(response.status, 201, response.text);
  }
  await stack.request('DELETE', `/api/webhooks/posts/${cancelled.body.id}`, { token: tenant.token });
  await stack.client.workflow.getHandle(published.body.workflow_id).result();

  const workspace = `AutotweetWorkspaceId = '${tenant.workspace.id}'`;
  await waitForQuery(stack, `${workspace} AND AutotweetPostStatus = 'scheduled'`, [waiting.body.workflow_id]);
  await waitForQuery(stack, `${workspace} AND AutotweetPostStatus = 'cancelled'`, [cancelled.body.workflow_id]);
  await waitForQuery(stack, `${workspace} AND AutotweetPostStatus = 'published'`, [published.body.workflow_id]);
  await waitForQuery(stack, `AutotweetXAccountId = '${tenant.xUserId}' AND ExecutionStatus = 'Running'`, [waiting.body.workflow_id]);
  const later = new Date(Date.now() + 1800_000).toISOString();
  await waitForQuery(stack, `${workspace} AND AutotweetScheduledAt > '${later}'`, [waiting.body.workflow_id, cancelled.body.workflow_id]);
});

test('workflow carries its attributes and a summary', async (t) => {
  const { stack } = t.context;
  const tenant = await stack.createTenant();
  const text = 'A post whose text is long enough that the Web UI summary shows only its first sixty characters';
  const scheduled = await schedulePost(stack, tenant, { text, scheduledAt: inSeconds(3600) });

  const description = await stack.client.workflow.getHandle(scheduled.body.workflow_id).describe();

  t.is(description.typedSearchAttributes.get(POST_SEARCH_ATTRIBUTES.workspaceId), tenant.workspace.id);
  t.is(description.typedSearchAttributes.get(POST_SEARCH_ATTRIBUTES.xAccountId), tenant.xUserId);
  t.is(description.typedSearchAttributes.get(POST_SEARCH_ATTRIBUTES.scheduledAt)?.toISOString(), scheduled.body.scheduled_at);
  t.is(description.typedSearchAttributes.get(POST_SEARCH_ATTRIBUTES.postStatus), 'scheduled');
  t.is(await description.staticSummary(), `${scheduled.body.scheduled_at} · ${text.slice(0, 60)}…`);

  const newTime = inSeconds(7200);
  await stack.request('PATCH', `/api/webhooks/posts/${scheduled.body.id}`, { token: tenant.token, body: { scheduled_at: newTime } });
  const edited = await stack.client.workflow.getHandle(scheduled.body.workflow_id).describe();
  t.is(edited.typedSearchAttributes.get(POST_SEARCH_ATTRIBUTES.scheduledAt)?.toISOString(), newTime);
});
