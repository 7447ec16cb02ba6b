import { ChatStreamDecoder, completionEvents, type ChatStreamDecoderOptions } from './chatStreamDecoder';
import type { ChatCompletionRequest, ChatEvent } from './chatTypes';
import {
  buildRequestHeaders,
  describeNetworkError,
  fetchSameOrigin,
  formatDuration,
  hostOf,
  MAX_ERROR_BODY_BYTES,
  raceAbort,
  readBodyBounded,
  redactError,
  redactingLogger,
  redactorFor,
  timeoutError,
  urlForLog,
  Watchdog,
} from './gatewayHttp';
import { kindForStatus, readErrorBody, summarizeErrorText, type GatewayError } from './gatewayError';
import type { Logger } from './logger';
import type { Redactor } from './redact';
import {
  DEFAULT_MAX_RETRIES,
  isRetryableNetworkError,
  isRetryableResponse,
  planRetry,
  serverRetryDelayMs,
  systemClock,
  type RetryClock,
  type RetryOptions,
} from './retryPolicy';

export { describeNetworkError, hostOf } from './gatewayHttp';

/** Time until the response headers arrive. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** Time between any two received bytes once the answer began (SSE comments count). */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** A whole (non-streamed) completion larger than this is refused. */
const MAX_COMPLETION_BODY_BYTES = 16 * 1024 * 1024;

export interface ChatClientOptions extends RetryOptions {
  /** For example `https://api.ofox.ai/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; an empty key sends no `Authorization` header. */
  readonly apiKey: string;
  readonly logger?: Logger;
  /** The fetch to use; VS Code's global fetch (proxy- and certificate-aware) by default. */
  readonly fetch?: typeof fetch;
  /**
   * Extra request headers (a user setting). They cannot replace `Authorization`, `Content-Type` or the framing
   * headers (those are skipped with a log line); values of auth-like names are masked in logs and errors.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds until the response headers; default 30 s; 0 turns it off. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds allowed between two received bytes; default 120 s; 0 turns it off. */
  readonly idleTimeoutMs?: number;
  /** Same-origin redirects followed; default 5. Redirects to another origin are never followed. */
  readonly maxRedirects?: number;
  /** Time, randomness and sleep for the retry waits; the real ones by default. */
  readonly clock?: RetryClock;
  /** Passed to the stream decoder (and used for a non-streamed answer): `<think>` splitting and the like. */
  readonly streamDecoder?: ChatStreamDecoderOptions;
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * Sends one streamed chat completion and yields its events as they arrive. Failures are yielded as one final
 * `error` event (never thrown); an abort through `signal` ends the iteration quietly. Whatever text was yielded
 * before a failure stays valid: the caller keeps the partial reply.
 *
 * A request that fails before any byte of the reply arrived (408/409/429/5xx, a refused or reset connection, a
 * connect timeout) is sent again, at most `maxRetries` times, each time after a `retrying` event; a reply that began
 * is never replayed. Nothing the client logs or reports contains the key or an auth-like header value.
 */
export async function* streamChatCompletion(
  options: ChatClientOptions,
  request: ChatCompletionRequest,
  signal: AbortSignal,
): AsyncGenerator<ChatEvent, void, undefined> {
  const redactor = redactorFor(options.apiKey, options.headers);
  const log = redactingLogger(options.logger, redactor);
  const clock = options.clock ?? systemClock;
  const url = chatCompletionsUrl(options.baseUrl);
  const host = hostOf(url);
  log?.info(`POST ${urlForLog(url)} model=${request.model} messages=${request.messages.length}`);
  if (signal.aborted) return;

  if (!URL.canParse(url)) {
    const message = `The base URL is not a valid URL: ${options.baseUrl}`;
    yield { type: 'error', error: redactError({ kind: 'badRequest', message, host }, redactor) };
    return;
  }
  const headers = buildRequestHeaders(
    {
      'Content-Type': 'application/json',
      ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
    },
    { Accept: 'text/event-stream', ...options.headers },
    log,
  );
  const body = JSON.stringify(request);

  const context: AttemptContext = { options, url, host, headers, body, signal, clock, log, redactor };
  const maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
  for (let retriesDone = 0; ; retriesDone++) {
    const outcome = yield* attempt(context);
    if (outcome.kind !== 'failed' || signal.aborted) return;

    const plan = planRetry(
      { retriesDone, retryable: outcome.retryable, serverDelayMs: outcome.serverDelayMs },
      options,
      () => clock.random(),
    );
    if (plan.action === 'retry') {
      const reason = redactor.redact(retryReason(outcome.error));
      log?.warn(`Retrying in ${formatDuration(plan.delayMs)} (retry ${retriesDone + 1} of ${maxRetries}): ${reason}`);
      yield { type: 'retrying', attempt: retriesDone + 1, delayMs: plan.delayMs, reason };
      await clock.sleep(plan.delayMs, signal);
      if (signal.aborted) return;
      continue;
    }
    if (plan.why === 'tooLong' && plan.retryAfterMs !== undefined) {
      log?.warn(`${host} asked to wait ${formatDuration(plan.retryAfterMs)} before retrying: not waiting that long.`);
    }
    const error =
      plan.retryAfterMs !== undefined ? { ...outcome.error, retryAfterMs: plan.retryAfterMs } : outcome.error;
    yield { type: 'error', error: redactError(error, redactor) };
    return;
  }
}

interface AttemptContext {
  readonly options: ChatClientOptions;
  readonly url: string;
  readonly host: string;
  readonly headers: Headers;
  readonly body: string;
  readonly signal: AbortSignal;
  readonly clock: RetryClock;
  readonly log: Logger | undefined;
  readonly redactor: Redactor;
}

type AttemptOutcome =
  /** The attempt yielded everything itself (a reply, possibly ending in an error), or was aborted. */
  | { readonly kind: 'done' }
  /** Failed before any byte of the reply: the caller decides whether to retry or to report `error`. */
  | {
      readonly kind: 'failed';
      readonly error: GatewayError;
      readonly retryable: boolean;
      readonly serverDelayMs?: number;
    };

const DONE: AttemptOutcome = { kind: 'done' };

/** One request: sends it, and either streams the reply or reports a failure that happened before it began. */
async function* attempt(context: AttemptContext): AsyncGenerator<ChatEvent, AttemptOutcome, undefined> {
  const { options, url, host, signal, log, redactor } = context;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort();
  signal.addEventListener('abort', forwardAbort, { once: true });
  const watchdog = new Watchdog(
    controller,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  );
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    if (signal.aborted) return DONE;
    watchdog.startConnect();
    let fetched;
    try {
      fetched = await raceAbort(
        fetchSameOrigin(
          options.fetch ?? fetch,
          url,
          { method: 'POST', headers: context.headers, body: context.body, signal: controller.signal },
          { maxRedirects: options.maxRedirects, log },
        ),
        controller.signal,
        (late) => {
          if ('response' in late) void late.response.body?.cancel().catch(() => undefined);
        },
      );
    } catch (error) {
      if (signal.aborted) return DONE;
      if (watchdog.fired) {
        log?.warn(`No response headers from ${host} within ${formatDuration(watchdog.fired.ms)} (connect timeout).`);
        return { kind: 'failed', error: timeoutError('connect', watchdog.fired.ms, host), retryable: true };
      }
      const reason = describeNetworkError(error);
      log?.warn(`Request to ${host} failed: ${reason}`);
      return {
        kind: 'failed',
        error: { kind: 'network', message: reason, host },
        retryable: isRetryableNetworkError(error),
      };
    }
    watchdog.stopConnect();
    if ('error' in fetched) return { kind: 'failed', error: fetched.error, retryable: false };
    const response = fetched.response;
    const contentType = response.headers.get('content-type') ?? '';
    log?.info(`HTTP ${response.status} ${contentType} from ${host}`);

    if (!response.ok) {
      const errorBody = await readBodyBounded(response, MAX_ERROR_BODY_BYTES, watchdog);
      if (signal.aborted) return DONE;
      const summary = summarizeErrorText(errorBody.text);
      const codes = errorCodes(errorBody.text);
      const error: GatewayError = {
        kind: kindForStatus(response.status),
        status: response.status,
        message: summary.message || `HTTP ${response.status} ${response.statusText}`.trim(),
        host,
        ...(summary.code ? { code: summary.code } : {}),
        ...(summary.details ? { details: summary.details } : {}),
      };
      log?.warn(`Gateway error ${response.status}: ${error.message}`);
      const serverDelayMs = serverRetryDelayMs(response.headers, context.clock.now());
      return {
        kind: 'failed',
        error,
        retryable: isRetryableResponse(response.status, response.headers, { codes, message: summary.message }),
        ...(serverDelayMs !== undefined ? { serverDelayMs } : {}),
      };
    }

    if (/\btext\/html\b/i.test(contentType)) {
      await response.body?.cancel().catch(() => undefined);
      const message = 'The server answered with a web page instead of a chat reply (a proxy or login page?).';
      log?.warn(`Unexpected HTML answer from ${host}`);
      return {
        kind: 'failed',
        error: { kind: 'unexpectedResponse', status: response.status, message, host },
        retryable: false,
      };
    }

    if (/\bapplication\/json\b/i.test(contentType)) {
      // The server ignored `stream: true` and sent the whole completion at once.
      const whole = await readBodyBounded(response, MAX_COMPLETION_BODY_BYTES, watchdog);
      if (signal.aborted) return DONE;
      if (watchdog.fired) {
        const error = timeoutError('idle', watchdog.fired.ms, host, response.status);
        log?.warn(error.message);
        if (whole.bytes === 0) return { kind: 'failed', error, retryable: true };
        yield { type: 'error', error: redactError(error, redactor) };
        return DONE;
      }
      if (whole.truncated) {
        const error: GatewayError = { kind: 'unexpectedResponse', message: 'The response was too large.', host };
        yield { type: 'error', error };
        return DONE;
      }
      if (whole.failure !== undefined) {
        const reason = describeNetworkError(whole.failure);
        log?.warn(`Response from ${host} broke: ${reason}`);
        const error: GatewayError = { kind: 'interrupted', message: reason, host };
        if (whole.bytes === 0) return { kind: 'failed', error, retryable: true };
        yield { type: 'error', error: redactError(error, redactor) };
        return DONE;
      }
      for (const event of eventsFromCompletion(whole.text, host, options.streamDecoder))
        yield redactEvent(event, redactor);
      return DONE;
    }

    if (!response.body) {
      return {
        kind: 'failed',
        error: { kind: 'unexpectedResponse', message: 'The response had no body.', host },
        retryable: false,
      };
    }

    const decoder = new ChatStreamDecoder(host, options.streamDecoder);
    const textDecoder = new TextDecoder('utf-8');
    const body = response.body.getReader();
    reader = body;
    let bytes = 0;
    let failure: unknown;
    watchdog.startIdle(() => void body.cancel().catch(() => undefined));
    try {
      while (!decoder.closed) {
        watchdog.readStarted();
        const { done, value } = await body.read();
        watchdog.readEnded();
        if (done || watchdog.fired) break;
        if (value.byteLength === 0) continue;
        bytes += value.byteLength;
        for (const event of decoder.feed(textDecoder.decode(value, { stream: true })))
          yield redactEvent(event, redactor);
      }
    } catch (error) {
      failure = error;
    }
    watchdog.stopIdle();
    if (signal.aborted) return DONE;
    if (watchdog.fired) {
      const error = timeoutError('idle', watchdog.fired.ms, host, response.status);
      log?.warn(`${error.message} (${bytes} bytes received)`);
      // Nothing of the reply arrived: as safe to send again as a connection that never answered.
      if (bytes === 0) return { kind: 'failed', error, retryable: true };
      yield { type: 'error', error: redactError(error, redactor) };
      return DONE;
    }
    if (failure !== undefined) {
      const reason = describeNetworkError(failure);
      log?.warn(`Stream from ${host} broke: ${reason}`);
      const error: GatewayError = { kind: 'interrupted', message: reason, host };
      if (bytes === 0) return { kind: 'failed', error, retryable: true };
      yield { type: 'error', error: redactError(error, redactor) };
      return DONE;
    }
    if (bytes === 0 && !decoder.closed) {
      log?.warn(`${host} closed the connection before the reply began.`);
      const error: GatewayError = {
        kind: 'interrupted',
        message: 'The connection closed before the reply began.',
        host,
      };
      return { kind: 'failed', error, retryable: true };
    }
    if (!decoder.closed) {
      for (const event of decoder.feed(textDecoder.decode())) yield redactEvent(event, redactor);
    }
    for (const event of decoder.end()) yield redactEvent(event, redactor);
    return DONE;
  } finally {
    watchdog.clear();
    signal.removeEventListener('abort', forwardAbort);
    // However the attempt ended (done, failed, timed out, or the caller stopped iterating), the connection closes.
    reader?.cancel().catch(() => undefined);
    controller.abort();
  }
}

function redactEvent(event: ChatEvent, redactor: Redactor): ChatEvent {
  return event.type === 'error' ? { type: 'error', error: redactError(event.error, redactor) } : event;
}

function retryReason(error: GatewayError): string {
  const text = error.status !== undefined ? `HTTP ${error.status}: ${error.message}` : error.message;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Every `error.code` and `error.type` of an error body (the quota check reads both). */
function errorCodes(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const codes: string[] = [];
  const summary = readErrorBody(value);
  if (summary?.code) codes.push(summary.code);
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).error : undefined;
  if (typeof inner === 'object' && inner !== null) {
    for (const key of ['code', 'type', 'status'] as const) {
      const field = (inner as Record<string, unknown>)[key];
      if (typeof field === 'string') codes.push(field);
    }
  }
  return codes;
}

/** A whole `chat.completion` (the server ignored `stream: true`) as the same events a stream of it would give. */
function* eventsFromCompletion(
  text: string,
  host: string,
  decoderOptions: ChatStreamDecoderOptions | undefined,
): Generator<ChatEvent> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    yield { type: 'error', error: { kind: 'unexpectedResponse', message: 'The response was not valid JSON.', host } };
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    yield {
      type: 'error',
      error: { kind: 'unexpectedResponse', message: 'The response was not a chat completion.', host },
    };
    return;
  }
  const record = body as Record<string, unknown>;
  if (record.error !== undefined) {
    yield { type: 'error', error: { kind: 'streamError', message: summarizeErrorText(text).message, host } };
    return;
  }
  if (!Array.isArray(record.choices)) {
    yield {
      type: 'error',
      error: { kind: 'unexpectedResponse', message: 'The response was not a chat completion.', host },
    };
    return;
  }
  yield* completionEvents(record, decoderOptions);
}
