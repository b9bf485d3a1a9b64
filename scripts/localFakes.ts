/**
 * Starts a fake X API and a notification receiver on 127.0.0.1, to try the service end to end on a
 * machine without X credentials. Run `npm run fakes` and put the settings it prints in `.env`, which
 * both `npm run dev` and bin/autotweet read, then restart `npm run dev`.
 *
 * Ports come from FAKE_X_PORT (default 4010) and RECEIVER_PORT (default 4020); 0 picks a free one.
 * The receiver checks each notification's Standard Webhooks signature when it has the endpoint's
 * signing secret, from `--signing-secret whsec_…` or RECEIVER_SIGNING_SECRET. The fake X rejects
 * posts whose text contains one of FAILURE_MARKERS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { FakeX, TweetBehaviour } from '../test/helpers/fakeX';

/** Text markers that make the fake X reject a post, with X's response and what the service then reports. */
const FAILURE_MARKERS: Array<{ marker: string; behaviour: TweetBehaviour; outcome: string }> = [
  {
    marker: '#fail',
    behaviour: {
      kind: 'error',
      status: 403,
      body: { title: 'Forbidden', detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', status: 403 },
    },
    outcome: '403 duplicate content: the post fails (post.failed, status failed)',
  },
  {
    marker: '#unknown',
    behaviour: {
      kind: 'error',
      status: 503,
      body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 },
    },
    outcome: '503: X may have the post, so it is not sent again (post.failed, status unknown)',
  },
];

const USAGE = 'Usage: npm run fakes [-- --signing-secret whsec_…]';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'signing-secret': { type: 'string' } }, strict: true });
  const signingSecret = values['signing-secret'] ?? (process.env.RECEIVER_SIGNING_SECRET || undefined);
  const webhook = signingSecret === undefined ? undefined : createWebhook(signingSecret);

  const fakeX = new FakeX();
  for (const { marker, behaviour } of FAILURE_MARKERS) {
    fakeX.respondToTextContaining(marker, behaviour);
  }
  await fakeX.start(Number(process.env.FAKE_X_PORT ?? 4010));
  const receiverUrl = await startReceiver(Number(process.env.RECEIVER_PORT ?? 4020), webhook);
  reportTweetCalls(fakeX);

  console.log(
    [
      `Fake X API on ${fakeX.baseUrl}; notification receiver on ${receiverUrl}`,
      'Point the service at them: add these lines to .env (npm run dev and bin/autotweet both read it),',
      'then restart npm run dev, which reads .env only when it starts.',
      `  X_API_BASE_URL=${fakeX.baseUrl}`,
      '  X_APP_KEY=local-app-key',
      '  X_APP_SECRET=local-app-secret',
      '  ALLOW_PRIVATE_WEBHOOK_URLS=true',
      webhook
        ? 'The receiver checks signatures with the signing secret it was given.'
        : 'The receiver does not check signatures. To check them, restart it as npm run fakes -- --signing-secret whsec_… (from autotweet webhooks set).',
      'The fake X rejects posts whose text contains:',
      ...FAILURE_MARKERS.map(({ marker, outcome }) => `  ${marker}  ${outcome}`),
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

function createWebhook(signingSecret: string): Webhook {
  try {
    return new Webhook(signingSecret);
  } catch (error) {
    throw new Error(`The signing secret is invalid (${(error as Error).message}); pass the whsec_… value that autotweet webhooks set printed.`);
  }
}

/**
 * Starts the notification receiver on `port` of 127.0.0.1 and returns its URL. It prints each
 * notification with its signature headers and, given `webhook`, whether the signature is valid. It
 * responds 204 either way, so a bad signature does not set off the service's retries.
 */
async function startReceiver(port: number, webhook: Webhook | undefined): Promise<string> {
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      const lines = [
        `[receiver] ${req.method} ${req.url}`,
        ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`),
        `  signature check: ${checkSignature(webhook, body, headers)}`,
        `  ${body}`,
      ];
      console.log(lines.join('\n'));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    receiver.once('error', reject);
    receiver.listen(port, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
}

function checkSignature(webhook: Webhook | undefined, body: string, headers: Record<string, string>): string {
  if (!webhook) {
    return 'not checked (no signing secret given)';
  }
  try {
    webhook.verify(body, headers);
    return 'valid';
  } catch (error) {
    return `INVALID (${(error as Error).message})`;
  }
}

/** Prints each call the fake X receives, and the failure it returned when the text has a marker. */
function reportTweetCalls(fakeX: FakeX): void {
  let reported = 0;
  setInterval(() => {
    for (const request of fakeX.requests.slice(reported)) {
      const failure = FAILURE_MARKERS.find(({ marker }) => request.path === '/2/tweets' && request.body.includes(marker));
      const response = failure ? `  -> returned ${failure.outcome}` : '';
      console.log(`[fake X] ${request.method} ${request.path} ${request.body}${response}`);
    }
    reported = fakeX.requests.length;
  }, 200);
}

main().catch((error: NodeJS.ErrnoException) => {
  console.error(`npm run fakes failed: ${error.message}`);
  if (error.code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(USAGE);
  }
  process.exit(1);
});
