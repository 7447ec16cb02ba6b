import type { ChatMessage, ContentPart, ToolCall, Usage } from './chatTypes';
import type { GatewayError } from './gatewayError';

export type ReplyStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface ConversationMessage {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  text: string;
  status: ReplyStatus;
  model?: string;
  finishReason?: string;
  usage?: Usage;
  error?: GatewayError;
  /** An assistant reply's reasoning ("thinking"), kept apart from its text. */
  reasoning?: string;
  /** The tool calls an assistant reply made (from its `toolCalls` event). */
  toolCalls?: ToolCall[];
  /** The results of those calls, by call id; a call without a result is not sent back as context. */
  toolResults?: ToolResult[];
  /** Images attached to a user message, sent after its text. */
  images?: ImageAttachment[];
}

export interface ToolResult {
  readonly toolCallId: string;
  readonly content: string;
}

/** An image as the API takes it: an https URL or a `data:image/png;base64,…` URL. */
export interface ImageAttachment {
  readonly url: string;
  readonly detail?: 'auto' | 'low' | 'high';
  /** The size it was sent at, and the file it came from: for the panel's thumbnail and the Markdown export only. */
  readonly width?: number;
  readonly height?: number;
  readonly name?: string;
}

let counter = 0;
/** A fresh id: `c-…` for a conversation, `u-…`/`a-…` for messages. */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}`;
}

/** One conversation: the turns in order, and what is sent as context for the next reply. Pure state, no I/O. */
export class Conversation {
  readonly id: string;
  private readonly list: ConversationMessage[];

  /** A new, empty conversation; or, with `restored`, one read back from storage (its id and a copy of its messages). */
  constructor(restored?: { readonly id: string; readonly messages: readonly ConversationMessage[] }) {
    this.id = restored?.id ?? newId('c');
    this.list = restored ? restored.messages.map((message) => ({ ...message })) : [];
  }

  get messages(): readonly ConversationMessage[] {
    return this.list;
  }

  addUserMessage(text: string, images?: readonly ImageAttachment[]): ConversationMessage {
    const message: ConversationMessage = { id: newId('u'), role: 'user', text, status: 'done' };
    if (images && images.length > 0) message.images = [...images];
    this.list.push(message);
    return message;
  }

  startAssistantMessage(): ConversationMessage {
    const message: ConversationMessage = { id: newId('a'), role: 'assistant', text: '', status: 'streaming' };
    this.list.push(message);
    return message;
  }

  removeMessage(id: string): void {
    const index = this.list.findIndex((message) => message.id === id);
    if (index >= 0) this.list.splice(index, 1);
  }

  /** Records the result of one of an assistant reply's tool calls. */
  addToolResult(messageId: string, toolCallId: string, content: string): void {
    const message = this.list.find((candidate) => candidate.id === messageId);
    if (!message || message.role !== 'assistant') throw new Error(`No assistant message ${messageId}`);
    (message.toolResults ??= []).push({ toolCallId, content });
  }

  /**
   * The messages to send for a reply to the last user message: every earlier turn, including partial replies the
   * user saw (they are part of what the user is answering), leaving out the empty placeholder being streamed.
   * A reply that made tool calls is followed by one tool message per call that has a result; calls without a
   * result are left out (the API refuses a call nobody answered). Reasoning goes along as `reasoning_content`;
   * `buildChatRequest` drops it unless the model profile asks for it back.
   */
  contextMessages(): ChatMessage[] {
    const messages: ChatMessage[] = [];
    for (const message of this.list) {
      if (message.status === 'streaming') continue;
      if (message.role === 'user') {
        const images = message.images ?? [];
        if (images.length === 0) {
          if (message.text.length > 0) messages.push({ role: 'user', content: message.text });
          continue;
        }
        const parts: ContentPart[] = message.text.length > 0 ? [{ type: 'text', text: message.text }] : [];
        for (const image of images) {
          parts.push({ type: 'image_url', image_url: image.detail ? { url: image.url, detail: image.detail } : { url: image.url } });
        }
        messages.push({ role: 'user', content: parts });
        continue;
      }
      const results = new Map((message.toolResults ?? []).map((result) => [result.toolCallId, result.content]));
      const calls = (message.toolCalls ?? []).filter((call) => results.has(call.id));
      if (message.text.length === 0 && calls.length === 0) continue;
      messages.push({
        role: 'assistant',
        ...(message.text.length > 0 ? { content: message.text } : {}),
        ...(calls.length > 0 ? { tool_calls: calls.map((call) => ({ id: call.id, type: call.type, function: { ...call.function } })) } : {}),
        ...(message.reasoning ? { reasoning_content: message.reasoning } : {}),
      });
      for (const call of calls) messages.push({ role: 'tool', tool_call_id: call.id, content: results.get(call.id) ?? '' });
    }
    return messages;
  }
}
