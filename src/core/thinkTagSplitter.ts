/** A piece of streamed content, told apart by the `<think>` tags around it. */
export interface ContentSegment {
  readonly kind: 'text' | 'reasoning';
  readonly text: string;
}

const TAGS: readonly (readonly [open: string, close: string])[] = [
  ['<think>', '</think>'],
  ['<thinking>', '</thinking>'],
];

/**
 * Splits the streamed content of one reply into reasoning and text, for models that put their reasoning inside
 * the content as `<think>…</think>` (DeepSeek-R1 distills, QwQ, Qwen3 and others served without a reasoning
 * parser; `<thinking>` too). Feed the content deltas as they come: a tag may be split anywhere (`<thi` + `nk>`).
 *
 * As real models do it, a block opens only at the start of the reply (after nothing but whitespace, or right
 * after an earlier block); once visible text has begun, tags are ordinary text. Whitespace around the reasoning
 * and between a block and the answer is dropped; a reply without a block comes out unchanged (leading whitespace
 * is only held back until it is clear no tag follows). Text is held back only while it may still be part of a tag.
 */
export class ThinkTagSplitter {
  private state: 'start' | 'think' | 'text' = 'start';
  /** Whitespace held back: before a possible opening tag (`start`), or at the end of the reasoning so far (`think`). */
  private whitespace = '';
  /** The beginning of a tag held back (at most a tag's length): an opening tag in `start`, a closing one in `think`. */
  private partial = '';
  private closeTag = '';
  private sawBlock = false;
  private reasoningBegun = false;

  push(text: string): ContentSegment[] {
    const out: ContentSegment[] = [];
    let rest = text;
    while (rest.length > 0) {
      if (this.state === 'text') {
        out.push({ kind: 'text', text: rest });
        break;
      }
      rest = this.state === 'start' ? this.consumeStart(rest, out) : this.consumeThink(rest, out);
    }
    return out;
  }

  /** The content has ended: whatever was held back is given out as what it turned out to be. */
  end(): ContentSegment[] {
    const out: ContentSegment[] = [];
    if (this.state === 'start') {
      const visible = this.sawBlock ? this.partial : this.whitespace + this.partial;
      if (visible.length > 0) out.push({ kind: 'text', text: visible });
    } else if (this.state === 'think') {
      this.reasoning((this.whitespace + this.partial).trimEnd(), out);
    }
    this.whitespace = '';
    this.partial = '';
    this.state = 'text';
    return out;
  }

  /** Returns what is left to consume after a change of state ('' when all of it was used or held back). */
  private consumeStart(text: string, out: ContentSegment[]): string {
    let candidate: string;
    if (this.partial.length === 0) {
      candidate = text.trimStart();
      this.whitespace += text.slice(0, text.length - candidate.length);
      if (candidate.length === 0) return '';
    } else {
      candidate = this.partial + text;
    }
    for (const [open, close] of TAGS) {
      if (candidate.startsWith(open)) {
        this.whitespace = '';
        this.partial = '';
        this.state = 'think';
        this.closeTag = close;
        this.sawBlock = true;
        this.reasoningBegun = false;
        return candidate.slice(open.length);
      }
    }
    if (TAGS.some(([open]) => open.startsWith(candidate))) {
      this.partial = candidate;
      return '';
    }
    // Visible text has begun: from here on, everything is text.
    const visible = this.sawBlock ? candidate : this.whitespace + candidate;
    this.whitespace = '';
    this.partial = '';
    this.state = 'text';
    out.push({ kind: 'text', text: visible });
    return '';
  }

  private consumeThink(text: string, out: ContentSegment[]): string {
    const buffer = this.partial + text;
    const at = buffer.indexOf(this.closeTag);
    if (at >= 0) {
      this.reasoning((this.whitespace + buffer.slice(0, at)).trimEnd(), out);
      this.whitespace = '';
      this.partial = '';
      this.state = 'start';
      return buffer.slice(at + this.closeTag.length);
    }
    // Hold back a possible beginning of the closing tag, and the whitespace before it.
    let keep = 0;
    for (let length = Math.min(this.closeTag.length - 1, buffer.length); length > 0; length--) {
      if (this.closeTag.startsWith(buffer.slice(buffer.length - length))) {
        keep = length;
        break;
      }
    }
    const body = buffer.slice(0, buffer.length - keep);
    this.partial = buffer.slice(buffer.length - keep);
    const settled = body.trimEnd();
    if (settled.length === 0) {
      this.whitespace += body;
    } else {
      this.reasoning(this.whitespace + settled, out);
      this.whitespace = body.slice(settled.length);
    }
    return '';
  }

  private reasoning(text: string, out: ContentSegment[]): void {
    const piece = this.reasoningBegun ? text : text.trimStart();
    if (piece.length === 0) return;
    this.reasoningBegun = true;
    out.push({ kind: 'reasoning', text: piece });
  }
}
