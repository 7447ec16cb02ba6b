/** The Chat Completions wire types this client speaks. Only what is sent or read; optional fields stay optional. */
import type { GatewayError } from './gatewayError';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
}

export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: true;
  readonly stream_options?: { readonly include_usage: boolean };
}

export interface Usage {
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly totalTokens?: number;
}

/** What the client reports while a reply streams. A stream ends after `finish` or `error`, or silently on abort. */
export type ChatEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'model'; readonly model: string }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'finish'; readonly reason: string }
  | { readonly type: 'error'; readonly error: GatewayError };
