/** Helpers for the reply-turn tests (not a test file itself): a clock, toolboxes, event shapes and a driver. */
import { streamChatCompletion, type ChatClientOptions } from '../../src/core/chatClient';
import type { AssembledToolCall, ChatEvent, ToolCall, ToolDefinition } from '../../src/core/chatTypes';
import { Conversation } from '../../src/core/conversation';
import { createReplyTurn, type ReplyTurn } from '../../src/core/turn/replyTurn';
import { TurnDriver } from '../../src/core/turn/turnDriver';
import { buildTurnRequest, type GatewaySnapshot } from '../../src/core/turn/turnRequest';
import type {
  ApprovalDecision,
  PendingToolCall,
  ReplyTurnOptions,
  TurnEffect,
  TurnToolbox,
} from '../../src/core/turn/turnTypes';
import type { ScriptedReply } from '../support/fakeGateway';

/** A clock that moves only when told: timing is asserted exactly, never measured. */
export function manualClock(start = 10_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

export function definition(name: string): ToolDefinition {
  return { type: 'function', function: { name, parameters: { type: 'object', properties: {} } } };
}

/** A toolbox of tools that take any object; the ones in `ask` need approval. */
export function toolbox(
  names: readonly string[],
  options: Partial<Omit<TurnToolbox, 'definitions'>> & { ask?: readonly string[] } = {},
): TurnToolbox {
  const ask = new Set(options.ask ?? []);
  return {
    definitions: names.map(definition),
    ...(options.checkArguments ? { checkArguments: options.checkArguments } : {}),
    needsApproval: options.needsApproval ?? ((name) => ask.has(name)),
  };
}

export function call(id: string, name: string, args: string | object = {}, index = 0): AssembledToolCall {
  return {
    index,
    id,
    type: 'function',
    function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) },
  };
}

export const text = (value: string): ChatEvent => ({ type: 'text', text: value });
export const finish = (reason = 'stop'): ChatEvent => ({ type: 'finish', reason });
export const toolCalls = (...calls: AssembledToolCall[]): ChatEvent => ({
  type: 'toolCalls',
  choice: 0,
  calls: calls.map((item, index) => ({ ...item, index })),
});

/** A conversation with one user message and a turn on it, not started. */
export function newTurn(options: Partial<Omit<ReplyTurnOptions, 'transcript' | 'now'>> = {}) {
  const conversation = new Conversation();
  conversation.addUserMessage('What is in a.txt?');
  const clock = manualClock();
  const turn = createReplyTurn({ transcript: conversation, now: clock.now, ...options });
  return { conversation, clock, turn };
}

/** Feeds a whole round's reply: events, then the end of the stream. Returns every effect. */
export function feedRound(turn: ReplyTurn, ...events: ChatEvent[]): TurnEffect[] {
  const effects = events.flatMap((event) => turn.handle({ type: 'event', event }));
  return [...effects, ...turn.handle({ type: 'streamEnded' })];
}

/** A round whose reply is only these tool calls (finish reason `tool_calls`). */
export function callRound(turn: ReplyTurn, ...calls: AssembledToolCall[]): TurnEffect[] {
  return feedRound(turn, toolCalls(...calls), finish('tool_calls'));
}

export function types(effects: readonly TurnEffect[]): string[] {
  return effects.map((effect) => effect.type);
}

export function only<T extends TurnEffect['type']>(
  effects: readonly TurnEffect[],
  type: T,
): Extract<TurnEffect, { type: T }>[] {
  return effects.filter((effect): effect is Extract<TurnEffect, { type: T }> => effect.type === type);
}

// ---------------------------------------------------------------------------------------------------------------
// The scripted fake gateway's side

function sse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/**
 * An OpenAI-shaped stream of a reply that makes tool calls: optional text first, then each call's id and name, its
 * arguments in two pieces, finish reason `tool_calls`, usage and `[DONE]`.
 */
export function toolCallReply(calls: readonly ToolCall[], options: { text?: string } = {}): ScriptedReply {
  const base = {
    id: 'chatcmpl-tools',
    object: 'chat.completion.chunk',
    created: 1_743_414_300,
    model: 'openai/gpt-4o',
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    sse({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const writes = [chunk({ role: 'assistant', content: options.text ?? null })];
  calls.forEach((item, index) => {
    const args = item.function.arguments;
    const half = Math.floor(args.length / 2);
    writes.push(
      chunk({
        tool_calls: [{ index, id: item.id, type: 'function', function: { name: item.function.name, arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }),
    );
  });
  writes.push(chunk({}, 'tool_calls'));
  writes.push(sse({ ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 } }));
  writes.push('data: [DONE]\n\n');
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    steps: writes.map((data) => ({ kind: 'write' as const, data })),
  };
}

/** What the host side of a driven turn does; anything left out is a no-op (or allows once). */
export interface DriverHost {
  decide?(pending: PendingToolCall): ApprovalDecision;
  runTool?(call: ToolCall, args: unknown): Promise<string>;
  /** Sees every effect the driver shows (all but the requests and their aborts); may call `stop()`. */
  onEffect?(effect: TurnEffect, stop: () => Promise<void>): void | Promise<void>;
}

/**
 * Drives a turn to its end through `TurnDriver`, as the chat does: each round's request goes out with
 * `streamChatCompletion`, approvals are answered and tools run through `host`. Returns every effect the driver showed.
 */
export async function driveTurn(
  turn: ReplyTurn,
  client: ChatClientOptions,
  snapshot: GatewaySnapshot,
  host: DriverHost = {},
): Promise<TurnEffect[]> {
  const seen: TurnEffect[] = [];
  const driver: TurnDriver = new TurnDriver(turn, {
    stream: (request, signal) =>
      streamChatCompletion(client, buildTurnRequest(snapshot, request.messages, request.tools), signal),
    runTool: async (call, args) => (await host.runTool?.(call, args)) ?? '',
    describeFailure: (error) => (error instanceof Error ? error.message : String(error)),
    show: (effect) => {
      seen.push(effect);
      void host.onEffect?.(effect, async () => driver.stop());
      if (effect.type === 'askApproval')
        for (const pending of effect.calls) driver.decide(pending.call.id, host.decide?.(pending) ?? 'allowOnce');
    },
  });
  await driver.run({ type: 'start' });
  return seen;
}
