import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { ChatEvent, Usage } from './chatTypes';
import { readErrorBody, summarizeErrorText, type GatewayError } from './gatewayError';
import { ThinkTagSplitter, type ContentSegment } from './thinkTagSplitter';
import { ToolCallAssembler } from './toolCallAssembler';

export interface ChatStreamDecoderOptions {
  /** Split `<think>…</think>` at the start of the content into reasoning (default true). */
  readonly thinkTags?: boolean;
}

/** The state of one choice (the API's `index`; only 0 unless the request asked for `n > 1`). */
interface ChoiceState {
  finished: boolean;
  readonly splitter: ThinkTagSplitter | undefined;
  readonly tools: ToolCallAssembler;
}

/**
 * Turns the text of a Chat Completions SSE stream into chat events. Feed it text as it arrives (chunk boundaries
 * anywhere, even inside a line); call `end()` when the body ends. Pure and synchronous, so it is tested by splitting
 * recorded streams at every position.
 *
 * Per choice it reports text, reasoning (`delta.reasoning_content`, `delta.reasoning`, `<think>` blocks in the
 * content), tool calls as they form and complete, and one finish with the reason as the gateway sent it (a later
 * repeat is ignored). The stream is complete when every choice that appeared has finished, or at `[DONE]` (which
 * finishes open choices with `stop`). OpenRouter's `finish_reason: "error"` is a stream error, like an `error`
 * object in a chunk; whatever arrived before stays valid.
 */
export class ChatStreamDecoder {
  private readonly parser: EventSourceParser;
  private readonly choices = new Map<number, ChoiceState>();
  private pending: ChatEvent[] = [];
  private failed = false;
  private done = false;
  private ending = false;
  private modelReported = false;

  constructor(
    private readonly host: string,
    private readonly options: ChatStreamDecoderOptions = {},
  ) {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  /** True once the stream said `[DONE]` or failed: later bytes are ignored. */
  get closed(): boolean {
    return this.done || this.failed;
  }

  feed(text: string): ChatEvent[] {
    if (!this.closed) this.parser.feed(text);
    return this.take();
  }

  /** Call when the body has ended. A stream that never finished is reported as interrupted. */
  end(): ChatEvent[] {
    if (!this.closed) {
      // A last event without its blank line still counts; one cut off inside its JSON is a dropped connection,
      // reported as interrupted below rather than as a malformed stream.
      this.ending = true;
      this.parser.feed('\n\n');
    }
    if (!this.closed && !this.allFinished()) {
      this.fail({
        kind: 'interrupted',
        message: 'The connection closed before the reply was complete.',
        host: this.host,
      });
    }
    return this.take();
  }

  private allFinished(): boolean {
    if (this.choices.size === 0) return false;
    for (const state of this.choices.values()) if (!state.finished) return false;
    return true;
  }

  private take(): ChatEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  /** Gives out what the open choices still hold back, then the error: nothing follows an error. */
  private fail(error: GatewayError): void {
    if (this.failed) return;
    for (const [index, state] of this.choices) {
      if (!state.finished && state.splitter) this.pushSegments(index, state.splitter.end());
    }
    this.failed = true;
    this.pending.push({ type: 'error', error });
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.closed) return;
    const data = event.data;
    if (data.trim() === '[DONE]') {
      // `[DONE]` ends a complete reply even when no chunk carried a finish reason (some servers send none).
      if (this.choices.size === 0) this.pending.push({ type: 'finish', reason: 'stop' });
      for (const [index, state] of this.choices) if (!state.finished) this.finishChoice(index, state, 'stop');
      this.done = true;
      return;
    }
    if (event.event === 'error') {
      this.fail(this.streamError(safeParse(data), data));
      return;
    }
    if (data.trim() === '') return;
    const chunk = safeParse(data);
    if (chunk === undefined || typeof chunk !== 'object' || chunk === null) {
      if (this.ending && chunk === undefined) return;
      this.fail({
        kind: 'malformedStream',
        message: `The gateway sent a line that is not valid JSON: ${truncate(data, 120)}`,
        host: this.host,
      });
      return;
    }
    this.onChunk(chunk as Record<string, unknown>, data);
  }

  private streamError(body: unknown, raw: string, fallback?: string): GatewayError {
    const parsed = readErrorBody(body);
    return {
      kind: 'streamError',
      message: parsed?.message ?? (fallback || truncate(raw, 200) || 'The gateway reported an error during the reply.'),
      host: this.host,
      ...(parsed?.code ? { code: parsed.code } : {}),
      ...(parsed?.details ? { details: parsed.details } : {}),
    };
  }

  private choiceState(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = {
        finished: false,
        splitter: this.options.thinkTags === false ? undefined : new ThinkTagSplitter(),
        tools: new ToolCallAssembler(),
      };
      this.choices.set(index, state);
    }
    return state;
  }

  private onChunk(chunk: Record<string, unknown>, raw: string): void {
    if (chunk.error !== undefined || chunk.object === 'error') {
      this.fail(this.streamError(chunk, raw));
      return;
    }
    if (!this.modelReported && typeof chunk.model === 'string' && chunk.model) {
      this.modelReported = true;
      this.pending.push({ type: 'model', model: chunk.model });
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const item of choices) {
      if (typeof item !== 'object' || item === null) continue;
      const choice = item as Record<string, unknown>;
      const index =
        typeof choice.index === 'number' && Number.isInteger(choice.index) && choice.index >= 0 ? choice.index : 0;
      const state = this.choiceState(index);
      if (state.finished) continue;
      const delta =
        typeof choice.delta === 'object' && choice.delta !== null ? (choice.delta as Record<string, unknown>) : {};

      const reasoning = nonEmpty(delta.reasoning_content) ?? nonEmpty(delta.reasoning);
      if (reasoning !== undefined) this.pending.push({ type: 'reasoning', choice: index, text: reasoning });

      const content = nonEmpty(delta.content);
      if (content !== undefined) {
        if (state.splitter) this.pushSegments(index, state.splitter.push(content));
        else this.pending.push(textEvent(index, content));
      }

      for (const piece of state.tools.push(delta.tool_calls))
        this.pending.push({ type: 'toolCallDelta', choice: index, ...piece });

      const finishReason = choice.finish_reason;
      if (finishReason === 'error') {
        this.fail(this.streamError(chunk, raw, 'The gateway reported an error during the reply.'));
        return;
      }
      if (typeof finishReason === 'string' && finishReason) this.finishChoice(index, state, finishReason);
    }
    const usage = readUsage(chunk.usage);
    if (usage) this.pending.push({ type: 'usage', usage });
  }

  private finishChoice(index: number, state: ChoiceState, reason: string): void {
    if (state.splitter) this.pushSegments(index, state.splitter.end());
    if (state.tools.size > 0)
      this.pending.push({ type: 'toolCalls', choice: index, calls: state.tools.complete(index) });
    state.finished = true;
    this.pending.push(index === 0 ? { type: 'finish', reason } : { type: 'finish', reason, choice: index });
  }

  private pushSegments(index: number, segments: readonly ContentSegment[]): void {
    for (const segment of segments) {
      this.pending.push(
        segment.kind === 'text'
          ? textEvent(index, segment.text)
          : { type: 'reasoning', choice: index, text: segment.text },
      );
    }
  }
}

/**
 * The events of a whole (non-streamed) `chat.completion` body, for a server that ignored `stream: true`: the same
 * events a stream of it would give (model; per choice its reasoning, text and tool calls; usage; then one finish
 * per choice), so the caller needs no second code path. `body` must already be known to have a `choices` array.
 */
export function completionEvents(
  body: Readonly<Record<string, unknown>>,
  options: ChatStreamDecoderOptions = {},
): ChatEvent[] {
  const events: ChatEvent[] = [];
  if (typeof body.model === 'string' && body.model) events.push({ type: 'model', model: body.model });
  const finishes: ChatEvent[] = [];
  const choices = (Array.isArray(body.choices) ? body.choices : []).filter(
    (choice): choice is Record<string, unknown> => typeof choice === 'object' && choice !== null,
  );
  choices.forEach((choice, position) => {
    const index =
      typeof choice.index === 'number' && Number.isInteger(choice.index) && choice.index >= 0 ? choice.index : position;
    const message =
      typeof choice.message === 'object' && choice.message !== null ? (choice.message as Record<string, unknown>) : {};
    const reasoning = nonEmpty(message.reasoning_content) ?? nonEmpty(message.reasoning);
    if (reasoning !== undefined) events.push({ type: 'reasoning', choice: index, text: reasoning });
    const content = nonEmpty(message.content);
    if (content !== undefined) {
      const splitter = options.thinkTags === false ? undefined : new ThinkTagSplitter();
      const segments: ContentSegment[] = splitter
        ? [...splitter.push(content), ...splitter.end()]
        : [{ kind: 'text', text: content }];
      for (const segment of segments) {
        events.push(
          segment.kind === 'text'
            ? textEvent(index, segment.text)
            : { type: 'reasoning', choice: index, text: segment.text },
        );
      }
    }
    const tools = new ToolCallAssembler();
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    const pieces = tools.push(
      calls.map((call: unknown, callIndex) =>
        typeof call === 'object' && call !== null && !('index' in call) ? { ...call, index: callIndex } : call,
      ),
    );
    for (const piece of pieces) events.push({ type: 'toolCallDelta', choice: index, ...piece });
    if (tools.size > 0) events.push({ type: 'toolCalls', choice: index, calls: tools.complete(index) });
    const reason = typeof choice.finish_reason === 'string' && choice.finish_reason ? choice.finish_reason : 'stop';
    finishes.push(index === 0 ? { type: 'finish', reason } : { type: 'finish', reason, choice: index });
  });
  const usage = readUsage(body.usage);
  if (usage) events.push({ type: 'usage', usage });
  if (finishes.length === 0) finishes.push({ type: 'finish', reason: 'stop' });
  return [...events, ...finishes];
}

/** `choice` is left out for choice 0, as the other producers of text events do (see `ChatEvent`). */
function textEvent(choice: number, text: string): ChatEvent {
  return choice === 0 ? { type: 'text', text } : { type: 'text', text, choice };
}

/**
 * Token counts of a `usage` object. Only what the gateway reported is set; cached and reasoning tokens only when
 * above 0 (DeepSeek reports cache hits as `prompt_cache_hit_tokens`).
 */
export function readUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const count = (source: unknown, key: string): number | undefined => {
    if (typeof source !== 'object' || source === null) return undefined;
    const number = (source as Record<string, unknown>)[key];
    return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
  };
  const positive = (number: number | undefined) => (number !== undefined && number > 0 ? number : undefined);
  const fields: [keyof Usage, number | undefined][] = [
    ['promptTokens', count(record, 'prompt_tokens')],
    ['completionTokens', count(record, 'completion_tokens')],
    ['totalTokens', count(record, 'total_tokens')],
    [
      'cachedTokens',
      positive(count(record.prompt_tokens_details, 'cached_tokens') ?? count(record, 'prompt_cache_hit_tokens')),
    ],
    ['reasoningTokens', positive(count(record.completion_tokens_details, 'reasoning_tokens'))],
  ];
  const usage: Record<string, number> = {};
  for (const [key, number] of fields) if (number !== undefined) usage[key] = number;
  return Object.keys(usage).length > 0 ? (usage as Usage) : undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max)}…` : trimmed;
}

/** A whole `chat.completion` (the server ignored `stream: true`) as the same events a stream of it would give. */
export function* eventsFromCompletion(
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
