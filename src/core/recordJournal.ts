/**
 * The journal of a streaming reply: while a reply streams, a save writes only the reply (and what it follows) to a
 * small file beside the record, instead of the whole record; loading applies it, the save at the end of the reply
 * folds it into the record. Pure.
 */
import type { ConversationMessage } from './conversation';
import { parseStoredMessage, storedMessage, type ConversationRecord } from './conversationRecord';

/** What this store last wrote or read of a record: to tell whether another window changed it since. */
export interface OnDisk {
  readonly revision: number;
  readonly mtime: number;
  readonly size: number;
  readonly title: string;
  readonly ids: readonly string[];
  /** Each message as it was written (images by reference). */
  readonly messages: readonly string[];
}

/**
 * What a message was on disk, to tell whether it changed: its stored form, an image by its file or, when it has
 * none yet, by its length and ends (copying a screenshot's data URL for this would take longer than the save).
 */
export function fingerprintOf(message: ConversationMessage, keyOf: (url: string) => string | undefined): string {
  return JSON.stringify(
    storedMessage(message, (url) => keyOf(url) ?? `inline:${url.length}:${url.slice(0, 80)}:${url.slice(-80)}`),
  );
}

/**
 * The journal text for `record` when only its last message, a reply still streaming, differs from what is on disk
 * (`known`); undefined when anything else changed (then the whole record is written).
 */
export function journalText(
  record: ConversationRecord,
  known: OnDisk,
  keyOf: (url: string) => string | undefined,
): string | undefined {
  const last = record.messages.at(-1);
  if (!last || last.role !== 'assistant' || last.status !== 'streaming' || record.title !== known.title)
    return undefined;
  const before = record.messages.slice(0, -1);
  const lastWasSaved = known.messages.length === before.length + 1;
  if (known.messages.length !== before.length && !lastWasSaved) return undefined;
  if (lastWasSaved && known.ids.at(-1) !== last.id) return undefined;
  for (let index = 0; index < before.length; index += 1) {
    const message = before[index];
    if (!message || fingerprintOf(message, keyOf) !== known.messages[index]) return undefined;
  }
  return `${JSON.stringify({
    journal: 1,
    conversation: record.id,
    base: known.revision,
    after: before.at(-1)?.id ?? null,
    writtenAt: new Date().toISOString(),
    message: storedMessage(last, keyOf),
  })}\n`;
}

/** The reply a journal of conversation `id` holds, and the message it follows; undefined when it is not one. */
export function parseJournal(
  value: unknown,
  id: string,
): { message: ConversationMessage; after: string | undefined } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const journal = value as Record<string, unknown>;
  if (journal.journal !== 1 || journal.conversation !== id) return undefined;
  const message = parseStoredMessage(journal.message);
  if (!message) return undefined;
  return { message, after: typeof journal.after === 'string' ? journal.after : undefined };
}
