/**
 * Keeps a request within the model's context: when the estimated tokens of its messages exceed the budget, the
 * oldest turns are left out of what is sent (never out of the conversation, which keeps them), rather than the
 * gateway answering `context_length_exceeded`. Pure.
 *
 * What is left out is whole turns, oldest first: a user message with the replies and tool results that answer it
 * (a reply without its question, or a tool call without its result, is worse than neither; the API refuses a call
 * that nobody answered). Never left out: the system messages, and the newest user message with everything after it
 * (in a tool loop, the current turn's calls and results).
 */
import type { ChatMessage, ToolDefinition } from './chatTypes';
import {
  estimateMessageTokens,
  estimateTextTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REQUEST_OVERHEAD_TOKENS,
} from './tokenEstimate';

export interface FittedContext {
  /** The messages to send, in order. */
  readonly messages: ChatMessage[];
  /** The messages left out, in their order. */
  readonly dropped: ChatMessage[];
  /** The estimated tokens of `messages`. */
  readonly tokens: number;
  /** False when even the messages that are never left out exceed the budget (the request may still fail). */
  readonly fits: boolean;
}

/** Leaves out the oldest turns until the messages' estimate is within `budget` tokens (see the module's comment). */
export function fitContext(
  messages: readonly ChatMessage[],
  budget: number,
  estimate: (message: ChatMessage) => number = estimateMessageTokens,
): FittedContext {
  const costs = messages.map(estimate);
  let tokens = costs.reduce((sum, cost) => sum + cost, REQUEST_OVERHEAD_TOKENS);
  if (tokens <= budget) return { messages: [...messages], dropped: [], tokens, fits: true };

  // The turns that may go: from the first non-system message up to the newest user message, cut at user messages.
  let newestUser = messages.length - 1;
  while (newestUser >= 0 && messages[newestUser].role !== 'user') newestUser--;
  const leaving = new Set<number>();
  let index = 0;
  while (tokens > budget && index < newestUser) {
    // One turn: this message and what follows up to the next user message (or the newest one).
    const turn: number[] = [];
    do {
      if (messages[index].role !== 'system') turn.push(index);
      index++;
    } while (index < newestUser && messages[index].role !== 'user');
    for (const at of turn) {
      leaving.add(at);
      tokens -= costs[at];
    }
  }
  return {
    messages: messages.filter((_, at) => !leaving.has(at)),
    dropped: messages.filter((_, at) => leaving.has(at)),
    tokens,
    fits: tokens <= budget,
  };
}

/** The share of a context kept for the reply when the request sets no `max_tokens`. */
const REPLY_SHARE = 0.25;
const MAX_REPLY_RESERVE = 8192;

/**
 * The tokens the messages of a request may take in a context of `contextLength`: what is left after the reply's
 * room (`maxTokens` when the request sets it, else a quarter of the context up to 8192) and anything else sent with
 * the messages (tool definitions: `reserved`).
 */
export function contextBudget(contextLength: number, options: { maxTokens?: number; reserved?: number } = {}): number {
  const reply = options.maxTokens ?? Math.min(MAX_REPLY_RESERVE, Math.floor(contextLength * REPLY_SHARE));
  return Math.max(0, contextLength - reply - (options.reserved ?? 0));
}

/**
 * One round's messages fitted to the model's context (`fitContext` within `contextBudget`): the system prompt and
 * the tool definitions count against the budget, the reply keeps its room. Without a known context length, the
 * messages go as they are.
 */
export function fitRoundMessages(options: {
  readonly messages: readonly ChatMessage[];
  readonly contextLength?: number;
  readonly systemPrompt?: string;
  readonly maxTokens?: number;
  readonly tools?: readonly ToolDefinition[];
}): { readonly messages: readonly ChatMessage[]; readonly leftOut: number } {
  const { messages, contextLength } = options;
  if (!contextLength) return { messages, leftOut: 0 };
  const system = options.systemPrompt?.trim() ? estimateTextTokens(options.systemPrompt) + MESSAGE_OVERHEAD_TOKENS : 0;
  const tools = options.tools?.length ? estimateTextTokens(JSON.stringify(options.tools)) : 0;
  const budget = contextBudget(contextLength, {
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    reserved: system + tools,
  });
  const fitted = fitContext(messages, budget);
  return fitted.dropped.length
    ? { messages: fitted.messages, leftOut: fitted.dropped.length }
    : { messages, leftOut: 0 };
}
