import type { ChatStreamDecoderOptions } from './chatStreamDecoder';
import type { ChatCompletionRequest, ChatEvent } from './chatTypes';
import {
  authorizationFor,
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
import { errorCodes, kindForStatus, summarizeErrorText, type GatewayError } from './gatewayError';
import type { Logger } from './logger';
import type { Redactor } from './redact';
import {
  DEFAULT_WAITING_NOTICE_MS,
  readEventStream,
  readWholeCompletion,
  untilSettled,
  WaitingNotice,
  type BodyReading,
} from './replyBody';
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

/**
 * The longest wait for the gateway: for its answer once the request was sent, and between any two received bytes
 * once the answer began (SSE comments count).
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

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
  /**
   * Milliseconds the client waits for the gateway to answer, and then between two received bytes; default 120 s; 0
   * turns it off. A request that times out before the answer is not sent again (the gateway may be working on it).
   */
  readonly idleTimeoutMs?: number;
  /** Milliseconds without any of the reply before a `waiting` event; default 2 s; 0 turns it off. */
  readonly waitingNoticeMs?: number;
  /** Same-origin redirects followed; default 5. Redirects to another origin are never followed. */
  readonly maxRedirects?: number;
  /** Time, randomness and sleep for the retry waits; the real ones by default. */
  readonly clock?: RetryClock;
  /** Passed to the stream decoder (and used for a non-streamed answer): `<think>` splitting and the like. */
  readonly streamDecoder?: ChatStreamDecoderOptions;
  /**
   * Bytes one SSE event (or a whole non-streamed completion) may have; default 16 MiB. Past it the request ends with
   * an `oversized` error and what arrived before stays valid.
   */
  readonly maxEventBytes?: number;
  /** Characters a reply (text, reasoning, tool-call arguments) may have; default 16 million. Past it, as above. */
  readonly maxReplyChars?: number;
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * Sends one streamed chat completion and yields its events as they arrive. Failures are yielded as one final
 * `error` event (never thrown); an abort through `signal` ends the iteration quietly. Whatever text was yielded
 * before a failure stays valid: the caller keeps the partial reply.
 *
 * A request is sent again (at most `maxRetries` times, each time after a `retrying` event) only when it cannot have
 * been billed: the gateway answered with a retryable status (408/409/429/5xx, `x-should-retry`), or the connection
 * never opened (refused, no route, a temporary DNS failure). A request the gateway may have accepted (no answer in
 * time, a connection that broke after it went out, a success status whose body then failed) is never replayed; a
 * `waiting` event says when the answer is slow in coming. Nothing the client logs or reports contains the key or an
 * auth-like header value.
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
  const authorization = authorizationFor(options.apiKey, host);
  if ('error' in authorization) {
    // Reported before anything is sent: the runtime would refuse the header on every attempt.
    log?.warn(authorization.error.message);
    yield { type: 'error', error: redactError(authorization.error, redactor) };
    return;
  }
  const headers = buildRequestHeaders(
    { 'Content-Type': 'application/json', ...authorization.headers },
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

/** One request: sends it, and either reads the reply or reports a failure that happened before it began. */
async function* attempt(context: AttemptContext): AsyncGenerator<ChatEvent, AttemptOutcome, undefined> {
  const { options, url, host, signal, log, redactor } = context;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort();
  signal.addEventListener('abort', forwardAbort, { once: true });
  // No separate connect timer: fetch does not tell when the request went out, and a gateway may take long to answer
  // one it has (a large model loading, a buffering proxy). The whole wait for the answer is idle time.
  const watchdog = new Watchdog(controller, undefined, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  const notice = new WaitingNotice(options.waitingNoticeMs ?? DEFAULT_WAITING_NOTICE_MS);
  try {
    if (signal.aborted) return DONE;
    watchdog.startIdle();
    watchdog.readStarted();
    let fetched;
    try {
      const sending = raceAbort(
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
      fetched = yield* untilSettled(sending, notice);
    } catch (error) {
      if (signal.aborted) return DONE;
      if (watchdog.fired) {
        // The gateway may have the request and still be working on it: sending it again could bill it twice.
        const timeout = timeoutError('headers', watchdog.fired.ms, host);
        log?.warn(timeout.message);
        return { kind: 'failed', error: timeout, retryable: false };
      }
      const reason = describeNetworkError(error);
      log?.warn(`Request to ${host} failed: ${reason}`);
      return {
        kind: 'failed',
        error: { kind: 'network', message: reason, host },
        retryable: isRetryableNetworkError(error),
      };
    }
    watchdog.readEnded();
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

    // A success status: the gateway has the request, so from here on nothing is sent again.
    const reading: BodyReading = {
      host,
      status: response.status,
      log,
      redactor,
      watchdog,
      notice,
      signal,
      maxEventBytes: options.maxEventBytes,
      maxReplyChars: options.maxReplyChars,
      streamDecoder: options.streamDecoder,
    };
    if (/\bapplication\/json\b/i.test(contentType)) {
      // The server ignored `stream: true` and sent the whole completion at once.
      yield* readWholeCompletion(response, reading);
    } else if (response.body) {
      yield* readEventStream(response.body, reading);
    } else {
      yield { type: 'error', error: { kind: 'unexpectedResponse', message: 'The response had no body.', host } };
    }
    return DONE;
  } finally {
    notice.end();
    watchdog.clear();
    signal.removeEventListener('abort', forwardAbort);
    // However the attempt ended (done, failed, timed out, or the caller stopped iterating), the connection closes.
    controller.abort();
  }
}

function retryReason(error: GatewayError): string {
  const text = error.status !== undefined ? `HTTP ${error.status}: ${error.message}` : error.message;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
