/**
 * Starts a fake X API and a notification receiver on 127.0.0.1, to try the service end to end on a
 * machine without X credentials. Run `npm run fakes` and put the settings it prints in `.env`, which
 * both `npm run dev` and bin/autotweet read. Then start `npm run dev`.
 * Ports come from FAKE_X_PORT (default 4010) and RECEIVER_PORT (default 4020).
 */
import http from 'node:http';
import { FakeX } from '../test/helpers/fakeX';

async function main(): Promise<void> {
  const fakeX = new FakeX();
  await fakeX.start(Number(process.env.FAKE_X_PORT ?? 4010));
  const receiverPort = Number(process.env.RECEIVER_PORT ?? 4020);
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signed = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => `${name}: ${req.headers[name]}`);
      console.log(`[receiver] ${req.method} ${req.url}\n  ${signed.join('\n  ')}\n  ${Buffer.concat(chunks).toString('utf8')}`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));

  let reported = 0;
  setInterval(() => {
    for (const request of fakeX.requests.slice(reported)) {
      console.log(`[fake X] ${request.method} ${request.path} ${request.body}`);
    }
    reported = fakeX.requests.length;
  }, 200);

  console.log(
    [
      `Fake X API on ${fakeX.baseUrl}; notification receiver on http://127.0.0.1:${receiverPort}/hooks`,
      'Point the service at them: add these lines to .env (npm run dev and bin/autotweet both read it), then start npm run dev.',
      `  X_API_BASE_URL=${fakeX.baseUrl}`,
      '  X_APP_KEY=local-app-key',
      '  X_APP_SECRET=local-app-secret',
      '  ALLOW_PRIVATE_WEBHOOK_URLS=true',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
