import { ChatStreamDecoder, readUsage } from './chatStreamDecoder';
import type { ChatCompletionRequest, ChatEvent } from './chatTypes';
import { kindForStatus, summarizeErrorText, type GatewayError } from './gatewayError';
import type { Logger } from './logger';

export interface ChatClientOptions {
  /** For example `https://api.ofox.ai/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly logger?: Logger;
  /** The fetch to use; VS Code's global fetch (proxy- and certificate-aware) by default. */
  readonly fetch?: typeof fetch;
}

export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * Sends one streamed chat completion and yields its events as they arrive. Failures are yielded as one final
 * `error` event (never thrown); an abort through `signal` ends the iteration quietly. Whatever text was yielded
 * before a failure stays valid: the caller keeps the partial reply.
 */
export async function* streamChatCompletion(
  options: ChatClientOptions,
  request: ChatCompletionRequest,
  signal: AbortSignal,
): AsyncGenerator<ChatEvent, void, undefined> {
  const url = chatCompletionsUrl(options.baseUrl);
  const host = hostOf(url);
  const doFetch = options.fetch ?? fetch;
  const log = options.logger;
  log?.info(`POST ${url} model=${request.model} messages=${request.messages.length}`);

  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        Authorization: `Bearer ${options.apiKey}`,
      },
      body: JSON.stringify(request),
      signal,
    });
  } catch (error) {
    if (signal.aborted) return;
    const reason = describeNetworkError(error);
    log?.warn(`Request to ${host} failed: ${reason}`);
    yield { type: 'error', error: { kind: 'network', message: reason, host } };
    return;
  }

  const contentType = response.headers.get('content-type') ?? '';
  log?.info(`HTTP ${response.status} ${contentType} from ${host}`);

  if (!response.ok) {
    const text = await readTextQuietly(response);
    if (signal.aborted) return;
    const summary = summarizeErrorText(text);
    const error: GatewayError = {
      kind: kindForStatus(response.status),
      status: response.status,
      message: summary.message || `HTTP ${response.status} ${response.statusText}`.trim(),
      host,
      ...(summary.code ? { code: summary.code } : {}),
    };
    log?.warn(`Gateway error ${response.status}: ${error.message}`);
    yield { type: 'error', error };
    return;
  }

  if (/\btext\/html\b/i.test(contentType)) {
    await response.body?.cancel().catch(() => undefined);
    yield {
      type: 'error',
      error: {
        kind: 'unexpectedResponse',
        status: response.status,
        message: 'The server answered with a web page instead of a chat reply (a proxy or login page?).',
        host,
      },
    };
    return;
  }

  if (/\bapplication\/json\b/i.test(contentType)) {
    // The server ignored `stream: true` and sent the whole completion at once.
    const text = await readTextQuietly(response);
    if (signal.aborted) return;
    yield* eventsFromCompletion(text, host);
    return;
  }

  if (!response.body) {
    yield { type: 'error', error: { kind: 'unexpectedResponse', message: 'The response had no body.', host } };
    return;
  }

  const decoder = new ChatStreamDecoder(host);
  const textDecoder = new TextDecoder('utf-8');
  const reader = response.body.getReader();
  try {
    while (!decoder.closed) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* decoder.feed(textDecoder.decode(value, { stream: true }));
    }
    if (!decoder.closed) yield* decoder.feed(textDecoder.decode());
    yield* decoder.end();
  } catch (error) {
    if (signal.aborted) return;
    const reason = describeNetworkError(error);
    log?.warn(`Stream from ${host} broke: ${reason}`);
    yield { type: 'error', error: { kind: 'interrupted', message: reason, host } };
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function* eventsFromCompletion(text: string, host: string): Generator<ChatEvent> {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    yield { type: 'error', error: { kind: 'unexpectedResponse', message: 'The response was not valid JSON.', host } };
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    yield { type: 'error', error: { kind: 'unexpectedResponse', message: 'The response was not a chat completion.', host } };
    return;
  }
  if (body.error !== undefined) {
    yield { type: 'error', error: { kind: 'streamError', message: summarizeErrorText(text).message, host } };
    return;
  }
  if (!Array.isArray(body.choices)) {
    yield { type: 'error', error: { kind: 'unexpectedResponse', message: 'The response was not a chat completion.', host } };
    return;
  }
  if (typeof body.model === 'string') yield { type: 'model', model: body.model };
  const choice = Array.isArray(body.choices) ? (body.choices[0] as Record<string, unknown> | undefined) : undefined;
  const message = choice?.message as Record<string, unknown> | undefined;
  if (typeof message?.content === 'string' && message.content) yield { type: 'text', text: message.content };
  const usage = readUsage(body.usage);
  if (usage) yield { type: 'usage', usage };
  yield { type: 'finish', reason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'stop' };
}

/** Reads a whole body; a body that breaks off (or is aborted: the caller checks its signal) reads as empty. */
async function readTextQuietly(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    return '';
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
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
