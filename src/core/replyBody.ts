/**
 * Reading the body of a chat request's success answer: an SSE stream, or a whole JSON completion from a server that
 * ignored `stream: true`. Both yield the reply's events and end with at most one `error`; nothing here is sent again
 * (a gateway that answered with a success status has the request). The limits of streamLimits.ts apply to both, and
 * a `waiting` event says so while nothing of the reply has come.
 */
import { ChatStreamDecoder, eventsFromCompletion, type ChatStreamDecoderOptions } from './chatStreamDecoder';
import type { ChatEvent } from './chatTypes';
import type { GatewayError } from './gatewayError';
import { describeNetworkError, readBodyBounded, redactError, timeoutError, type Watchdog } from './gatewayHttp';
import type { Logger } from './logger';
import type { Redactor } from './redact';
import { DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_REPLY_CHARS, ReplyBudget, SseEventBudget } from './streamLimits';

/** After this long without any of the reply, the client says it is waiting (a `waiting` event). */
export const DEFAULT_WAITING_NOTICE_MS = 2000;

const WAITING = Symbol('waiting');

/** The `waiting` event of one attempt: due after a while, said at most once, and over once the reply began. */
export class WaitingNotice {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private over: boolean;
  readonly due: Promise<typeof WAITING>;

  /** `ms` not above 0 (or not finite): never said. */
  constructor(ms: number) {
    this.over = !(ms > 0 && Number.isFinite(ms));
    this.due = this.over
      ? new Promise(() => undefined)
      : new Promise((resolve) => {
          this.timer = setTimeout(() => resolve(WAITING), ms);
        });
  }

  get pending(): boolean {
    return !this.over;
  }

  /** Said, or no longer needed: never again. */
  end(): void {
    this.over = true;
    clearTimeout(this.timer);
  }
}

/** Awaits `promise`; if the notice falls due first, yields `waiting` meanwhile. Settles as `promise` does. */
export async function* untilSettled<T>(
  promise: Promise<T>,
  notice: WaitingNotice,
): AsyncGenerator<ChatEvent, T, undefined> {
  if (notice.pending) {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    if ((await Promise.race([settled, notice.due])) === WAITING) {
      notice.end();
      yield { type: 'waiting' };
    }
  }
  return await promise;
}

export interface BodyReading {
  readonly host: string;
  readonly status: number;
  readonly log: Logger | undefined;
  readonly redactor: Redactor;
  readonly watchdog: Watchdog;
  readonly notice: WaitingNotice;
  /** The caller's signal: once it aborted, reading ends without an error. */
  readonly signal: AbortSignal;
  readonly maxEventBytes?: number;
  readonly maxReplyChars?: number;
  readonly streamDecoder?: ChatStreamDecoderOptions;
}

/** A streamed reply: the SSE body decoded into events as it arrives, within the event and reply limits. */
export async function* readEventStream(
  stream: ReadableStream<Uint8Array>,
  reading: BodyReading,
): AsyncGenerator<ChatEvent, void, undefined> {
  const { host, log, redactor, watchdog, notice, signal } = reading;
  const decoder = new ChatStreamDecoder(host, reading.streamDecoder);
  const textDecoder = new TextDecoder('utf-8');
  // Counted before decoding: the parser keeps an unfinished line whole, so this is what bounds its memory.
  const eventBudget = new SseEventBudget(reading.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
  const replyBudget = new ReplyBudget(reading.maxReplyChars ?? DEFAULT_MAX_REPLY_CHARS);
  const body = stream.getReader();
  let bytes = 0;
  let failure: unknown;
  let oversized: GatewayError | undefined;
  watchdog.startIdle(() => void body.cancel().catch(() => undefined));
  try {
    reading: while (!decoder.closed) {
      watchdog.readStarted();
      const { done, value } = notice.pending ? yield* untilSettled(body.read(), notice) : await body.read();
      watchdog.readEnded();
      if (done || watchdog.fired) break;
      if (value.byteLength === 0) continue;
      bytes += value.byteLength;
      const fits = eventBudget.accept(value);
      const piece = fits < value.byteLength ? value.subarray(0, fits) : value;
      for (const event of decoder.feed(textDecoder.decode(piece, { stream: true }))) {
        const admitted = replyBudget.admit(event);
        if (admitted) {
          if (isReplyContent(admitted)) notice.end();
          yield redactEvent(admitted, redactor);
        }
        if (replyBudget.exceeded) {
          oversized = replyTooLong(replyBudget, host, log);
          break reading;
        }
      }
      if (fits < value.byteLength && !decoder.closed) {
        oversized = oversizedError('event', eventBudget.maxBytes, host);
        log?.warn(`${oversized.message} (${bytes} bytes received)`);
        break;
      }
    }
  } catch (error) {
    failure = error;
  } finally {
    watchdog.stopIdle();
    // However reading ended (the reply done, a failure, a limit, or the caller stopped iterating), the body is
    // released; the caller's abort then closes the connection.
    body.cancel().catch(() => undefined);
  }
  if (signal.aborted) return;
  if (oversized) {
    yield { type: 'error', error: oversized };
    return;
  }
  if (watchdog.fired) {
    const error = timeoutError('idle', watchdog.fired.ms, host, reading.status);
    log?.warn(`${error.message} (${bytes} bytes received)`);
    yield { type: 'error', error: redactError(error, redactor) };
    return;
  }
  if (failure !== undefined) {
    const reason = describeNetworkError(failure);
    log?.warn(`Stream from ${host} broke: ${reason}`);
    yield { type: 'error', error: redactError({ kind: 'interrupted', message: reason, host }, redactor) };
    return;
  }
  if (bytes === 0 && !decoder.closed) {
    log?.warn(`${host} closed the connection before the reply began.`);
    yield {
      type: 'error',
      error: { kind: 'interrupted', message: 'The connection closed before the reply began.', host },
    };
    return;
  }
  if (!decoder.closed) {
    for (const event of decoder.feed(textDecoder.decode())) yield redactEvent(event, redactor);
  }
  for (const event of decoder.end()) yield redactEvent(event, redactor);
}

/** A whole completion (the server ignored `stream: true`), read within the event limit, as the events of a stream. */
export async function* readWholeCompletion(
  response: Response,
  reading: BodyReading,
): AsyncGenerator<ChatEvent, void, undefined> {
  const { host, log, redactor, watchdog, notice, signal } = reading;
  const maxBytes = reading.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const whole = yield* untilSettled(readBodyBounded(response, maxBytes, watchdog), notice);
  if (signal.aborted) return;
  if (watchdog.fired) {
    const error = timeoutError('idle', watchdog.fired.ms, host, reading.status);
    log?.warn(error.message);
    yield { type: 'error', error: redactError(error, redactor) };
    return;
  }
  if (whole.truncated) {
    const error = oversizedError('event', maxBytes, host);
    log?.warn(error.message);
    yield { type: 'error', error };
    return;
  }
  if (whole.failure !== undefined) {
    const reason = describeNetworkError(whole.failure);
    log?.warn(`Response from ${host} broke: ${reason}`);
    yield { type: 'error', error: redactError({ kind: 'interrupted', message: reason, host }, redactor) };
    return;
  }
  const budget = new ReplyBudget(reading.maxReplyChars ?? DEFAULT_MAX_REPLY_CHARS);
  for (const event of eventsFromCompletion(whole.text, host, reading.streamDecoder)) {
    const admitted = budget.admit(event);
    if (admitted) yield redactEvent(admitted, redactor);
    if (budget.exceeded) {
      yield { type: 'error', error: replyTooLong(budget, host, log) };
      return;
    }
  }
}

function isReplyContent(event: ChatEvent): boolean {
  return event.type === 'text' || event.type === 'reasoning' || event.type === 'toolCallDelta';
}

function oversizedError(what: 'event' | 'reply', limit: number, host: string): GatewayError {
  const message =
    what === 'event'
      ? `The gateway sent an oversized event (over ${formatMiB(limit)}); the reply was stopped there.`
      : `The reply grew past ${limit} characters; it was stopped there.`;
  return { kind: 'oversized', message, host, oversized: what, sizeLimit: limit };
}

function replyTooLong(budget: ReplyBudget, host: string, log: Logger | undefined): GatewayError {
  const error = oversizedError('reply', budget.maxChars, host);
  log?.warn(error.message);
  return error;
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

export function redactEvent(event: ChatEvent, redactor: Redactor): ChatEvent {
  return event.type === 'error' ? { type: 'error', error: redactError(event.error, redactor) } : event;
}
