/**
 * Everything that can go wrong talking to a gateway, as kinds the panel can explain. The message is the gateway's own
 * (`error.message` of its JSON body) where it sent one; it never contains the API key (see `redact`).
 */
export type GatewayErrorKind =
  /** 401: the key is missing, wrong or revoked. */
  | 'unauthorized'
  /** 402: no credit left. */
  | 'paymentRequired'
  /** 403: refused (region, moderation, permissions). */
  | 'forbidden'
  /** 404: wrong base URL or unknown model. */
  | 'notFound'
  /** 429: rate limited or out of quota. */
  | 'rateLimited'
  /** 400, 413, 422 and other 4xx: the gateway refused the request as sent. */
  | 'badRequest'
  /** 5xx: the gateway or its provider failed. */
  | 'serverError'
  /** No HTTP answer at all: DNS, refused connection, TLS, reset. */
  | 'network'
  /** A 200 answer that is not a chat completion (an HTML login page of a proxy, say). */
  | 'unexpectedResponse'
  /** The gateway reported an error inside the stream, after the reply began. */
  | 'streamError'
  /** A line of the stream was not the JSON it should be. */
  | 'malformedStream'
  /** The stream ended without `[DONE]` or a finish reason. */
  | 'interrupted'
  /**
   * The gateway did not answer in time: `timeoutPhase` says which limit (`connect`: no answer within a whole-request
   * limit; `headers`: no answer for the idle time after a chat request was sent, which is not sent again; `idle`: no
   * byte for too long once the answer began) and `timeoutMs` how long it was.
   */
  | 'timeout'
  /**
   * The gateway redirected to another origin (`redirectHost`), or too often. The request was not sent there, so
   * the key never left the configured origin.
   */
  | 'redirected'
  /**
   * The gateway sent more than the client holds: one event over the limit (`oversized: 'event'`, `sizeLimit` in
   * bytes), or a reply over the limit (`oversized: 'reply'`, `sizeLimit` in characters). The request was ended; what
   * arrived before stays valid.
   */
  | 'oversized'
  /**
   * The stored API key has a character that cannot be sent in a header (a zero-width space pasted with it, say):
   * `keyCharacter` is its code point, `keyPosition` its 1-based position. Nothing was sent.
   */
  | 'invalidApiKey';

export interface GatewayError {
  readonly kind: GatewayErrorKind;
  readonly message: string;
  readonly status?: number;
  /** The host name the request went to, so a network error can say where it could not reach. */
  readonly host: string;
  /** The gateway's `error.code` or `error.type`, when it sent one. */
  readonly code?: string;
  /**
   * How long the gateway asked to wait before trying again (`retry-after-ms` / `Retry-After`), when it did and the
   * client did not wait it out itself (too long, or no retries left): the panel can say "retry in N s".
   */
  readonly retryAfterMs?: number;
  /** For `timeout`: which limit fired. */
  readonly timeoutPhase?: 'connect' | 'headers' | 'idle';
  /** For `timeout`: the limit, in milliseconds. */
  readonly timeoutMs?: number;
  /** For `redirected`: the host the gateway redirected to (where nothing was sent). */
  readonly redirectHost?: string;
  /** For `oversized`: what was too large. */
  readonly oversized?: 'event' | 'reply';
  /** For `oversized`: the limit that was crossed (bytes of an event, characters of a reply). */
  readonly sizeLimit?: number;
  /** For `invalidApiKey`: the code point of the first character that cannot be sent. */
  readonly keyCharacter?: number;
  /** For `invalidApiKey`: its 1-based position in the key. */
  readonly keyPosition?: number;
  /** What the gateway said beyond its message (OpenRouter's `error.metadata`), shown with it. */
  readonly details?: GatewayErrorDetails;
}

/** OpenRouter's `error.metadata`, read: why a request was refused or what the provider behind the gateway said. */
export interface GatewayErrorDetails {
  /** Moderation: why the input was flagged (`metadata.reasons`). */
  readonly reasons?: readonly string[];
  /** Moderation: the flagged part of the input (`metadata.flagged_input`, shortened). */
  readonly flaggedInput?: string;
  /** The provider that refused or failed (`metadata.provider_name`). */
  readonly provider?: string;
  /** The provider's own error message (`metadata.raw`, read from its JSON when it is JSON). */
  readonly providerMessage?: string;
}

export function kindForStatus(status: number): GatewayErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'paymentRequired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'serverError';
  return 'badRequest';
}

interface GatewayErrorBody {
  readonly message?: string;
  readonly code?: string;
  readonly details?: GatewayErrorDetails;
}

/** Reads `{error:{message, code, type}}` (or vLLM's flat `{object:"error", message}`) from a parsed body. */
export function readErrorBody(value: unknown): GatewayErrorBody | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const inner = record.error;
  const source =
    typeof inner === 'object' && inner !== null
      ? (inner as Record<string, unknown>)
      : typeof inner === 'string'
        ? { message: inner }
        : record.object === 'error'
          ? record
          : undefined;
  if (!source) return undefined;
  const message = typeof source.message === 'string' ? source.message : undefined;
  const codeValue = source.code ?? source.type;
  const code = typeof codeValue === 'string' || typeof codeValue === 'number' ? String(codeValue) : undefined;
  const details = readMetadata(source.metadata);
  return details ? { message, code, details } : { message, code };
}

const MAX_DETAIL_CHARS = 300;

function shorten(text: string, max = MAX_DETAIL_CHARS): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** OpenRouter's `error.metadata` (moderation reasons, the flagged input, the provider and its raw error). */
function readMetadata(value: unknown): GatewayErrorDetails | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const metadata = value as Record<string, unknown>;
  const reasons = Array.isArray(metadata.reasons)
    ? metadata.reasons.filter((reason): reason is string => typeof reason === 'string' && reason.trim() !== '')
    : [];
  const flagged = typeof metadata.flagged_input === 'string' ? shorten(metadata.flagged_input, 120) : '';
  const provider = typeof metadata.provider_name === 'string' ? shorten(metadata.provider_name, 80) : '';
  const raw = rawProviderMessage(metadata.raw);
  const details: GatewayErrorDetails = {
    ...(reasons.length > 0 ? { reasons: reasons.slice(0, 10).map((reason) => shorten(reason, 80)) } : {}),
    ...(flagged ? { flaggedInput: flagged } : {}),
    ...(provider ? { provider } : {}),
    ...(raw ? { providerMessage: raw } : {}),
  };
  return Object.keys(details).length > 0 ? details : undefined;
}

/** `metadata.raw`: the provider's error, as JSON text, an object, or plain text; its message when it has one. */
function rawProviderMessage(raw: unknown): string | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return /^\s*<(!doctype|html)/i.test(raw) ? undefined : shorten(raw) || undefined;
    }
  }
  if (typeof value === 'string') return shorten(value) || undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const inner =
    typeof record.error === 'object' && record.error !== null ? (record.error as Record<string, unknown>) : record;
  const message = inner.message ?? record.message ?? record.error;
  return typeof message === 'string' && message.trim() ? shorten(message) : undefined;
}

/**
 * Whether the gateway refused the request because the conversation is longer than the model's context window
 * (OpenAI's `context_length_exceeded`, and the wording of OpenRouter, DeepSeek, vLLM and Anthropic-style gateways).
 */
export function isContextLengthError(error: Pick<GatewayError, 'code' | 'message'>): boolean {
  if (error.code === 'context_length_exceeded' || error.code === 'string_above_max_length') return true;
  return /maximum context length|context[_ ]length|context window|maximum model length|prompt is too long|too many tokens|reduce the length of the messages/i.test(
    error.message,
  );
}

/**
 * Reads an error body of any shape: the gateway's own message and code when it is JSON, else one short line of the
 * text itself (never a whole HTML page).
 */
export function summarizeErrorText(text: string): {
  readonly message: string;
  readonly code?: string;
  readonly details?: GatewayErrorDetails;
} {
  try {
    const body = readErrorBody(JSON.parse(text));
    if (body?.message) {
      return {
        message: body.message,
        ...(body.code ? { code: body.code } : {}),
        ...(body.details ? { details: body.details } : {}),
      };
    }
  } catch {
    // not JSON: fall through to the text itself
  }
  const trimmed = text.trim();
  if (/^<(!doctype|html)/i.test(trimmed)) return { message: '' };
  return { message: trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed };
}

/** Every `error.code` and `error.type` of an error body (the quota check reads both). */
export function errorCodes(text: string): string[] {
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
