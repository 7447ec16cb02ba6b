/**
 * The HTTP plumbing shared by the chat client and the model catalog: request headers that cannot be overridden,
 * same-origin-only redirects (the key never leaves the configured origin), timeouts that really close the
 * connection, bounded body reads, and redaction of everything logged or reported. Web-standard globals only.
 */
import { describeKeyCharacter, findKeyCharacter } from './apiKeyText';
import type { GatewayError } from './gatewayError';
import type { Logger } from './logger';
import { Redactor } from './redact';

export const DEFAULT_MAX_REDIRECTS = 5;
/** An error body is read up to this many bytes (its message is all that is used). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A URL as logged: no user info, no query values (either may hold a credential). */
export function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The `Authorization` header for `apiKey` (none for an empty key), or the error when the key cannot be sent: a
 * character outside visible ASCII (an earlier version stored a pasted key as it came) would make the runtime refuse
 * the header, with a message that quotes it, on every request.
 */
export function authorizationFor(
  apiKey: string,
  host: string,
): { readonly headers: Readonly<Record<string, string>> } | { readonly error: GatewayError } {
  if (!apiKey) return { headers: {} };
  const character = findKeyCharacter(apiKey);
  if (!character) return { headers: { Authorization: `Bearer ${apiKey}` } };
  return {
    error: {
      kind: 'invalidApiKey',
      message: `The stored API key for ${host} contains ${describeKeyCharacter(character)}; set it again.`,
      host,
      keyCharacter: character.codePoint,
      keyPosition: character.position,
    },
  };
}

/** Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: string }).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}

// ---------------------------------------------------------------------------------------------------------------
// Headers and redaction

/** Headers the client sets itself (or that describe the framing of the body): extra headers may not replace them. */
const PROTECTED_HEADERS = new Set([
  'authorization',
  'content-type',
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'expect',
]);

/** Header names whose values are credentials: they are masked in every log line and error message. */
export function isAuthLikeHeaderName(name: string): boolean {
  return /auth|key|token|secret|cookie|session|passw|credential|signature/i.test(name);
}

/**
 * Builds the request headers: the extra headers from the user's setting (minus the protected ones and invalid
 * ones, each skipped with a log line that names the header but never its value), then the client's own headers.
 */
export function buildRequestHeaders(
  own: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> | undefined,
  log: Logger | undefined,
): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (PROTECTED_HEADERS.has(name.trim().toLowerCase())) {
      log?.warn(`Ignoring the extra header "${name}": the client sets it itself.`);
      continue;
    }
    if (typeof value !== 'string') {
      log?.warn(`Ignoring the extra header "${name}": its value is not a string.`);
      continue;
    }
    try {
      headers.set(name, value);
    } catch {
      log?.warn(`Ignoring the extra header "${safeHeaderName(name)}": not a valid HTTP header.`);
    }
  }
  for (const [name, value] of Object.entries(own)) headers.set(name, value);
  return headers;
}

function safeHeaderName(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '?').slice(0, 60);
}

/** A redactor that knows the key and every auth-like extra header value. */
export function redactorFor(apiKey: string | undefined, extra: Readonly<Record<string, string>> | undefined): Redactor {
  const redactor = new Redactor();
  redactor.addSecret(apiKey);
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (typeof value !== 'string') continue;
    if (isAuthLikeHeaderName(name)) {
      redactor.addSecret(value);
      // `Bearer xyz` / `Basic xyz`: the credential alone may show up in an echo too.
      redactor.addSecret(value.replace(/^\s*(bearer|basic|token)\s+/i, '').trim());
    }
  }
  return redactor;
}

/** A logger whose every line passes through the redactor (on top of whatever the host's logger does). */
export function redactingLogger(logger: Logger | undefined, redactor: Redactor): Logger | undefined {
  if (!logger) return undefined;
  return {
    trace: (message) => logger.trace(redactor.redact(message)),
    debug: (message) => logger.debug(redactor.redact(message)),
    info: (message) => logger.info(redactor.redact(message)),
    warn: (message) => logger.warn(redactor.redact(message)),
    error: (message) => logger.error(redactor.redact(message)),
  };
}

export function redactError(error: GatewayError, redactor: Redactor): GatewayError {
  const { details } = error;
  const redact = (text: string | undefined) => (text === undefined ? undefined : redactor.redact(text));
  return {
    ...error,
    message: redactor.redact(error.message),
    ...(error.code !== undefined ? { code: redactor.redact(error.code) } : {}),
    ...(details
      ? {
          details: {
            ...details,
            ...(details.reasons ? { reasons: details.reasons.map((reason) => redactor.redact(reason)) } : {}),
            ...(details.flaggedInput !== undefined ? { flaggedInput: redact(details.flaggedInput) } : {}),
            ...(details.provider !== undefined ? { provider: redact(details.provider) } : {}),
            ...(details.providerMessage !== undefined ? { providerMessage: redact(details.providerMessage) } : {}),
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Redirects

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type SameOriginFetchResult =
  { readonly response: Response; readonly url: string } | { readonly error: GatewayError };

/**
 * Fetches with `redirect: 'manual'` and follows redirects only within the origin of `url` (at most `maxRedirects`),
 * sending the same method, headers and body again. A redirect to another origin is not followed: the result is a
 * `redirected` error naming the target host, so the key is never sent there.
 */
export async function fetchSameOrigin(
  doFetch: typeof fetch,
  url: string,
  init: RequestInit,
  options: { readonly maxRedirects?: number; readonly log?: Logger } = {},
): Promise<SameOriginFetchResult> {
  const origin = new URL(url).origin;
  const host = hostOf(url);
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await doFetch(current, { ...init, redirect: 'manual' });
    if (response.type === 'opaqueredirect') {
      // A browser's fetch hides where a manual redirect goes.
      return {
        error: {
          kind: 'redirected',
          message: `The gateway at ${host} redirected the request elsewhere; it was not followed, so the API key was not sent on. Check the base URL.`,
          host,
        },
      };
    }
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return { response, url: current };
    await response.body?.cancel().catch(() => undefined);
    let target: URL;
    try {
      target = new URL(location, current);
    } catch {
      return {
        error: {
          kind: 'redirected',
          status: response.status,
          message: `The gateway at ${host} sent an unusable redirect.`,
          host,
        },
      };
    }
    if (target.origin !== origin) {
      options.log?.warn(
        `Refused a redirect (HTTP ${response.status}) from ${host} to another origin: ${target.origin}`,
      );
      return {
        error: {
          kind: 'redirected',
          status: response.status,
          message:
            `The gateway at ${host} redirected the request to another site, ${target.host}. It was not sent there, ` +
            `so your API key stayed with ${host}. If ${target.host} is the right address, use it as the base URL.`,
          host,
          redirectHost: target.host,
        },
      };
    }
    if (hop >= maxRedirects) {
      return {
        error: {
          kind: 'redirected',
          status: response.status,
          message: `The gateway at ${host} redirected too many times (more than ${maxRedirects}).`,
          host,
        },
      };
    }
    options.log?.info(`Following a redirect (HTTP ${response.status}) within ${host} to ${target.pathname}`);
    current = target.href;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Timeouts

/**
 * `connect`: no answer within a whole-request limit (the model list); `headers`: a chat request sent, then no answer
 * for the idle time; `idle`: an answer that began, then nothing more for the idle time.
 */
export type TimeoutPhase = 'connect' | 'headers' | 'idle';

function enabled(ms: number | undefined): ms is number {
  return ms !== undefined && Number.isFinite(ms) && ms > 0;
}

/**
 * Watches one request: a connect timer until the response headers, then an idle timer that fires when no byte
 * arrived for `idleMs`. When one fires it records which, aborts the request's controller (closing the connection)
 * and calls the idle callback (cancel the reader, so a read never hangs even with a fetch that ignores its signal).
 *
 * The idle timer is not re-armed on every read (a timer per network chunk is measurable on a fast stream): reads
 * only mark when they start and end, and the timer, when it fires early, re-arms itself for the rest of the quiet
 * time. Only time spent waiting in a read counts: a caller busy with what it read is not an idle connection.
 */
export class Watchdog {
  fired: { readonly phase: TimeoutPhase; readonly ms: number } | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastActivity = 0;
  private reading = false;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly controller: AbortController,
    private readonly connectMs: number | undefined,
    private readonly idleMs: number | undefined,
  ) {}

  startConnect(): void {
    const ms = this.connectMs;
    if (enabled(ms)) this.connectTimer = setTimeout(() => this.fire('connect', ms), ms);
  }

  stopConnect(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  /** Starts (or restarts) idle watching from now; `onIdle` runs when it fires. */
  startIdle(onIdle?: () => void): void {
    this.onIdle = onIdle;
    this.lastActivity = performance.now();
    const ms = this.idleMs;
    if (this.idleTimer === undefined && enabled(ms) && !this.fired) this.idleTimer = setTimeout(this.checkIdle, ms);
  }

  /** Call before awaiting a read. */
  readStarted(): void {
    this.reading = true;
    this.lastActivity = performance.now();
  }

  /** Call when a read returned (bytes, end or failure). */
  readEnded(): void {
    this.reading = false;
  }

  stopIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.onIdle = undefined;
  }

  clear(): void {
    this.stopConnect();
    this.stopIdle();
  }

  private readonly checkIdle = (): void => {
    this.idleTimer = undefined;
    const ms = this.idleMs;
    if (!enabled(ms) || this.fired) return;
    const quiet = this.reading ? performance.now() - this.lastActivity : 0;
    if (quiet < ms) {
      this.idleTimer = setTimeout(this.checkIdle, Math.max(1, Math.ceil(ms - quiet)));
      return;
    }
    this.fire('idle', ms);
    this.onIdle?.();
  };

  private fire(phase: TimeoutPhase, ms: number): void {
    if (this.fired) return;
    this.fired = { phase, ms };
    this.controller.abort();
  }
}

export function timeoutError(phase: TimeoutPhase, ms: number, host: string, status?: number): GatewayError {
  const after = formatDuration(ms);
  const message =
    phase === 'connect'
      ? `${host} did not answer within ${after} (connect timeout).`
      : phase === 'headers'
        ? `${host} sent no answer for ${after} (idle timeout); the request was not sent again, as the gateway may ` +
          'still be working on it.'
        : `${host} sent nothing for ${after} (idle timeout); the connection was closed.`;
  return {
    kind: 'timeout',
    message,
    host,
    timeoutPhase: phase,
    timeoutMs: ms,
    ...(status !== undefined ? { status } : {}),
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts (for a fetch that ignores its signal). A value that
 * arrives after the abort is handed to `late` (to release it).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, late: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies

export interface BoundedBody {
  readonly text: string;
  /** Bytes received (before the cut). */
  readonly bytes: number;
  /** True when the body was longer than the limit (and the rest was not read). */
  readonly truncated: boolean;
  /** The read failure (connection dropped, aborted, idle timeout), if the body did not end normally. */
  readonly failure?: unknown;
}

/**
 * Reads a body as UTF-8 text, at most `maxBytes` (then the rest is cancelled), with the watchdog's idle timer
 * armed around every read. Never throws: a failure is reported in the result with the text read so far.
 */
export async function readBodyBounded(response: Response, maxBytes: number, watchdog?: Watchdog): Promise<BoundedBody> {
  if (!response.body) return { text: '', bytes: 0, truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let bytes = 0;
  let truncated = false;
  let failure: unknown;
  watchdog?.startIdle(() => void reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      watchdog?.readStarted();
      const { done, value } = await reader.read();
      watchdog?.readEnded();
      if (watchdog?.fired) {
        failure = new Error('timeout');
        break;
      }
      if (done) break;
      const room = maxBytes - bytes;
      if (value.byteLength > room) {
        parts.push(decoder.decode(value.subarray(0, room), { stream: true }));
        bytes += room;
        truncated = true;
        break;
      }
      bytes += value.byteLength;
      parts.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    failure = error;
  } finally {
    watchdog?.stopIdle();
    if (truncated || failure !== undefined) reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  parts.push(decoder.decode());
  return failure !== undefined
    ? { text: parts.join(''), bytes, truncated, failure }
    : { text: parts.join(''), bytes, truncated };
}
