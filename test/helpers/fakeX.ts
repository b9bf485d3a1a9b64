import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/**
 * Response of the fake to `POST /2/tweets`: a status and JSON body, a hang, a dropped connection,
 * or a created post after a delay (to catch the workflow while publishing). Error headers may be a
 * function, called when the response is sent (for times relative to the request).
 */
export type TweetBehaviour =
  | { kind: 'created' }
  | { kind: 'delayed'; ms: number }
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> | (() => Record<string, string>) }
  | { kind: 'hang' }
  | { kind: 'reset' };

/**
 * A local stand-in for the X API v2 that speaks its wire format. `POST /2/tweets` responds with 201
 * `{ data: { id, text } }` unless a queued behaviour sets another response, and `POST /2/oauth2/token`
 * rotates token pairs.
 */
export class FakeX {
  readonly requests: RecordedRequest[] = [];
  /** Responses for the next tweet calls, in order. Once they are used up, tweets are created. */
  readonly tweetBehaviours: TweetBehaviour[] = [];
  /** Responses for tweets with a given text, in order, used before `tweetBehaviours`. */
  private readonly behavioursByText = new Map<string, TweetBehaviour[]>();
  /** Responses for every tweet whose text contains a marker, used after `behavioursByText`. */
  private readonly behavioursByMarker: Array<{ marker: string; behaviour: TweetBehaviour }> = [];
  /** Refresh tokens the token endpoint accepts, each once, mapped to the access token it issues. */
  readonly refreshTokens = new Map<string, string>();
  private server?: http.Server;
  private nextId = 1_800_000_000_000_000_000n;
  baseUrl = '';

  /** Listens on `port` of 127.0.0.1. The default, 0, picks a free port. */
  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Queues responses for the tweet calls carrying `text`, so tests running at once do not share a queue. */
  respondToText(text: string, ...behaviours: TweetBehaviour[]): void {
    this.behavioursByText.set(text, [...(this.behavioursByText.get(text) ?? []), ...behaviours]);
  }

  /**
   * Responds with `behaviour` to every tweet call whose text contains `marker`, so someone trying
   * the service by hand can request a failure through the text they schedule.
   */
  respondToTextContaining(marker: string, behaviour: TweetBehaviour): void {
    this.behavioursByMarker.push({ marker, behaviour });
  }

  /** Returns the behaviour of the first marker that `text` contains, if any. */
  behaviourForMarkedText(text: string): TweetBehaviour | undefined {
    return this.behavioursByMarker.find(({ marker }) => text.includes(marker))?.behaviour;
  }

  /** Returns every `POST /2/tweets` received, or only those carrying `text`. */
  tweetRequests(text?: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === 'POST' && request.path === '/2/tweets' && (text === undefined || tweetText(request) === text),
    );
  }

  tokenRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/2/oauth2/token');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0],
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      this.requests.push(request);
      if (request.method === 'POST' && request.path === '/2/tweets') {
        this.answerTweet(request, res);
      } else if (request.method === 'POST' && request.path === '/2/oauth2/token') {
        this.answerToken(request, res);
      } else {
        sendJson(res, 404, { title: 'Not Found Error', detail: `No route ${request.method} ${request.path}`, type: 'about:blank', status: 404 });
      }
    });
  }

  private answerTweet(request: RecordedRequest, res: http.ServerResponse): void {
    const text = tweetText(request) ?? '';
    const behaviour = this.behavioursByText.get(text)?.shift()
      ?? this.behaviourForMarkedText(text)
      ?? this.tweetBehaviours.shift()
      ?? { kind: 'created' };
    if (behaviour.kind === 'hang') {
      return;
    }
    if (behaviour.kind === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (behaviour.kind === 'error') {
      const headers = typeof behaviour.headers === 'function' ? behaviour.headers() : behaviour.headers;
      sendJson(res, behaviour.status, behaviour.body, headers);
      return;
    }
    if (behaviour.kind === 'delayed') {
      setTimeout(() => this.createTweet(request, res), behaviour.ms);
      return;
    }
    this.createTweet(request, res);
  }

  private createTweet(request: RecordedRequest, res: http.ServerResponse): void {
    const { text } = JSON.parse(request.body) as { text: string };
    this.nextId += 1n;
    sendJson(res, 201, { data: { id: this.nextId.toString(), text, edit_history_tweet_ids: [this.nextId.toString()] } });
  }

  private answerToken(request: RecordedRequest, res: http.ServerResponse): void {
    const form = tokenForm(request);
    const refreshToken = form.get('refresh_token') ?? '';
    const accessToken = this.refreshTokens.get(refreshToken);
    if (form.get('grant_type') !== 'refresh_token' || !accessToken) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
      return;
    }
    this.refreshTokens.delete(refreshToken);
    const nextRefresh = `${refreshToken}-rotated`;
    this.refreshTokens.set(nextRefresh, `${accessToken}-next`);
    sendJson(res, 200, {
      token_type: 'bearer',
      expires_in: 7200,
      access_token: accessToken,
      scope: 'tweet.read tweet.write users.read offline.access',
      refresh_token: nextRefresh,
    });
  }
}

/**
 * Reads the fields of a token request from its form body, or from JSON, which twitter-api-v2 1.29
 * sends to `/2/oauth2/token` unless the client forces a form body.
 */
export function tokenForm(request: RecordedRequest): URLSearchParams {
  if (String(request.headers['content-type']).startsWith('application/json')) {
    const fields = JSON.parse(request.body) as Record<string, string>;
    return new URLSearchParams(Object.entries(fields).filter(([, value]) => typeof value === 'string'));
  }
  return new URLSearchParams(request.body);
}

function tweetText(request: RecordedRequest): string | undefined {
  try {
    return (JSON.parse(request.body) as { text?: string }).text;
  } catch {
    return undefined;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
