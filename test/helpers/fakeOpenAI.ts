import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat completion request as the fake received it. */
export interface CompletionRequest {
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: any } };
  };
  receivedAt: number;
}

/** How the fake responds to one `POST /v1/chat/completions`. */
export type CompletionBehaviour =
  /** As many distinct good posts as the schema requires, each with the article URL when there is one. */
  | { kind: 'good' }
  /** These strings as the `variants` array. */
  | { kind: 'variants'; variants: string[] }
  /** This exact message content, valid JSON or not. */
  | { kind: 'content'; content: string }
  | { kind: 'refusal'; refusal: string }
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> }
  /** This exact response body, sent as JSON whether it is or not. */
  | { kind: 'raw'; status: number; body: string }
  /** Waits, then responds with `then` (default: good). */
  | { kind: 'slow'; delayMs: number; then?: CompletionBehaviour };

/**
 * A local stand-in for the OpenAI API speaking the chat completions wire format. Responses follow
 * `behaviours` in order, then `fallback`.
 */
export class FakeOpenAI {
  readonly requests: CompletionRequest[] = [];
  readonly behaviours: CompletionBehaviour[] = [];
  fallback: CompletionBehaviour = { kind: 'good' };
  baseUrl = '';
  private server?: http.Server;
  private nextId = 1;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Forgets recorded requests and queued behaviours between tests. */
  reset(): void {
    this.requests.length = 0;
    this.behaviours.length = 0;
    this.fallback = { kind: 'good' };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: `Unknown request URL: ${req.method} ${req.url}`, type: 'invalid_request_error', code: 'unknown_url' } });
        return;
      }
      const request: CompletionRequest = {
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        receivedAt: Date.now(),
      };
      this.requests.push(request);
      void this.answer(request, this.behaviours.shift() ?? this.fallback, res);
    });
  }

  private async answer(request: CompletionRequest, behaviour: CompletionBehaviour, res: http.ServerResponse): Promise<void> {
    switch (behaviour.kind) {
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
        if (!res.destroyed) {
          await this.answer(request, behaviour.then ?? { kind: 'good' }, res);
        }
        return;
      case 'error':
        sendJson(res, behaviour.status, behaviour.body, behaviour.headers);
        return;
      case 'raw':
        res.writeHead(behaviour.status, { 'content-type': 'application/json' });
        res.end(behaviour.body);
        return;
      case 'refusal':
        this.sendCompletion(res, request, null, behaviour.refusal);
        return;
      case 'content':
        this.sendCompletion(res, request, behaviour.content, null);
        return;
      case 'variants':
        this.sendCompletion(res, request, JSON.stringify({ variants: behaviour.variants }), null);
        return;
      case 'good':
        this.sendCompletion(res, request, JSON.stringify({ variants: goodVariants(request) }), null);
    }
  }

  private sendCompletion(res: http.ServerResponse, request: CompletionRequest, content: string | null, refusal: string | null): void {
    const id = this.nextId++;
    sendJson(res, 200, {
      id: `chatcmpl-fake${id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
      choices: [{
        index: 0,
        message: { role: 'assistant', content, refusal, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      }],
      usage: { prompt_tokens: 120, completion_tokens: 60, total_tokens: 180 },
    }, { 'x-request-id': `req_fake${id}` });
  }
}

/** Builds distinct good posts: as many as the request's schema requires, each with the article URL of its user message. */
function goodVariants(request: CompletionRequest): string[] {
  const count = request.body.response_format?.json_schema?.schema?.properties?.variants?.minItems ?? 1;
  const material = JSON.parse(request.body.messages.find((message) => message.role === 'user')?.content ?? '{}');
  const url: string | undefined = material.article?.url;
  return Array.from({ length: count }, (_, index) => `Fresh take number ${index + 1} on today's news 🚀${url ? ` ${url}` : ''}`);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
