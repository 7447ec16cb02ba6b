import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { ChatEvent, Usage } from './chatTypes';
import { readErrorBody, type GatewayError } from './gatewayError';

/**
 * Turns the text of a Chat Completions SSE stream into chat events. Feed it text as it arrives (chunk boundaries
 * anywhere, even inside a line); call `end()` when the body ends. Pure and synchronous, so it is tested by splitting
 * recorded streams at every position.
 */
export class ChatStreamDecoder {
  private readonly parser: EventSourceParser;
  private pending: ChatEvent[] = [];
  private finished = false;
  private failed = false;
  private done = false;
  private ending = false;
  private modelReported = false;

  constructor(private readonly host: string) {
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
    if (!this.finished && !this.failed) {
      this.fail({
        kind: 'interrupted',
        message: 'The connection closed before the reply was complete.',
        host: this.host,
      });
    }
    return this.take();
  }

  private take(): ChatEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  private fail(error: GatewayError): void {
    if (this.failed) return;
    this.failed = true;
    this.pending.push({ type: 'error', error });
  }

  private onEvent(event: EventSourceMessage): void {
    if (this.closed) return;
    const data = event.data;
    if (data.trim() === '[DONE]') {
      this.done = true;
      // `[DONE]` ends a complete reply even when no chunk carried a finish reason (some servers send none).
      if (!this.finished && !this.failed) {
        this.finished = true;
        this.pending.push({ type: 'finish', reason: 'stop' });
      }
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

  private streamError(body: unknown, raw: string): GatewayError {
    const parsed = readErrorBody(body);
    return {
      kind: 'streamError',
      message: parsed?.message ?? (truncate(raw, 200) || 'The gateway reported an error during the reply.'),
      host: this.host,
      ...(parsed?.code ? { code: parsed.code } : {}),
    };
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
    for (const choice of choices) {
      if (typeof choice !== 'object' || choice === null) continue;
      const { delta, finish_reason: finishReason } = choice as Record<string, unknown>;
      const content = typeof delta === 'object' && delta !== null ? (delta as Record<string, unknown>).content : undefined;
      if (typeof content === 'string' && content.length > 0) this.pending.push({ type: 'text', text: content });
      if (typeof finishReason === 'string' && finishReason) {
        this.finished = true;
        this.pending.push({ type: 'finish', reason: finishReason });
      }
    }
    const usage = readUsage(chunk.usage);
    if (usage) this.pending.push({ type: 'usage', usage });
  }
}

export function readUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const number = (key: string) => (typeof record[key] === 'number' ? (record[key] as number) : undefined);
  const usage: Usage = {
    promptTokens: number('prompt_tokens'),
    completionTokens: number('completion_tokens'),
    totalTokens: number('total_tokens'),
  };
  return Object.values(usage).some((v) => v !== undefined) ? usage : undefined;
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
