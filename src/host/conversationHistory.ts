import * as vscode from 'vscode';
import type { Conversation } from '../core/conversation';
import { conversationFromRecord, titleFor, toRecord, type ConversationRecord } from '../core/conversationRecord';
import type { Logger } from '../core/logger';
import type { ConversationStore } from './conversationStore';

const CURRENT_KEY = 'gatewayChat.currentConversation';
/** While a reply streams it is saved at most this often, so a crash keeps most of it. */
export const STREAMING_SAVE_INTERVAL_MS = 2_000;

/**
 * What the chat session needs from the saved history: save a conversation now or soon, restore one, remember which
 * one is open (in global state, so a reloaded window opens it again). Titles and creation times of the conversations
 * this window has seen are kept here; save failures are logged, never thrown at the chat.
 */
export class ConversationHistory implements vscode.Disposable {
  /** Per conversation: its title, creation time, and the revision on disk this window's copy is based on. */
  private readonly meta = new Map<string, { title?: string; createdAt: string; revision?: number }>();
  /** The save running for each conversation: saves of one conversation go one after the other. */
  private readonly saving = new Map<string, Promise<void>>();
  private readonly merged = new vscode.EventEmitter<string>();
  /** A conversation's save was merged with another window's: it has messages this window had not shown. */
  readonly onDidMerge = this.merged.event;
  /** Conversations deleted in this window: a reply that ends after the delete does not bring them back. */
  private readonly deleted = new Set<string>();
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; conversation: Conversation }>();

  constructor(
    readonly store: ConversationStore,
    private readonly state: vscode.Memento,
    private readonly log: Logger,
    /** Masks secrets (the API key) in what the gateway said: its error messages are written to disk. */
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  /** The id of the conversation that was open last (it may never have been saved: then there is nothing to restore). */
  get currentId(): string | undefined {
    return this.state.get<string>(CURRENT_KEY);
  }

  setCurrent(id: string): void {
    if (this.currentId !== id) void Promise.resolve(this.state.update(CURRENT_KEY, id)).catch(() => undefined);
  }

  /** `conversation` as a record, with the title and creation time it is saved under. */
  recordOf(conversation: Conversation): ConversationRecord {
    const now = new Date().toISOString();
    const meta = this.meta.get(conversation.id);
    return this.masked(
      toRecord(conversation, {
        ...(meta?.title ? { title: meta.title } : {}),
        createdAt: meta?.createdAt ?? now,
        updatedAt: now,
      }),
    );
  }

  /**
   * Saves `conversation` (if it has any message) as it is when its turn comes, and resolves when it is on disk.
   * While a reply streams only the reply is written (see `RecordStore.save`). When another window saved the same
   * conversation meanwhile, the turns of both are kept: this window's copy takes the other's turns too, and the user
   * is told. Never rejects.
   */
  saveNow(conversation: Conversation): Promise<void> {
    const pending = this.pending.get(conversation.id);
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(conversation.id);
    }
    const previous = this.saving.get(conversation.id) ?? Promise.resolve();
    const next = previous.then(() => this.write(conversation));
    this.saving.set(conversation.id, next);
    void next.then(() => {
      if (this.saving.get(conversation.id) === next) this.saving.delete(conversation.id);
    });
    return next;
  }

  private async write(conversation: Conversation): Promise<void> {
    if (conversation.messages.length === 0 || this.deleted.has(conversation.id)) return;
    const now = new Date().toISOString();
    const meta = this.meta.get(conversation.id) ?? { createdAt: now };
    this.meta.set(conversation.id, meta);
    const record = this.masked(
      toRecord(conversation, {
        ...(meta.title ? { title: meta.title } : {}),
        createdAt: meta.createdAt,
        updatedAt: now,
      }),
    );
    try {
      const outcome = await this.store.save(record, meta.revision);
      meta.revision = outcome.revision;
      if (outcome.merged) {
        conversation.adopt(outcome.merged.messages);
        this.merged.fire(conversation.id);
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'The conversation "{0}" was also changed in another window. Both windows\' messages are kept in it.',
            outcome.merged.title || titleFor(outcome.merged.messages),
          ),
        );
      }
    } catch (error) {
      this.log.error(`Could not save conversation ${conversation.id}: ${String(error)}`);
    }
  }

  /** Saves `conversation` within STREAMING_SAVE_INTERVAL_MS, unless a save is already scheduled. */
  saveSoon(conversation: Conversation): void {
    if (this.pending.has(conversation.id)) return;
    const timer = setTimeout(() => void this.saveNow(conversation), STREAMING_SAVE_INTERVAL_MS);
    this.pending.set(conversation.id, { timer, conversation });
  }

  private masked(record: ConversationRecord): ConversationRecord {
    if (!record.messages.some((message) => message.error)) return record;
    return {
      ...record,
      messages: record.messages.map((message) =>
        message.error
          ? { ...message, error: { ...message.error, message: this.redact(message.error.message) } }
          : message,
      ),
    };
  }

  /** The saved conversation `id`, or undefined when there is none (or it could not be read: see the log). */
  async restore(id: string): Promise<Conversation | undefined> {
    try {
      const record = await this.store.load(id);
      if (!record) return undefined;
      this.remember(record);
      this.based(record);
      return conversationFromRecord(record);
    } catch (error) {
      this.log.error(`Could not load conversation ${id}: ${String(error)}`);
      return undefined;
    }
  }

  /** Takes a record's title and creation time as this conversation's (after a load, an import or a rename). */
  remember(record: ConversationRecord): void {
    const revision = this.meta.get(record.id)?.revision;
    this.meta.set(record.id, {
      ...(record.title ? { title: record.title } : {}),
      createdAt: record.createdAt,
      ...(revision !== undefined ? { revision } : {}),
    });
  }

  /** This window's copy of the conversation is now `record` as saved (after a load or an import). */
  based(record: ConversationRecord): void {
    const meta = this.meta.get(record.id);
    if (meta && record.revision !== undefined) meta.revision = record.revision;
  }

  /** After a delete: nothing more is saved for `id`. */
  forget(id: string): void {
    this.deleted.add(id);
    const pending = this.pending.get(id);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(id);
    this.meta.delete(id);
  }

  /** The title a conversation has or will be saved under. */
  titleOf(conversation: Conversation): string {
    return this.meta.get(conversation.id)?.title || titleFor(conversation.messages);
  }

  dispose(): void {
    for (const { conversation } of [...this.pending.values()]) void this.saveNow(conversation);
    this.merged.dispose();
  }
}
