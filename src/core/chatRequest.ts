import type { ChatCompletionRequest, ChatMessage } from './chatTypes';

export interface ChatRequestOptions {
  readonly model: string;
  /** The conversation so far, oldest first, ending with the user's new message. */
  readonly messages: readonly ChatMessage[];
  readonly systemPrompt?: string;
}

/** Builds the body of a streamed chat completion. Optional fields are left out, never sent as `null`. */
export function buildChatRequest(options: ChatRequestOptions): ChatCompletionRequest {
  const system = options.systemPrompt?.trim();
  const messages: ChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const message of options.messages) {
    if (message.content.length > 0) messages.push({ role: message.role, content: message.content });
  }
  return {
    model: options.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
}
