import type { ChatMessage, Usage } from './chatTypes';
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
}

let counter = 0;
function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}`;
}

/** One conversation: the turns in order, and what is sent as context for the next reply. Pure state, no I/O. */
export class Conversation {
  readonly id = newId('c');
  private readonly list: ConversationMessage[] = [];

  get messages(): readonly ConversationMessage[] {
    return this.list;
  }

  addUserMessage(text: string): ConversationMessage {
    const message: ConversationMessage = { id: newId('u'), role: 'user', text, status: 'done' };
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

  /**
   * The messages to send for a reply to the last user message: every earlier turn, including partial replies the
   * user saw (they are part of what the user is answering), leaving out the empty placeholder being streamed.
   */
  contextMessages(): ChatMessage[] {
    return this.list
      .filter((message) => message.text.length > 0 && message.status !== 'streaming')
      .map((message) => ({ role: message.role, content: message.text }));
  }
}
