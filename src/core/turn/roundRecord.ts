/**
 * One round of a turn: a request and the reply it streams, recorded in one assistant `ConversationMessage` (text,
 * reasoning, model, usage, finish reason, tool calls, timing, error) the way `Conversation.contextMessages()` sends
 * it back. Only choice 0 is recorded: a turn asks for one.
 */
import { choiceOf, type AssembledToolCall, type ChatEvent, type ToolCall, type Usage } from '../chatTypes';
import type { ConversationMessage } from '../conversation';
import type { GatewayError } from '../gatewayError';
import type { TurnEffect, TurnEndStatus } from './turnTypes';

export interface RoundRecord {
  /** 1 for the first request of the turn. */
  readonly number: number;
  readonly message: ConversationMessage;
  readonly startedAt: number;
  firstTokenAt?: number;
  /** The stream reported this failure; the round ends with it. */
  error?: GatewayError;
  /** A "retrying" notice is showing (it goes when the reply begins). */
  retryShown: boolean;
}

export function startRound(number: number, message: ConversationMessage, now: number): RoundRecord {
  return { number, message, startedAt: now, retryShown: false };
}

/**
 * Records one stream event in the round's message and says what the host should show. Returns whether the event
 * was part of the reply (the first one moves the turn from requesting to streaming).
 */
export function recordEvent(
  round: RoundRecord,
  event: ChatEvent,
  now: number,
): { readonly effects: TurnEffect[]; readonly replyBegan: boolean } {
  const { message } = round;
  const messageId = message.id;
  const effects: TurnEffect[] = [];
  const content = event.type === 'text' || event.type === 'reasoning' || event.type === 'toolCallDelta';
  if (content && choiceOf(event) === 0) {
    if (round.retryShown) {
      round.retryShown = false;
      effects.push({ type: 'retryOver', messageId });
    }
    round.firstTokenAt ??= now;
  }
  switch (event.type) {
    case 'text':
      if (choiceOf(event) !== 0 || event.text === '') break;
      message.text += event.text;
      effects.push({ type: 'text', messageId, text: event.text });
      break;
    case 'reasoning':
      if (event.choice !== 0 || event.text === '') break;
      message.reasoning = (message.reasoning ?? '') + event.text;
      effects.push({ type: 'reasoning', messageId, text: event.text });
      break;
    case 'toolCallDelta': {
      if (event.choice !== 0) break;
      const { index, id, name, argumentsDelta } = event;
      effects.push({
        type: 'toolCallForming',
        messageId,
        index,
        ...(id !== undefined ? { id } : {}),
        ...(name !== undefined ? { name } : {}),
        argumentsDelta,
      });
      break;
    }
    case 'toolCalls':
      if (event.choice === 0 && event.calls.length > 0) message.toolCalls = withUniqueIds(event.calls);
      break;
    case 'model':
      message.model = event.model;
      break;
    case 'usage':
      message.usage = event.usage;
      break;
    case 'finish':
      if (choiceOf(event) === 0) message.finishReason = event.reason;
      break;
    case 'error':
      round.error = event.error;
      break;
    case 'retrying':
      round.retryShown = true;
      effects.push({
        type: 'retrying',
        messageId,
        attempt: event.attempt,
        delayMs: event.delayMs,
        reason: event.reason,
      });
      return { effects, replyBegan: false };
    case 'waiting':
      // The same notice as a retry's, taken away by the reply's first piece.
      round.retryShown = true;
      effects.push({ type: 'waiting', messageId });
      return { effects, replyBegan: false };
  }
  return { effects, replyBegan: event.type !== 'error' };
}

/**
 * Calls as the record keeps them: without the stream's `index`, each with its own id. A gateway that sends one id
 * twice would otherwise have two answers matched to one call, which the API refuses.
 */
function withUniqueIds(calls: readonly AssembledToolCall[]): ToolCall[] {
  const seen = new Set<string>();
  return calls.map((call) => {
    let id = call.id;
    for (let n = 2; seen.has(id); n++) id = `${call.id}_${n}`;
    seen.add(id);
    return { id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } };
  });
}

/** How the stream ended: its error's status, or done. */
export function streamStatus(round: RoundRecord): TurnEndStatus {
  if (!round.error) return 'done';
  return round.error.kind === 'interrupted' ? 'interrupted' : 'error';
}

/** Gives the round's message its final status, error and timing (as far as the reply got: partial text stays). */
export function settleRound(round: RoundRecord, status: TurnEndStatus, now: number): void {
  const { message } = round;
  message.status = status;
  if (round.error && status !== 'stopped') message.error = round.error;
  if (round.firstTokenAt !== undefined)
    message.timing = { firstTokenMs: round.firstTokenAt - round.startedAt, totalMs: now - round.startedAt };
}

/** The usage of all rounds added up (fields no round reported stay out). */
export function addUsage(messages: readonly ConversationMessage[]): Usage | undefined {
  const total: { -readonly [K in keyof Usage]: number } = {};
  let any = false;
  for (const usage of messages.map((message) => message.usage)) {
    if (!usage) continue;
    any = true;
    for (const key of Object.keys(usage) as (keyof Usage)[]) {
      const value = usage[key];
      if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
    }
  }
  return any ? total : undefined;
}
