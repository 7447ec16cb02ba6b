/**
 * The document range a proposal occupies, followed through the document's changes as they come (VS Code's change
 * events: offsets into the text before each event). The range's own writes resize it; the user's changes before it
 * move it, those after it leave it alone, and one inside it (or touching its ends) is a conflict: the proposal no
 * longer fits there.
 */

/** `[offset, offset + length)` of the text before the change, replaced by `text`. */
export interface TextChange {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/** What one event's changes did to a tracked region. */
export interface RegionEffect {
  /** The user's changes inside the region (or touching its ends); empty when there is no conflict. */
  readonly inside: readonly TextChange[];
  /** The text before the region changed (it moved) or the text after it did. */
  readonly before: boolean;
  readonly after: boolean;
}

export class TrackedRegion {
  private readonly own: TextChange[] = [];

  constructor(
    public start: number,
    public length: number,
  ) {}

  get end(): number {
    return this.start + this.length;
  }

  /** A write of the region's own is on its way: its change is not the user's. */
  expect(change: TextChange): void {
    this.own.push(change);
  }

  /** A write announced with `expect` did not happen. */
  forget(change: TextChange): void {
    const index = this.own.indexOf(change);
    if (index >= 0) this.own.splice(index, 1);
  }

  /** Follows one event's changes. */
  apply(changes: readonly TextChange[]): RegionEffect {
    const inside: TextChange[] = [];
    let before = false;
    let after = false;
    // The changes of one event do not overlap; from the end backwards, each offset is still valid when it is used.
    for (const change of [...changes].sort((a, b) => b.offset - a.offset)) {
      const delta = change.text.length - change.length;
      const ownIndex = this.own.findIndex(
        (own) => own.offset === change.offset && own.length === change.length && own.text === change.text,
      );
      if (ownIndex >= 0) {
        this.own.splice(ownIndex, 1);
        this.length += delta;
        continue;
      }
      const changeEnd = change.offset + change.length;
      if (changeEnd < this.start || (changeEnd === this.start && change.offset < this.start)) {
        this.start += delta;
        before = true;
      } else if (change.offset > this.end) {
        after = true;
      } else {
        inside.push(change);
        // The region now spans the user's text too.
        const start = Math.min(this.start, change.offset);
        const end = changeEnd <= this.end ? this.end + delta : change.offset + change.text.length;
        this.start = start;
        this.length = end - start;
      }
    }
    return { inside, before, after };
  }
}

const BLOCK = 256;

/** The one replacement that turns `current` into `next` (common start and end kept), or none when they are equal. */
export function minimalEdit(
  current: string,
  next: string,
): { readonly from: number; readonly to: number; readonly text: string } | undefined {
  if (current === next) return undefined;
  const shorter = Math.min(current.length, next.length);
  // Whole blocks first (compared natively), then character by character: a streamed display changes at its end.
  let prefix = 0;
  while (prefix + BLOCK <= shorter && current.slice(prefix, prefix + BLOCK) === next.slice(prefix, prefix + BLOCK))
    prefix += BLOCK;
  while (prefix < shorter && current.charCodeAt(prefix) === next.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const sameEnd = (length: number) =>
    current.slice(current.length - suffix - length, current.length - suffix) ===
    next.slice(next.length - suffix - length, next.length - suffix);
  while (suffix + BLOCK <= shorter - prefix && sameEnd(BLOCK)) suffix += BLOCK;
  while (
    suffix < shorter - prefix &&
    current.charCodeAt(current.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)
  )
    suffix++;
  return { from: prefix, to: current.length - suffix, text: next.slice(prefix, next.length - suffix) };
}

/**
 * Proposed lines left in a document after the user changed it inside the proposal (the proposal is over; they
 * are to be removed). `[start, end)` is what to delete (the lines and one line break), `[contentStart, contentEnd]`
 * the lines' text: a change that touches it makes them the user's text, which stays.
 */
export interface Leftover {
  readonly start: number;
  readonly end: number;
  readonly contentStart: number;
  readonly contentEnd: number;
}

/**
 * The leftovers of the marked-added `lines` of a region at `start` (its lines joined by `eol`), in document offsets
 * before any change.
 */
export function leftoversOf(
  start: number,
  lines: readonly string[],
  added: readonly number[],
  eol: string,
): Leftover[] {
  const lineStarts: number[] = [];
  let at = start;
  for (const line of lines) {
    lineStarts.push(at);
    at += line.length + eol.length;
  }
  const lineEnd = (index: number) => lineStarts[index] + lines[index].length;
  const leftovers: Leftover[] = [];
  const sorted = [...added].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const first = sorted[i];
    const last = sorted[j];
    const content = { contentStart: lineStarts[first], contentEnd: lineEnd(last) };
    if (last + 1 < lines.length) leftovers.push({ start: lineStarts[first], end: lineStarts[last + 1], ...content });
    else if (first > 0) leftovers.push({ start: lineEnd(first - 1), end: lineEnd(last), ...content });
    else leftovers.push({ start: lineStarts[first], end: lineEnd(last), ...content });
    i = j + 1;
  }
  return leftovers;
}

/**
 * Leftovers after one event's changes, or `undefined` when a change touched one of them (the user edited a proposed
 * line: the lines stay as the user's text).
 */
export function followLeftovers(
  leftovers: readonly Leftover[],
  changes: readonly TextChange[],
): Leftover[] | undefined {
  const touches = (change: TextChange, leftover: Leftover) =>
    change.offset <= leftover.contentEnd && change.offset + change.length >= leftover.contentStart;
  if (changes.some((change) => leftovers.some((leftover) => touches(change, leftover)))) return undefined;
  const followed: Leftover[] = [];
  for (const leftover of leftovers) {
    let delta = 0;
    for (const change of changes) {
      const changeEnd = change.offset + change.length;
      if (changeEnd <= leftover.start) delta += change.text.length - change.length;
      // A change over the line break that the leftover would remove with its lines: it is no longer where it was.
      else if (change.offset < leftover.end) return undefined;
    }
    followed.push({
      start: leftover.start + delta,
      end: leftover.end + delta,
      contentStart: leftover.contentStart + delta,
      contentEnd: leftover.contentEnd + delta,
    });
  }
  return followed;
}
