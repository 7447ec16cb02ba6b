/**
 * Unified diffs both ways: a `git diff` output cut into one section per file, with the paths each section touches, so
 * that the host can keep only what lies inside the workspace (a repository may be larger than the workspace folder) or
 * under the path the model asked about; and the unified diff of a text before and after a proposed edit, for the
 * approval card.
 */
import { boundedDiffLines, type Hunk } from '../lineDiff';
import { splitLines } from './textContent';

export interface DiffSection {
  /** Repository-relative paths of the file before and after (one for a plain change, two for a rename). */
  readonly paths: readonly string[];
  readonly text: string;
}

export function splitGitDiff(diff: string): DiffSection[] {
  const sections: DiffSection[] = [];
  const lines = diff.split('\n');
  let current: string[] | undefined;
  const flush = () => {
    if (current) sections.push({ paths: sectionPaths(current), text: current.join('\n').replace(/\n+$/, '') });
  };
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      flush();
      current = [line];
    } else if (current) current.push(line);
  }
  flush();
  return sections;
}

function sectionPaths(lines: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const line of lines) {
    if (line.startsWith('@@')) break; // the header is over
    const header = /^(?:--- a\/|\+\+\+ b\/|rename from |rename to |copy from |copy to )(.*)$/.exec(line);
    if (header) paths.add(unquote(header[1].replace(/\t$/, '')));
    const quotedHeader = /^(?:---|\+\+\+) ("(?:[^"\\]|\\.)*")$/.exec(line);
    if (quotedHeader) paths.add(unquote(quotedHeader[1]).replace(/^[ab]\//, ''));
  }
  if (paths.size === 0) for (const path of gitLinePaths(lines[0])) paths.add(path);
  return [...paths];
}

/** Paths from `diff --git a/x b/x` (mode changes and binary files have no `---`/`+++` lines). */
function gitLinePaths(line: string): string[] {
  const rest = line.slice('diff --git '.length);
  const quoted = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest);
  if (quoted && (quoted[1].startsWith('"') || quoted[2].startsWith('"')))
    return [quoted[1], quoted[2]].map((part) => unquote(part).replace(/^[ab]\//, ''));
  // `a/P b/P` with spaces in P: the same path twice.
  const length = (rest.length - 5) / 2;
  if (Number.isInteger(length) && rest.startsWith('a/') && rest.slice(2 + length) === ` b/${rest.slice(2, 2 + length)}`)
    return [rest.slice(2, 2 + length)];
  return quoted ? [quoted[1], quoted[2]].map((part) => part.replace(/^[ab]\//, '')) : [];
}

/** Git quotes a path with unusual characters in C style, octal escapes holding UTF-8 bytes. */
export function unquote(text: string): string {
  if (!(text.startsWith('"') && text.endsWith('"') && text.length >= 2)) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, a: 7, v: 11, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== '\\') {
      bytes.push(...new TextEncoder().encode(char));
      continue;
    }
    const next = body[i + 1];
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Above this many removed and added lines the diff is one block (the exact diff's work grows with their square). */
const MAX_PRECISE_DIFF_EDITS = 1000;

/**
 * The unified diff (`--- a/path`, `+++ b/path`, `@@ -l,n +l,n @@` hunks with `context` lines around each change) that
 * turns `before` into `after`; no lines when the two have the same lines.
 */
export function formatUnifiedDiff(path: string, before: string, after: string, context = 3): string[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const hunks = changedRuns(a, b);
  if (hunks.length === 0) return [];
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (let i = 0; i < hunks.length;) {
    // Hunks whose context lines meet are shown as one.
    let j = i;
    while (j + 1 < hunks.length && hunks[j + 1].origStart - hunks[j].origEnd <= 2 * context) j++;
    const first = hunks[i];
    const last = hunks[j];
    const origFrom = Math.max(0, first.origStart - context);
    const origTo = Math.min(a.length, last.origEnd + context);
    const newFrom = first.newStart - (first.origStart - origFrom);
    const newTo = last.newEnd + (origTo - last.origEnd);
    out.push(`@@ -${range(origFrom, origTo - origFrom)} +${range(newFrom, newTo - newFrom)} @@`);
    let at = origFrom;
    for (let k = i; k <= j; k++) {
      const hunk = hunks[k];
      for (; at < hunk.origStart; at++) out.push(` ${a[at]}`);
      for (let o = hunk.origStart; o < hunk.origEnd; o++) out.push(`-${a[o]}`);
      for (let n = hunk.newStart; n < hunk.newEnd; n++) out.push(`+${b[n]}`);
      at = hunk.origEnd;
    }
    for (; at < origTo; at++) out.push(` ${a[at]}`);
    i = j + 1;
  }
  return out;
}

/** `start,count` of a unified diff hunk header (1-based; an empty side names the line before it). */
function range(from: number, count: number): string {
  return `${count === 0 ? from : from + 1},${count}`;
}

function changedRuns(a: readonly string[], b: readonly string[]): Hunk[] {
  const exact = boundedDiffLines(a, b, MAX_PRECISE_DIFF_EDITS);
  if (exact) return exact;
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  return [{ origStart: prefix, origEnd: a.length - suffix, newStart: prefix, newEnd: b.length - suffix }];
}
