/**
 * A local OpenAI-compatible gateway for tests: an HTTP server on 127.0.0.1 whose answers to
 * `POST /v1/chat/completions` are scripted per test, byte by byte. It records every request it receives and
 * validates chat bodies against OpenAI's schema. Used by the unit tests and, loaded from
 * out/test/support/fakeGateway.js, by the integration suite inside the extension host: node built-ins and ajv only.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { compileSchemas, validateChatCompletionRequest } from './requestSchema';

export type ReplyStep =
  /** Write raw bytes to the response body. */
  | { kind: 'write'; data: string | Uint8Array }
  /**
   * Write `data` `times` times, each write waiting until the socket took the last (a gateway that keeps sending as
   * fast as the client reads); stops as soon as the client goes away.
   */
  | { kind: 'repeat'; data: string | Uint8Array; times: number }
  /** Pause. */
  | { kind: 'wait'; ms: number }
  /** Pause until `gateway.release()` is called (or the client goes away). */
  | { kind: 'hold' }
  /** Drop the TCP connection abruptly (no proper end of the body; as the first step: no HTTP answer at all). */
  | { kind: 'destroy' };

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  steps: ReplyStep[];
  /**
   * Send the status line and headers only with the first written byte, not at once: a `wait` or `hold` before the
   * first `write` is then a server that has not answered at all (no headers), as a gateway slow to answer.
   */
  holdHeaders?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON, or the raw string if it is not JSON. */
  body: unknown;
  /** From `validateChatCompletionRequest` for `POST …/chat/completions`; `[]` otherwise. */
  schemaErrors: string[];
  /** True once the client closed the connection before the reply finished. */
  clientClosedEarly: boolean;
  /** Resolves when the client closed the connection before the reply finished. */
  whenClientClosed: Promise<void>;
  /** Bytes of the response body written to the socket so far. */
  bytesSent: number;
}

const CHAT_PATH = '/v1/chat/completions';
const MODELS_PATH = '/v1/models';
const DEFAULT_MODEL = 'openai/gpt-4o';

interface Waiter {
  resolve(request: RecordedRequest): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class FakeGateway {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedReply[] = [];
  private readonly pathQueues = new Map<string, ScriptedReply[]>();
  private readonly sockets = new Set<Socket>();
  private readonly holds = new Set<() => void>();
  private readonly replies = new Set<AbortController>();
  private readonly waiters: Waiter[] = [];
  private taken = 0;
  private chatTaken = 0;
  private closed = false;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  /** `http://127.0.0.1:<port>/v1` */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Starts on a free port, or on `options.port` (a test that first needs that port to refuse connections). */
  static async start(options: { port?: number } = {}): Promise<FakeGateway> {
    compileSchemas();
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const gateway = new FakeGateway(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket: Socket) => {
      gateway.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => gateway.sockets.delete(socket));
      if (gateway.closed) socket.destroy();
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => gateway.onRequest(req, res));
    return gateway;
  }

  /** Replies for the next `POST /v1/chat/completions` requests, in order. */
  enqueue(...replies: ScriptedReply[]): void {
    this.queue.push(...replies);
  }

  /**
   * Replies for the next requests to exactly this path (any method; a trailing slash is ignored), in order, taken
   * before the default routes: a redirect target, a second API version, a scripted `GET /v1/models`.
   */
  enqueueAt(path: string, ...replies: ScriptedReply[]): void {
    const route = normalizeRoute(path);
    const queue = this.pathQueues.get(route) ?? [];
    queue.push(...replies);
    this.pathQueues.set(route, queue);
  }

  /** Replies for the next `GET /v1/models` requests (then the default list again). */
  enqueueModels(...replies: ScriptedReply[]): void {
    this.enqueueAt(MODELS_PATH, ...replies);
  }

  /** The next request not yet taken by `nextRequest` (already-received ones first). */
  nextRequest(timeoutMs = 10_000): Promise<RecordedRequest> {
    if (this.taken < this.requests.length) return Promise.resolve(this.requests[this.taken++]);
    if (this.closed) return Promise.reject(new Error('FakeGateway: closed'));
    return new Promise<RecordedRequest>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new Error(`FakeGateway: no request arrived within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Every chat completion request received so far (POST …/chat/completions), oldest first. */
  chatRequests(): RecordedRequest[] {
    return this.requests.filter(isChatRequest);
  }

  /**
   * The next chat completion request (POST …/chat/completions) not yet taken by this method, skipping everything else
   * the client asks for (the model list it loads when the panel opens, say).
   */
  async nextChatRequest(timeoutMs = 10_000): Promise<RecordedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const chats = this.chatRequests();
      if (this.chatTaken < chats.length) return chats[this.chatTaken++];
      if (this.closed) throw new Error('FakeGateway: closed');
      if (Date.now() > deadline) throw new Error(`FakeGateway: no chat request arrived within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Lets every current `hold` step continue. */
  release(): void {
    const holds = [...this.holds];
    this.holds.clear();
    for (const resume of holds) resume();
  }

  /** Closes the server and every open connection; pending `nextRequest` calls reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const reply of this.replies) reply.abort();
    this.release();
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('FakeGateway: closed'));
    }
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections?.();
    await closing;
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.taken++;
      waiter.resolve(request);
    }
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.respond(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        // A broken script (invalid header, say): say so, and drop the connection rather than hang the client.
        console.error('FakeGateway: could not play the scripted reply:', error);
        if (!res.destroyed) res.destroy();
      });
    });
  }

  private async respond(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const body = parseBody(raw);
    const isChat = method === 'POST' && /\/chat\/completions\/?$/.test(url.pathname);

    let replyFinished = false;
    let serverDropped = false;
    let markClosed!: () => void;
    const whenClientClosed = new Promise<void>((resolve) => (markClosed = resolve));
    const recorded: RecordedRequest = {
      method,
      path: url.pathname + url.search,
      headers,
      body,
      schemaErrors: isChat ? validateChatCompletionRequest(body) : [],
      clientClosedEarly: false,
      whenClientClosed,
      bytesSent: 0,
    };
    const control = new AbortController();
    const onClose = () => {
      if (replyFinished || serverDropped || recorded.clientClosedEarly || this.closed) return;
      recorded.clientClosedEarly = true;
      control.abort();
      markClosed();
    };
    res.on('close', onClose);
    req.socket.on('close', onClose);
    this.record(recorded);

    const reply = this.replyFor(method, url.pathname, isChat);
    this.replies.add(control);
    try {
      if (res.destroyed || control.signal.aborted) return;
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      // The status line and headers go out at once (a stalled stream still has its headers), unless the reply
      // starts by dropping the connection (then the client gets no HTTP answer at all) or holds its headers.
      if (reply.steps[0]?.kind !== 'destroy' && !reply.holdHeaders) res.flushHeaders();
      for (const step of reply.steps) {
        if (control.signal.aborted || res.destroyed) return;
        switch (step.kind) {
          case 'write':
            await write(res, step.data, control.signal);
            recorded.bytesSent += byteLength(step.data);
            break;
          case 'repeat':
            for (let i = 0; i < step.times && !control.signal.aborted && !res.destroyed; i++) {
              await write(res, step.data, control.signal);
              recorded.bytesSent += byteLength(step.data);
            }
            break;
          case 'wait':
            await sleep(step.ms, control.signal);
            break;
          case 'hold':
            await this.hold(control.signal);
            break;
          case 'destroy':
            serverDropped = true;
            req.socket.destroy();
            return;
        }
      }
      if (control.signal.aborted || res.destroyed) return;
      replyFinished = true;
      res.end();
    } finally {
      this.replies.delete(control);
      req.socket.off('close', onClose);
    }
  }

  private replyFor(method: string, pathname: string, isChat: boolean): ScriptedReply {
    const route = normalizeRoute(pathname);
    const scripted = this.pathQueues.get(route)?.shift();
    if (scripted) return scripted;
    if (method === 'POST' && route === CHAT_PATH) {
      return (
        this.queue.shift() ??
        errorReply(500, 'FakeGateway: no scripted reply for this request', { type: 'server_error' })
      );
    }
    if (method === 'GET' && route === MODELS_PATH) return modelListReply(DEFAULT_MODEL_LIST);
    return errorReply(404, `Unknown request URL: ${method} ${pathname}. Please check the URL for typos.`, {
      type: 'invalid_request_error',
      code: isChat ? 'unknown_url' : 'not_found',
    });
  }

  private hold(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const resume = () => {
        this.holds.delete(resume);
        signal.removeEventListener('abort', resume);
        resolve();
      };
      this.holds.add(resume);
      signal.addEventListener('abort', resume, { once: true });
    });
  }
}

function normalizeRoute(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

function parseBody(raw: string): unknown {
  if (raw === '') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** Writes and waits until the bytes are handed to the socket, so a later `destroy` cannot swallow them. */
function write(res: http.ServerResponse, data: string | Uint8Array, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    try {
      res.write(data, () => done());
    } catch {
      done();
    }
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Builders

let replyCounter = 0;

function completionId(): string {
  replyCounter += 1;
  return `chatcmpl-fake${Date.now().toString(36)}${replyCounter.toString(36)}`;
}

function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/**
 * A realistic OpenAI-shaped stream (model `openai/gpt-4o` unless given): a role-only first chunk, one chunk per
 * delta, a chunk with the finish reason (default `stop`; `null` leaves it out), a usage chunk with `choices: []`
 * (unless `usage: false`; 12 prompt tokens, one completion token per delta) and `data: [DONE]` (unless
 * `done: false`). `delayMs` waits between deltas; `holdAfter: N` holds after the N-th delta (0: before the first).
 */
export function sseReply(
  deltas: string[],
  options: {
    model?: string;
    finishReason?: string | null;
    usage?: boolean;
    delayMs?: number;
    holdAfter?: number;
    done?: boolean;
  } = {},
): ScriptedReply {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const model = options.model ?? DEFAULT_MODEL;
  const base = { id, object: 'chat.completion.chunk', created, model };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
    sseData({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });

  const steps: ReplyStep[] = [{ kind: 'write', data: chunk({ role: 'assistant' }, null) }];
  if (options.holdAfter === 0) steps.push({ kind: 'hold' });
  deltas.forEach((content, index) => {
    if (index > 0 && options.delayMs) steps.push({ kind: 'wait', ms: options.delayMs });
    steps.push({ kind: 'write', data: chunk({ content }, null) });
    if (options.holdAfter === index + 1) steps.push({ kind: 'hold' });
  });
  const finishReason = options.finishReason === undefined ? 'stop' : options.finishReason;
  if (finishReason !== null) steps.push({ kind: 'write', data: chunk({}, finishReason) });
  if (options.usage !== false) {
    const promptTokens = 12;
    const completionTokens = deltas.length;
    steps.push({
      kind: 'write',
      data: sseData({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      }),
    });
  }
  if (options.done !== false) steps.push({ kind: 'write', data: 'data: [DONE]\n\n' });
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': id },
    steps,
  };
}

/**
 * A streamed reply that calls tools, the way OpenAI streams them: an optional text first, then each call's id and
 * name in its first delta and its JSON arguments in pieces of `pieceChars`, then finish reason `tool_calls` and usage.
 */
export function sseToolCalls(
  calls: readonly { readonly id: string; readonly name: string; readonly arguments: unknown }[],
  options: { text?: string; model?: string; pieceChars?: number; delayMs?: number } = {},
): ScriptedReply {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const base = { id, object: 'chat.completion.chunk', created, model: options.model ?? DEFAULT_MODEL };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
    sseData({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const steps: ReplyStep[] = [{ kind: 'write', data: chunk({ role: 'assistant' }, null) }];
  if (options.text) steps.push({ kind: 'write', data: chunk({ content: options.text }, null) });
  const piece = Math.max(1, options.pieceChars ?? 12);
  calls.forEach((call, index) => {
    const text = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    steps.push({
      kind: 'write',
      data: chunk(
        { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
        null,
      ),
    });
    for (let at = 0; at < text.length; at += piece) {
      if (options.delayMs) steps.push({ kind: 'wait', ms: options.delayMs });
      steps.push({
        kind: 'write',
        data: chunk({ tool_calls: [{ index, function: { arguments: text.slice(at, at + piece) } }] }, null),
      });
    }
  });
  steps.push({ kind: 'write', data: chunk({}, 'tool_calls') });
  steps.push({
    kind: 'write',
    data: sseData({ ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 } }),
  });
  steps.push({ kind: 'write', data: 'data: [DONE]\n\n' });
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': id },
    steps,
  };
}

const DEFAULT_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  402: 'insufficient_quota',
  403: 'permission_denied',
  404: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

/** An error answer with OpenAI's body: `{error:{message, type, code, param:null}}`. */
export function errorReply(
  status: number,
  message: string,
  options: { type?: string; code?: string; headers?: Record<string, string> } = {},
): ScriptedReply {
  const body = {
    error: {
      message,
      type: options.type ?? DEFAULT_ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      code: options.code ?? null,
      param: null,
    },
  };
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
    steps: [{ kind: 'write', data: JSON.stringify(body) }],
  };
}

/** A whole (non-streamed) `chat.completion`, as a server that ignores `stream: true` sends it. */
export function jsonCompletionReply(text: string, options: { model?: string } = {}): ScriptedReply {
  const body = {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: options.model ?? DEFAULT_MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    system_fingerprint: 'fp_fake',
  };
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    steps: [{ kind: 'write', data: JSON.stringify(body) }],
  };
}

const MODEL_CREATED = 1_715_367_049;
const DEFAULT_MODEL_LIST = [
  { id: 'openai/gpt-4o', object: 'model', created: MODEL_CREATED, owned_by: 'openai' },
  { id: 'openai/gpt-4o-mini', object: 'model', created: MODEL_CREATED, owned_by: 'openai' },
  { id: 'anthropic/claude-sonnet-4.5', object: 'model', created: MODEL_CREATED, owned_by: 'anthropic' },
];

/**
 * A `GET /models` answer: `{object:"list", data}` with the given entries as they are (plain OpenAI entries, OpenRouter
 * metadata, or deliberately malformed ones).
 */
export function modelListReply(
  data: readonly unknown[],
  options: { headers?: Record<string, string> } = {},
): ScriptedReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', ...options.headers },
    steps: [{ kind: 'write', data: JSON.stringify({ object: 'list', data }) }],
  };
}

function isChatRequest(request: RecordedRequest): boolean {
  return request.method === 'POST' && /\/chat\/completions\/?$/.test(request.path);
}
