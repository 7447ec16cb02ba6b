/** The Chat Completions wire types this client speaks. Only what is sent or read; optional fields stay optional. */
import type { GatewayError } from './gatewayError';

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A piece of a user message: text, or an image by https URL or `data:image/…;base64,…` URL. */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'image_url';
      readonly image_url: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' };
    };

/** One tool call of an assistant message, as the API returns it and expects it back. */
export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface SystemMessage {
  readonly role: 'system';
  readonly content: string;
  readonly name?: string;
}

export interface UserMessage {
  readonly role: 'user';
  readonly content: string | readonly ContentPart[];
  readonly name?: string;
}

/**
 * An earlier reply. `content` may be left out (or `null`, as the API returns it) when the reply was only tool calls.
 * `reasoning_content` is not part of OpenAI's schema: `buildChatRequest` sends it only when the model profile says
 * `sendReasoningBack` (DeepSeek's thinking mode with tools wants it back), and drops it otherwise.
 */
export interface AssistantMessage {
  readonly role: 'assistant';
  readonly content?: string | null;
  readonly name?: string;
  readonly tool_calls?: readonly ToolCall[];
  readonly reasoning_content?: string;
}

/** The result of one tool call, answering the assistant message that carried the call with this id. */
export interface ToolMessage {
  readonly role: 'tool';
  readonly tool_call_id: string;
  readonly content: string;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
    readonly strict?: boolean;
  };
}

export type ToolChoice =
  'none' | 'auto' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly json_schema: {
        readonly name: string;
        readonly description?: string;
        readonly schema?: Readonly<Record<string, unknown>>;
        readonly strict?: boolean;
      };
    };

/** The values OpenAI's schema allows for `reasoning_effort` (most models take only low, medium and high). */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** OfoxAI's `provider` extension: how the gateway picks a provider node, and which models to fall back to. */
export interface ProviderPreferences {
  readonly routing?: 'priority' | 'cost' | 'latency' | 'balanced';
  readonly fallback?: readonly string[];
}

/** OfoxAI's `model_routing_config`, read only with `model: "auto"`. */
export interface ModelRoutingConfig {
  readonly models?: readonly string[];
  readonly preference?: 'balanced' | 'quality' | 'speed' | 'cost';
}

/**
 * The body of a streamed chat completion. Optional fields are absent when unset, never `null`. `provider` and
 * `model_routing_config` are OfoxAI extensions outside OpenAI's schema. A body built with `extraBody` may carry
 * further fields that are not typed here.
 */
export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: true;
  readonly stream_options?: { readonly include_usage: boolean };
  readonly temperature?: number;
  readonly top_p?: number;
  readonly n?: number;
  readonly stop?: string | readonly string[];
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
  readonly logit_bias?: Readonly<Record<string, number>>;
  readonly seed?: number;
  readonly user?: string;
  readonly tools?: readonly ToolDefinition[];
  readonly tool_choice?: ToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: ResponseFormat;
  readonly reasoning_effort?: ReasoningEffort;
  readonly provider?: ProviderPreferences;
  readonly model_routing_config?: ModelRoutingConfig;
}

export interface Usage {
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly totalTokens?: number;
  /** Prompt tokens served from the provider's cache (`prompt_tokens_details.cached_tokens`); only when above 0. */
  readonly cachedTokens?: number;
  /** Completion tokens spent on reasoning (`completion_tokens_details.reasoning_tokens`); only when above 0. */
  readonly reasoningTokens?: number;
}

/** A tool call put together from a stream's deltas; `index` is its place among the calls of its choice. */
export interface AssembledToolCall extends ToolCall {
  readonly index: number;
}

/**
 * What the client reports while a reply streams. A stream ends after `finish` or `error`, or silently on abort; with
 * `n > 1` each choice gets its own `finish` and the stream ends after the last one.
 *
 * Events about one choice say which (`choice`, the API's `index`). On `text` and `finish` it is left out for choice
 * 0, which is all there is unless the request asked for `n > 1`: read it with `choiceOf(event)`.
 */
export type ChatEvent =
  | { readonly type: 'text'; readonly text: string; readonly choice?: number }
  | { readonly type: 'model'; readonly model: string }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'finish'; readonly reason: string; readonly choice?: number }
  | { readonly type: 'error'; readonly error: GatewayError }
  /** Reasoning ("thinking") text: `delta.reasoning_content`, `delta.reasoning`, or `<think>…</think>` in content. */
  | { readonly type: 'reasoning'; readonly choice: number; readonly text: string }
  /**
   * A tool call taking shape: `id` and `name` come once, on the delta where they first appear; `argumentsDelta` is
   * the next piece of the JSON arguments (possibly empty).
   */
  | {
      readonly type: 'toolCallDelta';
      readonly choice: number;
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  /** Every tool call of a choice, complete, just before that choice's `finish`. */
  | { readonly type: 'toolCalls'; readonly choice: number; readonly calls: readonly AssembledToolCall[] }
  /**
   * The request failed before any of the reply arrived and is sent again after `delayMs`. `attempt` counts the
   * retries (1 for the first); `reason` is one short line (no secrets) for the panel and the log.
   */
  | { readonly type: 'retrying'; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  /**
   * The request went out and nothing of the reply has come for a while (a gateway loading a model, a queue, a
   * buffering proxy): said once per attempt, before the reply's first text.
   */
  | { readonly type: 'waiting' };

/** The choice an event is about (0 when the event does not say). */
export function choiceOf(event: { readonly choice?: number }): number {
  return event.choice ?? 0;
}
