/**
 * Bounds on what a gateway can make the client hold in memory, whatever it sends: the bytes of one SSE event, counted
 * on the wire before the text decoder and eventsource-parser (which keeps an unfinished line, however long, until its
 * newline arrives), and the characters of one reply. Pure and synchronous.
 */
import type { ChatEvent } from './chatTypes';

/** One SSE event (or a whole non-streamed completion) larger than this ends the request. A setting can change it. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * A reply (text, reasoning and tool-call arguments together) longer than this many characters ends the request: about
 * thirty times the longest reply today's models can write (128k output tokens are roughly half a million characters),
 * room for one event of the default cap whole, and still a size the panel and the saved conversation handle.
 */
export const DEFAULT_MAX_REPLY_CHARS = 16_000_000;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE event under way: everything since the last blank line (`\n\n`, `\r\r`, `\r\n\r\n`, in
 * any mix), which is at least what a parser has to keep of it. `accept` says how much of a chunk fits under the limit,
 * so no more than `maxBytes` of one event is ever handed on.
 */
export class SseEventBudget {
  private eventBytes = 0;
  /** Bytes of the line under way (0 right after a line end). */
  private lineBytes = 0;
  /**
   * The last byte was a CR, which ended a line (`line`) or the event (`event`): an LF right after it belongs to that
   * same line end.
   */
  private afterCr: 'no' | 'line' | 'event' = 'no';

  constructor(readonly maxBytes: number) {}

  /** Bytes of the unfinished event so far. */
  get pendingBytes(): number {
    return this.eventBytes;
  }

  /**
   * Accounts for `chunk` and returns how many of its bytes fit: `chunk.length` when the event under way stays within
   * the limit, else the count up to the byte that would cross it (the request should then end).
   */
  accept(chunk: Uint8Array): number {
    const length = chunk.length;
    if (this.afterCr === 'no' && this.eventBytes + length <= this.maxBytes && chunk.indexOf(CR) < 0)
      return this.acceptLf(chunk);
    return this.acceptAny(chunk);
  }

  /**
   * The common case, without walking every line: only LF line ends, and no event can cross the limit in this chunk
   * (even the one under way plus the whole chunk fits). Only where the last blank line is matters.
   */
  private acceptLf(chunk: Uint8Array): number {
    const length = chunk.length;
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf < 0) {
      this.lineBytes += length;
      this.eventBytes += length;
      return length;
    }
    let blank = -1;
    for (let lf = lastLf; lf >= 0; lf = lf > 0 ? chunk.lastIndexOf(LF, lf - 1) : -1) {
      // An LF right after another (or after a line end in an earlier chunk) ends an empty line: the event.
      if (lf > 0 ? chunk[lf - 1] === LF : this.lineBytes === 0) {
        blank = lf;
        break;
      }
    }
    this.eventBytes = blank >= 0 ? length - (blank + 1) : this.eventBytes + length;
    this.lineBytes = length - (lastLf + 1);
    return length;
  }

  private acceptAny(chunk: Uint8Array): number {
    const length = chunk.length;
    let start = 0;
    let lf = chunk.indexOf(LF);
    let cr = chunk.indexOf(CR);
    for (;;) {
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) {
        const rest = length - start;
        if (rest > 0) {
          this.afterCr = 'no';
          this.lineBytes += rest;
          if (!this.add(rest)) return length - (this.eventBytes - this.maxBytes);
        }
        return length;
      }
      const isCr = chunk[end] === CR;
      const lineLength = end - start;
      if (lineLength === 0 && !isCr && this.afterCr !== 'no') {
        // The LF of a CRLF: the line (or the event) already ended at the CR.
        const endedEvent = this.afterCr === 'event';
        this.afterCr = 'no';
        if (!endedEvent && !this.add(1)) return end + 1 - (this.eventBytes - this.maxBytes);
      } else {
        this.lineBytes += lineLength;
        if (!this.add(lineLength + 1)) return end + 1 - (this.eventBytes - this.maxBytes);
        // An empty line ends the event.
        const endsEvent = this.lineBytes === 0;
        if (endsEvent) this.eventBytes = 0;
        this.lineBytes = 0;
        this.afterCr = isCr ? (endsEvent ? 'event' : 'line') : 'no';
      }
      start = end + 1;
      if (isCr) cr = chunk.indexOf(CR, start);
      else lf = chunk.indexOf(LF, start);
    }
  }

  private add(bytes: number): boolean {
    this.eventBytes += bytes;
    return this.eventBytes <= this.maxBytes;
  }
}

/**
 * Counts the characters of a reply as its events pass. `admit` hands on an event whole, or the part of a text or
 * reasoning event that fits; once the limit is reached, `exceeded` is set and nothing more is admitted.
 */
export class ReplyBudget {
  private used = 0;
  exceeded = false;

  constructor(readonly maxChars: number) {}

  admit(event: ChatEvent): ChatEvent | undefined {
    if (this.exceeded) return undefined;
    const size = event.type === 'text' || event.type === 'reasoning' ? event.text.length : sizeOf(event);
    if (this.used + size <= this.maxChars) {
      this.used += size;
      return event;
    }
    this.exceeded = true;
    if (event.type !== 'text' && event.type !== 'reasoning') return undefined;
    let room = this.maxChars - this.used;
    // Not half of a surrogate pair.
    const code = event.text.charCodeAt(room - 1);
    if (room > 0 && code >= 0xd800 && code <= 0xdbff) room--;
    this.used += room;
    return room > 0 ? { ...event, text: event.text.slice(0, room) } : undefined;
  }
}

/** Characters of an event other than text and reasoning: tool-call pieces; bookkeeping events count nothing. */
function sizeOf(event: ChatEvent): number {
  if (event.type !== 'toolCallDelta') return 0;
  return event.argumentsDelta.length + (event.name?.length ?? 0) + (event.id?.length ?? 0);
}
