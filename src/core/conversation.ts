import type { ChatMessage, ContentPart, ToolCall, Usage } from './chatTypes';
import type { GatewayError } from './gatewayError';
import type { ContextKind, LineRange } from '../shared/contextRefs';
import type { ToolKind } from '../shared/protocol';

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
  /** What the user attached to a user message with `#`-mentions, as it was read when sent; sent before its text. */
  context?: ContextItem[];
  /** How many earlier messages were left out of an assistant reply's request (too long for the model's context). */
  leftOut?: number;
  /** How long an assistant reply took: to its first token and in all (milliseconds). */
  timing?: ReplyTiming;
}

export interface ReplyTiming {
  readonly firstTokenMs?: number;
  readonly totalMs?: number;
}

/** What the user can do to one message from its toolbar (besides copying, which changes nothing). */
export type MessageEdit = 'regenerate' | 'delete' | 'continue' | 'edit' | 'copy';

/** Why an action on a message cannot be done now. */
export type MessageEditProblem = 'unknownMessage' | 'streaming' | 'notAReply' | 'notAUserMessage' | 'notCutOff';

/** The instruction sent (not kept in the conversation) to have a reply cut off by the length limit go on. */
export const CONTINUE_INSTRUCTION = 'Continue exactly where you stopped. Do not repeat anything you already wrote.';

/** Why a tool call got the answer it got (shown to the user; the answer's text is what the model reads). */
export type ToolOutcome =
  /** The tool ran and returned this. */
  | 'result'
  /** The tool ran; its result was longer than the cap and was cut (the answer says so). */
  | 'resultCapped'
  /** The tool threw; the answer is its (host-redacted) error text. */
  | 'failed'
  | 'denied'
  /** The arguments were not a JSON object, or the tool's check refused them. */
  | 'invalidArguments'
  | 'unknownTool'
  /** Stop came while the call ran: it was cancelled. */
  | 'cancelled'
  /** Stop came, or the round limit was reached, before the call ran: it never ran. */
  | 'notRun';

export const TOOL_OUTCOMES: readonly ToolOutcome[] = [
  'result',
  'resultCapped',
  'failed',
  'denied',
  'invalidArguments',
  'unknownTool',
  'cancelled',
  'notRun',
];

export interface ToolResult {
  readonly toolCallId: string;
  readonly content: string;
  readonly outcome?: ToolOutcome;
  /** What the call did in plain words ("Read src/app.ts, lines 1–40") and its kind, as its row showed them. */
  readonly title?: string;
  readonly kind?: ToolKind;
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

/** One `#`-mention of a user message, resolved when it was sent: what it named, and the text the model got. */
export interface ContextItem {
  readonly kind: ContextKind;
  /** The mention, resolved: `#file:src/a.ts:10-40`, `#selection:src/b.ts:3-7`, `#problems`, `#changes`, `#editors`. */
  readonly label: string;
  /** The workspace-relative file (of a file or a selection). */
  readonly path?: string;
  readonly range?: LineRange;
  /** What was read: the file's numbered lines, the problems, the diff… (bounded by the workspace tools' limits). */
  readonly text: string;
}

/** What the model reads before an attached item's text: who attached what (it knows the rest is the user's). */
export function contextItemHeader(item: Pick<ContextItem, 'kind' | 'label' | 'path' | 'range'>): string {
  switch (item.kind) {
    case 'file': {
      const lines = item.range ? `, lines ${item.range.start}-${item.range.end}` : '';
      return `[The user attached the file ${item.path ?? item.label}${lines} (${item.label})]`;
    }
    case 'selection':
      return `[The user attached their selection in the editor${item.path ? ` (${item.path})` : ''} (${item.label})]`;
    case 'problems':
      return `[The user attached the problems VS Code reports in the workspace (${item.label})]`;
    case 'changes':
      return `[The user attached the git changes of the working tree (${item.label})]`;
    case 'editors':
      return `[The user attached the list of open editors (${item.label})]`;
  }
}

let counter = 0;
/** A fresh id: `c-…` for a conversation, `u-…`/`a-…` for messages. */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}`;
}

/**
 * A reply the gateway finished normally without giving anything: no text (or only white space), no reasoning, no
 * tool call (e.g. a stream of only `data: [DONE]`, or of empty deltas and finish_reason `stop`). The user is told, as
 * the panel would otherwise show an empty reply marked done.
 */
export function isEmptyReply(
  message: Pick<ConversationMessage, 'role' | 'status' | 'text' | 'reasoning' | 'toolCalls'>,
): boolean {
  return (
    message.role === 'assistant' &&
    message.status === 'done' &&
    message.text.trim() === '' &&
    (message.reasoning ?? '').trim() === '' &&
    (message.toolCalls ?? []).length === 0
  );
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

  addUserMessage(
    text: string,
    images?: readonly ImageAttachment[],
    context?: readonly ContextItem[],
  ): ConversationMessage {
    const message: ConversationMessage = { id: newId('u'), role: 'user', text, status: 'done' };
    if (images && images.length > 0) message.images = [...images];
    if (context && context.length > 0) message.context = [...context];
    this.list.push(message);
    return message;
  }

  startAssistantMessage(): ConversationMessage {
    const message: ConversationMessage = { id: newId('a'), role: 'assistant', text: '', status: 'streaming' };
    this.list.push(message);
    return message;
  }

  /**
   * Takes `messages` as the conversation's list (after its save was merged with another window's): messages it has
   * stay the same objects, so a reply streaming into one goes on; a finished one takes the merged version's content.
   * Messages added since the merged version was taken (a reply that started meanwhile) stay at the end.
   */
  adopt(messages: readonly ConversationMessage[]): void {
    const own = new Map(this.list.map((message) => [message.id, message]));
    const next = messages.map((message) => {
      const current = own.get(message.id);
      if (!current) return { ...message };
      if (current.status !== 'streaming' && current.text !== message.text) Object.assign(current, message);
      return current;
    });
    const merged = new Set(messages.map(({ id }) => id));
    const added = this.list.filter(({ id }) => !merged.has(id));
    this.list.splice(0, this.list.length, ...next, ...added);
  }

  removeMessage(id: string): void {
    const index = this.list.findIndex((message) => message.id === id);
    if (index >= 0) this.list.splice(index, 1);
  }

  /** The message with this id, if the conversation has it. */
  find(id: string): ConversationMessage | undefined {
    return this.list.find((message) => message.id === id);
  }

  /**
   * Why `edit` cannot be done to message `id` now, or undefined when it can. Nothing changes the conversation while
   * a reply streams (copying does not change it); regenerate and continue are for replies, edit for user messages,
   * and continue only for a reply that the length limit cut off.
   */
  problemWith(edit: MessageEdit, id: string, streaming: boolean): MessageEditProblem | undefined {
    const message = this.find(id);
    if (!message) return 'unknownMessage';
    if (edit === 'copy') return undefined;
    if (streaming) return 'streaming';
    if ((edit === 'regenerate' || edit === 'continue') && message.role !== 'assistant') return 'notAReply';
    if (edit === 'edit' && message.role !== 'user') return 'notAUserMessage';
    if (edit === 'continue' && (message.status !== 'done' || message.finishReason !== 'length')) return 'notCutOff';
    return undefined;
  }

  /**
   * Removes the reply that message `id` is part of and everything after it (regenerate). A reply that called tools
   * is several assistant messages in a row (one per round): it goes from its first, so the new reply starts over from
   * the question instead of from the middle of the old one's tool calls.
   */
  truncateFrom(id: string): ConversationMessage[] {
    const index = this.list.findIndex((message) => message.id === id);
    return index >= 0 ? this.list.splice(this.replyStart(index)) : [];
  }

  /** The index of the first round of the reply that the message at `index` is part of (itself for a user message). */
  private replyStart(index: number): number {
    let start = index;
    while (start > 0 && this.list[start]?.role === 'assistant' && this.list[start - 1]?.role === 'assistant')
      start -= 1;
    return start;
  }

  /** Removes every message after `id`, keeping `id` itself (edit & resend: the turns after the edited message). */
  truncateAfter(id: string): ConversationMessage[] {
    const index = this.list.findIndex((message) => message.id === id);
    return index >= 0 ? this.list.splice(index + 1) : [];
  }

  /** Replaces the text of user message `id` (its images stay). */
  replaceText(id: string, text: string): void {
    const message = this.find(id);
    if (!message || message.role !== 'user') throw new Error(`No user message ${id}`);
    message.text = text;
  }

  /**
   * Deletes message `id`. A user message goes with the replies that answer it (the assistant messages up to the next
   * user message), since a reply without its question makes no sense as context; a reply goes alone, with all its
   * rounds when it called tools.
   * Returns what was removed.
   */
  deleteMessage(id: string): ConversationMessage[] {
    const found = this.list.findIndex((message) => message.id === id);
    if (found < 0) return [];
    // A reply goes whole: all the rounds of a reply that called tools.
    const index = this.replyStart(found);
    let end = index + 1;
    while (end < this.list.length && this.list[end]?.role === 'assistant') end += 1;
    return this.list.splice(index, end - index);
  }

  /**
   * Makes a reply that the length limit cut off stream again: its text stays, what comes next is appended to it.
   * Returns the request's context: everything up to and including the partial reply, then `CONTINUE_INSTRUCTION`.
   */
  reopenForContinue(id: string): ChatMessage[] {
    const message = this.find(id);
    if (!message || message.role !== 'assistant') throw new Error(`No assistant message ${id}`);
    const index = this.list.indexOf(message);
    const context = new Conversation({ id: this.id, messages: this.list.slice(0, index + 1) }).contextMessages();
    message.status = 'streaming';
    delete message.finishReason;
    delete message.error;
    return [...context, { role: 'user', content: CONTINUE_INSTRUCTION }];
  }

  /** Records the result of one of an assistant reply's tool calls. */
  addToolResult(messageId: string, toolCallId: string, content: string, outcome?: ToolOutcome): void {
    const message = this.list.find((candidate) => candidate.id === messageId);
    if (!message || message.role !== 'assistant') throw new Error(`No assistant message ${messageId}`);
    (message.toolResults ??= []).push({ toolCallId, content, ...(outcome ? { outcome } : {}) });
  }

  /** Keeps what an answered call did, in plain words, with its answer (a reopened conversation shows it). */
  labelToolResult(
    messageId: string,
    toolCallId: string,
    label: { readonly title: string; readonly kind: ToolKind },
  ): boolean {
    const results = this.list.find((candidate) => candidate.id === messageId)?.toolResults;
    const at = results?.findIndex((result) => result.toolCallId === toolCallId) ?? -1;
    if (!results || at === -1) return false;
    results[at] = { ...results[at], title: label.title, kind: label.kind };
    return true;
  }

  /**
   * The messages to send for a reply to the last user message: every earlier turn, including partial replies the
   * user saw (they are part of what the user is answering), leaving out the empty placeholder being streamed.
   * A user message's attached context goes first, one text part per item under a header naming it, then its text,
   * then its images.
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
        const context = message.context ?? [];
        if (images.length === 0 && context.length === 0) {
          if (message.text.length > 0) messages.push({ role: 'user', content: message.text });
          continue;
        }
        const parts: ContentPart[] = context.map((item) => ({
          type: 'text',
          text: `${contextItemHeader(item)}\n${item.text}`,
        }));
        if (message.text.length > 0) parts.push({ type: 'text', text: message.text });
        for (const image of images) {
          parts.push({
            type: 'image_url',
            image_url: image.detail ? { url: image.url, detail: image.detail } : { url: image.url },
          });
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
        ...(calls.length > 0
          ? { tool_calls: calls.map((call) => ({ id: call.id, type: call.type, function: { ...call.function } })) }
          : {}),
        ...(message.reasoning ? { reasoning_content: message.reasoning } : {}),
      });
      for (const call of calls)
        messages.push({ role: 'tool', tool_call_id: call.id, content: results.get(call.id) ?? '' });
    }
    return messages;
  }
}
