/**
 * Line diffs for inline edits: Myers' O((N+M)·D) algorithm on lines, grouped into hunks, and the in-place layout
 * of a proposed change (removed lines kept and marked, added lines after them) with per-hunk decisions.
 */

/** One changed run: `original[origStart, origEnd)` is replaced by `replacement[newStart, newEnd)`. */
export interface Hunk {
  readonly origStart: number;
  readonly origEnd: number;
  readonly newStart: number;
  readonly newEnd: number;
}

export type HunkDecision = 'pending' | 'accepted' | 'rejected';

/** Splits text into lines on `\n` or `\r\n` (an empty text is one empty line, as in an editor). */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The hunks that turn `original` into `replacement`, in order; none when the two are equal. */
export function diffLines(original: readonly string[], replacement: readonly string[]): Hunk[] {
  return boundedDiffLines(original, replacement, Infinity) ?? [];
}

/**
 * As `diffLines`, or undefined when more than `maxEdits` lines would be removed and added: the work grows with the
 * number of edits (time with it, the trace kept for walking back with its square), not with the length of the texts.
 */
export function boundedDiffLines(
  original: readonly string[],
  replacement: readonly string[],
  maxEdits: number,
): Hunk[] | undefined {
  // Trim the common prefix and suffix first: the usual edit touches a small part of the range.
  let prefix = 0;
  while (prefix < original.length && prefix < replacement.length && original[prefix] === replacement[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < original.length - prefix &&
    suffix < replacement.length - prefix &&
    original[original.length - 1 - suffix] === replacement[replacement.length - 1 - suffix]
  ) {
    suffix++;
  }
  const a = original.slice(prefix, original.length - suffix);
  const b = replacement.slice(prefix, replacement.length - suffix);
  // Lines become small integers: the inner loop compares numbers, not strings.
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) ids.set(line, (id = ids.size));
    return id;
  };
  const same = myersMatches(Int32Array.from(a, idOf), Int32Array.from(b, idOf), maxEdits);
  if (!same) return undefined;
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...same, [a.length, b.length] as const]) {
    if (mi > i || mj > j)
      hunks.push({ origStart: prefix + i, origEnd: prefix + mi, newStart: prefix + j, newEnd: prefix + mj });
    i = mi + 1;
    j = mj + 1;
  }
  return hunks;
}

/**
 * Pairs (i, j) of equal lines on a shortest edit script, in order (Myers, with a trace of the V arrays); undefined
 * when the script is longer than `maxEdits`.
 */
function myersMatches(a: Int32Array, b: Int32Array, maxEdits: number): Array<readonly [number, number]> | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return n + m > maxEdits ? undefined : [];
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    if (d > maxEdits) return undefined;
    // Only the diagonals -d-1..d+1 can be read when walking back from step d.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  // Walk back through the trace, collecting the diagonal (equal) steps.
  const matches: Array<readonly [number, number]> = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const band = trace[d];
    const at = (diagonal: number) => band[diagonal + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      matches.push([x, y]);
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    matches.push([x, y]);
  }
  return matches.reverse();
}

/** The lines that result from the decisions: accepted hunks take the replacement, the others keep the original. */
export function applyDecisions(
  original: readonly string[],
  replacement: readonly string[],
  hunks: readonly Hunk[],
  decisions: readonly HunkDecision[],
): string[] {
  const out: string[] = [];
  let i = 0;
  hunks.forEach((hunk, index) => {
    out.push(...original.slice(i, hunk.origStart));
    if (decisions[index] === 'accepted') out.push(...replacement.slice(hunk.newStart, hunk.newEnd));
    else out.push(...original.slice(hunk.origStart, hunk.origEnd));
    i = hunk.origEnd;
  });
  out.push(...original.slice(i));
  return out;
}

/** What the document shows for a proposal: its lines and which of them are removed / added, per pending hunk. */
export interface DiffLayout {
  readonly lines: string[];
  /** Indexes (into `lines`) of original lines the proposal removes. */
  readonly removed: number[];
  /** Indexes (into `lines`) of lines the proposal adds. */
  readonly added: number[];
  /** For each hunk, the index of its first shown line, or -1 once it is decided. */
  readonly hunkStarts: number[];
}

/**
 * The in-place diff: unchanged lines once, each pending hunk as its original lines (removed) followed by its new
 * lines (added); a decided hunk shows only what it decided.
 */
export function layoutDiff(
  original: readonly string[],
  replacement: readonly string[],
  hunks: readonly Hunk[],
  decisions: readonly HunkDecision[],
): DiffLayout {
  const lines: string[] = [];
  const removed: number[] = [];
  const added: number[] = [];
  const hunkStarts: number[] = [];
  let i = 0;
  hunks.forEach((hunk, index) => {
    lines.push(...original.slice(i, hunk.origStart));
    const decision = decisions[index] ?? 'pending';
    if (decision === 'pending') {
      hunkStarts.push(lines.length);
      for (let o = hunk.origStart; o < hunk.origEnd; o++) {
        removed.push(lines.length);
        lines.push(original[o]);
      }
      for (let r = hunk.newStart; r < hunk.newEnd; r++) {
        added.push(lines.length);
        lines.push(replacement[r]);
      }
    } else {
      hunkStarts.push(-1);
      lines.push(
        ...(decision === 'accepted'
          ? replacement.slice(hunk.newStart, hunk.newEnd)
          : original.slice(hunk.origStart, hunk.origEnd)),
      );
    }
    i = hunk.origEnd;
  });
  lines.push(...original.slice(i));
  return { lines, removed, added, hunkStarts };
}

/**
 * The proposal as the side-by-side review shows it: decided hunks as decided, pending hunks proposed; for each
 * pending hunk the index of its first line (for a pure deletion, of the line after it), -1 once it is decided.
 */
export function proposalView(
  original: readonly string[],
  replacement: readonly string[],
  hunks: readonly Hunk[],
  decisions: readonly HunkDecision[],
): { readonly lines: string[]; readonly hunkStarts: number[] } {
  const lines: string[] = [];
  const hunkStarts: number[] = [];
  let i = 0;
  hunks.forEach((hunk, index) => {
    lines.push(...original.slice(i, hunk.origStart));
    const decision = decisions[index] ?? 'pending';
    hunkStarts.push(decision === 'pending' ? lines.length : -1);
    lines.push(
      ...(decision === 'rejected'
        ? original.slice(hunk.origStart, hunk.origEnd)
        : replacement.slice(hunk.newStart, hunk.newEnd)),
    );
    i = hunk.origEnd;
  });
  lines.push(...original.slice(i));
  return { lines, hunkStarts };
}
