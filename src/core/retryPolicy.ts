/**
 * When a failed chat request may be sent again, and after how long. Pure: the clock, the randomness and the sleep
 * are injected, so every rule is tested without waiting.
 *
 * The rules (those of openai-node, except that a request the gateway may have accepted is never sent again, plus a
 * cap on long waits and a quota check):
 * - a request is sent again only when the gateway said so with its status, or when it cannot have reached the
 *   gateway: a slow gateway that is still working on it would otherwise be billed twice;
 * - `x-should-retry: true|false` from the gateway wins over the status;
 * - otherwise 408, 409, 429 and 5xx are retried, except a 429 that means the quota or credit is exhausted;
 * - a connection that never opened (refused, no route, a temporary DNS failure, the runtime's own connect timeout)
 *   is retried; one that broke or went quiet after the request went out is not, and nothing is after a success
 *   status;
 * - the wait is `retry-after-ms`, else `Retry-After` (seconds or an HTTP date), else a jittered exponential backoff;
 * - a wait longer than `maxRetryDelayMs` is not waited out: the error is reported with `retryAfterMs`.
 */

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number;
  /** A server-requested wait longer than this is not waited out, but reported. Default 60 s. */
  readonly maxRetryDelayMs?: number;
}

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

/** Time and chance, injectable for tests. */
export interface RetryClock {
  /** Milliseconds since the epoch (for `Retry-After` given as an HTTP date). */
  now(): number;
  /** A number in [0, 1). */
  random(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (it never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** The part of `Headers` the policy reads. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** Error codes/types that mean "no quota or credit left": waiting does not help, so they are never retried. */
const QUOTA_CODES = new Set([
  'insufficient_quota',
  'quota_exceeded',
  'quota_exhausted',
  'billing_hard_limit_reached',
  'billing_not_active',
  'credit_balance_exhausted',
  'insufficient_credits',
  'insufficient_balance',
  'insufficient_funds',
  'payment_required',
]);

/**
 * True when a gateway error means the account is out of quota or credit (OpenAI's 429 `insufficient_quota`,
 * and the like), judged by its `error.code` / `error.type` values and OpenAI's own wording.
 */
export function isQuotaExhausted(codes: readonly (string | undefined)[], message?: string): boolean {
  for (const code of codes) {
    if (code && QUOTA_CODES.has(code.trim().toLowerCase())) return true;
  }
  return message !== undefined && /exceeded your current quota/i.test(message);
}

/** `x-should-retry: true|false`, when the gateway sent it. */
export function shouldRetryHeader(headers: HeaderLookup): boolean | undefined {
  const value = headers.get('x-should-retry')?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Whether an HTTP error answer (received before any of the reply) may be retried. */
export function isRetryableResponse(
  status: number,
  headers: HeaderLookup,
  error: { readonly codes?: readonly (string | undefined)[]; readonly message?: string } = {},
): boolean {
  // Out of quota: waiting does not help, whatever the headers say.
  if (status === 429 && isQuotaExhausted(error.codes ?? [], error.message)) return false;
  const header = shouldRetryHeader(headers);
  if (header !== undefined) return header;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The wait the gateway asked for: `retry-after-ms` (milliseconds), else `Retry-After` (seconds, or an HTTP date
 * relative to `now`). Undefined when neither header is present or readable; never negative.
 */
export function serverRetryDelayMs(headers: HeaderLookup, now: number): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.round(Number(after) * 1000);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** `min(0.5 · 2^n, 8)` seconds, less up to 25 % jitter; `retryIndex` is 0 for the first retry. */
export function backoffDelayMs(retryIndex: number, random: number): number {
  const seconds = Math.min(0.5 * 2 ** Math.max(0, retryIndex), 8);
  return Math.round(seconds * (1 - random * 0.25) * 1000);
}

/**
 * Node/undici error codes of a connection that never opened, so the request cannot have reached the gateway: worth
 * trying again. A reset, a closed socket or a headers timeout (`ECONNRESET`, `EPIPE`, `UND_ERR_SOCKET`,
 * `UND_ERR_HEADERS_TIMEOUT`…) may come after the gateway received the request, and is not here.
 */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** System calls that fail before a request is written (Node puts them in `syscall`: `connect ETIMEDOUT …`). */
const BEFORE_SEND_SYSCALLS = new Set(['connect', 'getaddrinfo']);

/** Failures that will not heal by themselves: an unknown host, certificate and TLS problems, a bad URL. */
const PERMANENT_NETWORK_CODE =
  /^(ENOTFOUND|CERT_|ERR_TLS_|ERR_SSL_|ERR_INVALID_URL|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_INVALID_)/;

/** The errors of an error's `cause` chain, with those of an AggregateError (happy eyeballs) in it. */
function errorChain(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    chain.push(current);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const inner of errors) if (typeof inner === 'object' && inner !== null) chain.push(inner);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The error codes in an error and its `cause` chain (Node's fetch puts `ECONNREFUSED` and friends in `cause`). */
export function networkErrorCodes(error: unknown): string[] {
  return errorChain(error).flatMap((item) => {
    const code = (item as { code?: unknown }).code;
    return typeof code === 'string' ? [code] : [];
  });
}

/**
 * Whether a fetch that threw (no HTTP answer) may be retried: only when the connection never opened, so the gateway
 * cannot have the request (refused, no route, a temporary DNS failure, a connect that timed out). An unknown host or
 * a certificate problem will not heal by itself; a reset or a closed connection may come after the gateway received
 * the request; a failure that says nothing (a browser's bare "Failed to fetch") might be either. None of those is
 * sent again: the user can, with Retry.
 */
export function isRetryableNetworkError(error: unknown): boolean {
  const chain = errorChain(error);
  const codes = networkErrorCodes(error);
  if (codes.some((code) => PERMANENT_NETWORK_CODE.test(code))) return false;
  if (codes.some((code) => NEVER_SENT_CODES.has(code))) return true;
  return chain.some((item) => {
    const syscall = (item as { syscall?: unknown }).syscall;
    return (
      typeof syscall === 'string' &&
      BEFORE_SEND_SYSCALLS.has(syscall) &&
      typeof (item as { code?: unknown }).code === 'string'
    );
  });
}

export interface RetryInput {
  /** Retries already made (0 after the first attempt failed). */
  readonly retriesDone: number;
  /** Whether the failure is retryable at all (see `isRetryableResponse`, `isRetryableNetworkError`). */
  readonly retryable: boolean;
  /** The wait the gateway asked for (`serverRetryDelayMs`), if any. */
  readonly serverDelayMs?: number;
}

export type RetryPlan =
  | { readonly action: 'retry'; readonly delayMs: number }
  | {
      readonly action: 'giveUp';
      readonly why: 'notRetryable' | 'exhausted' | 'tooLong';
      /** The gateway's requested wait, for the panel's "retry in N s". */
      readonly retryAfterMs?: number;
    };

/** Decides what to do after a failed attempt. */
export function planRetry(input: RetryInput, options: RetryOptions, random: () => number): RetryPlan {
  const maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
  const maxDelay = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  const retryAfter = input.serverDelayMs !== undefined ? { retryAfterMs: input.serverDelayMs } : {};
  if (!input.retryable) return { action: 'giveUp', why: 'notRetryable', ...retryAfter };
  if (input.retriesDone >= maxRetries) return { action: 'giveUp', why: 'exhausted', ...retryAfter };
  if (input.serverDelayMs !== undefined) {
    if (input.serverDelayMs > maxDelay) return { action: 'giveUp', why: 'tooLong', retryAfterMs: input.serverDelayMs };
    return { action: 'retry', delayMs: input.serverDelayMs };
  }
  return { action: 'retry', delayMs: backoffDelayMs(input.retriesDone, random()) };
}
