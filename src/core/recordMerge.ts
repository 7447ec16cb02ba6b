/**
 * Two versions of one conversation, kept together: the same conversation saved by two VS Code windows, or a record
 * and the journal of the reply that was streaming into it. Nothing of either is lost. Pure.
 */
import type { ConversationMessage } from './conversation';
import type { ConversationRecord } from './conversationRecord';

/**
 * Our messages and theirs in one list: ours in our order; a message only they have goes right after the last message
 * before it that both have (their turns first, then ours, where the two went apart). A message both have is ours,
 * unless theirs is the same text carried further (the rest of a reply we only saw part of).
 */
export function mergeMessages(
  ours: readonly ConversationMessage[],
  theirs: readonly ConversationMessage[],
): ConversationMessage[] {
  const theirById = new Map(theirs.map((message) => [message.id, message]));
  const result = ours.map((message) => {
    const their = theirById.get(message.id);
    return their && continues(message, their) ? their : message;
  });
  const position = new Map(result.map((message, index) => [message.id, index]));
  let anchor = -1;
  for (const their of theirs) {
    const at = position.get(their.id);
    if (at !== undefined) {
      anchor = at;
      continue;
    }
    anchor += 1;
    result.splice(anchor, 0, their);
    position.clear();
    result.forEach((message, index) => position.set(message.id, index));
  }
  return result;
}

/** `later` is `earlier` carried further: the same message with more text after what `earlier` has. */
export function continues(earlier: ConversationMessage, later: ConversationMessage): boolean {
  return later.text.length > earlier.text.length && later.text.startsWith(earlier.text);
}

/** Both versions of a record in one: ours (title, id) with their messages added; the earlier creation time. */
export function mergeRecords(ours: ConversationRecord, theirs: ConversationRecord): ConversationRecord {
  return {
    ...ours,
    createdAt: theirs.createdAt < ours.createdAt ? theirs.createdAt : ours.createdAt,
    messages: mergeMessages(ours.messages, theirs.messages),
  };
}

/** Whether two message lists hold the same messages (by id and text) in the same order. */
export function sameMessages(a: readonly ConversationMessage[], b: readonly ConversationMessage[]): boolean {
  return (
    a.length === b.length && a.every((message, index) => message.id === b[index]?.id && message.text === b[index]?.text)
  );
}

/**
 * A streamed reply from a journal put into its record: it replaces the record's copy when it carries it further, or
 * goes right after the message it followed (`after`), or at the end.
 */
export function applyJournal(
  messages: readonly ConversationMessage[],
  reply: ConversationMessage,
  after: string | undefined,
): ConversationMessage[] {
  const list = [...messages];
  const at = list.findIndex((message) => message.id === reply.id);
  if (at >= 0) {
    const current = list[at];
    if (current && continues(current, reply)) list[at] = reply;
    return list;
  }
  const previous = after === undefined ? -1 : list.findIndex((message) => message.id === after);
  list.splice(previous >= 0 ? previous + 1 : list.length, 0, reply);
  return list;
}
