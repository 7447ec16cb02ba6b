/**
 * What a screen reader hears of a streamed reply: the text in sentence-sized pieces through a polite live region,
 * not one announcement per delta (too chatty) nor the whole reply at the end (too late).
 */

/** Pieces longer than this are cut (at the last space before it when there is one) even without a sentence end. */
export const MAX_PIECE_LENGTH = 200;

/** A sentence ends at `.`, `!`, `?` followed by white space, at `。！？` (no space follows them in CJK), or at a newline. */
const SENTENCE_END = /[.!?](?=\s)|[。！？]|\n/g;

/**
 * Buffers a reply's deltas and hands back the complete sentences among them. Pure: no DOM.
 * `.`, `!` and `?` count only once the next character is known to be white space, so `3.14` and `e.g.x` stay whole.
 */
export class SentenceChunker {
  private buffer = '';

  /** Adds a delta; returns the pieces it completed (often none), trimmed, without empty ones. */
  push(text: string): string[] {
    this.buffer += text;
    const pieces: string[] = [];
    let start = 0;
    SENTENCE_END.lastIndex = 0;
    for (let match = SENTENCE_END.exec(this.buffer); match; match = SENTENCE_END.exec(this.buffer)) {
      const end = match.index + match[0].length;
      pieces.push(this.buffer.slice(start, end));
      start = end;
    }
    this.buffer = this.buffer.slice(start);
    while (this.buffer.length > MAX_PIECE_LENGTH) {
      const space = this.buffer.lastIndexOf(' ', MAX_PIECE_LENGTH);
      const cut = space > 0 ? space + 1 : MAX_PIECE_LENGTH;
      pieces.push(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut);
    }
    return pieces.map(spoken).filter((piece) => piece.length > 0);
  }

  /** The rest of the reply (the turn ended); the chunker is empty afterwards. */
  flush(): string {
    const rest = spoken(this.buffer);
    this.buffer = '';
    return rest;
  }

  reset(): void {
    this.buffer = '';
  }
}

/** A piece as it should be read: markdown's markers (code fences, backticks, emphasis, heading hashes) left out. */
export function spoken(piece: string): string {
  return piece
    .replace(/`+/g, '')
    .replace(/\*\*|__|\*/g, '')
    .replace(/^\s*#{1,6}\s+/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Feeds one reply at a time into the live region. */
export class LiveAnnouncer {
  private readonly chunker = new SentenceChunker();
  private messageId: string | undefined;

  constructor(private readonly region: HTMLElement) {}

  /** A delta of reply `messageId`; a delta of another reply starts over. */
  text(messageId: string, text: string): void {
    if (messageId !== this.messageId) {
      this.chunker.reset();
      this.messageId = messageId;
    }
    const pieces = this.chunker.push(text);
    if (pieces.length > 0) this.say(pieces.join(' '));
  }

  /** The reply ended: says what is left of it, then `extra` (an error's title, say). */
  end(messageId: string, extra?: string): void {
    const rest = messageId === this.messageId ? this.chunker.flush() : '';
    this.chunker.reset();
    this.messageId = undefined;
    const last = [rest, extra ?? ''].filter((part) => part.length > 0).join(' ');
    if (last) this.say(last);
  }

  /** Anything said directly (an action's outcome, say). */
  say(text: string): void {
    this.region.textContent = text;
  }
}
