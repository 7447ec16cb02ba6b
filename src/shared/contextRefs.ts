/**
 * What the user can attach to a message as context with a `#`-mention, as the panel sends it: a workspace file (or
 * some of its lines), the editor's selection, the problems VS Code reports, the git changes of the working tree, the
 * open editors. Only references travel: the host reads what they name when the message is sent. Also the mention
 * syntax the composer completes (`#file:src/a.ts:10-40`), parsed here so the panel and the tests agree on it. Pure.
 */

export type ContextKind = 'file' | 'selection' | 'problems' | 'changes' | 'editors';

/** Lines of a file, 1-based and inclusive. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

export type ContextRef =
  | { readonly kind: 'file'; readonly path: string; readonly range?: LineRange }
  | { readonly kind: Exclude<ContextKind, 'file'> };

/** The mentions the composer offers after `#`, in the order it lists them. */
export const CONTEXT_KINDS: readonly ContextKind[] = ['file', 'selection', 'problems', 'changes', 'editors'];

/** The most context references one message may carry. */
export const MAX_CONTEXT_REFS = 10;
/** The longest workspace-relative path accepted from the panel. */
export const MAX_CONTEXT_PATH_LENGTH = 1024;
/** Line numbers above this are refused (no text file the host reads has that many lines). */
export const MAX_LINE_NUMBER = 10_000_000;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Whether `path` may be a workspace-relative path at all: relative, inside its folder (no `..`), no drive letter, URI,
 * NUL or control character. The host checks it again against the workspace folders (and links) before reading.
 */
export function isPlausibleWorkspacePath(path: unknown): path is string {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_CONTEXT_PATH_LENGTH) return false;
  if (CONTROL_CHARACTER.test(path) || path.trim() !== path || path.includes(':')) return false;
  const slashed = path.replace(/\\/g, '/');
  if (slashed.startsWith('/') || slashed === '~' || slashed.startsWith('~/')) return false;
  return !slashed.split('/').some((segment) => segment === '..');
}

function isLine(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LINE_NUMBER;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseLineRange(value: unknown): LineRange | undefined {
  if (!isRecord(value) || !Object.keys(value).every((key) => key === 'start' || key === 'end')) return undefined;
  const { start, end } = value;
  return isLine(start) && isLine(end) && end >= start ? { start, end } : undefined;
}

/** A context reference from the panel (or webview state), checked; undefined when anything is off. */
export function parseContextRef(value: unknown): ContextRef | undefined {
  if (!isRecord(value) || typeof value.kind !== 'string') return undefined;
  const keys = Object.keys(value);
  switch (value.kind) {
    case 'file': {
      if (!keys.every((key) => key === 'kind' || key === 'path' || key === 'range')) return undefined;
      if (!isPlausibleWorkspacePath(value.path)) return undefined;
      if (value.range === undefined) return { kind: 'file', path: value.path };
      const range = parseLineRange(value.range);
      return range ? { kind: 'file', path: value.path, range } : undefined;
    }
    case 'selection':
    case 'problems':
    case 'changes':
    case 'editors':
      return keys.length === 1 ? { kind: value.kind } : undefined;
    default:
      return undefined;
  }
}

/** A list of context references (at most `MAX_CONTEXT_REFS`), every one valid; undefined otherwise. */
export function parseContextRefs(value: unknown): ContextRef[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_CONTEXT_REFS) return undefined;
  const refs: ContextRef[] = [];
  for (const item of value) {
    const ref = parseContextRef(item);
    if (!ref) return undefined;
    refs.push(ref);
  }
  return refs;
}

/** The mention that names `ref`: `#file:src/a.ts:10-40`, `#selection`… (also how it is recorded and exported). */
export function mentionOf(ref: ContextRef): string {
  if (ref.kind !== 'file') return `#${ref.kind}`;
  return `#file:${ref.path}${ref.range ? `:${rangeText(ref.range)}` : ''}`;
}

export function rangeText(range: LineRange): string {
  return range.start === range.end ? String(range.start) : `${range.start}-${range.end}`;
}

/** Two references to the same thing (the same file and lines) are one chip. */
export function sameContextRef(a: ContextRef, b: ContextRef): boolean {
  return mentionOf(a) === mentionOf(b);
}

/** The `#…` word around the cursor: where it starts and ends in the text, and what follows the `#`. */
export interface MentionToken {
  readonly start: number;
  readonly end: number;
  readonly query: string;
}

/**
 * The mention being typed at `cursor`: a `#` at the start of the text or after white space, followed by no white
 * space up to the cursor. It ends at the next white space (the cursor may be inside it).
 */
export function mentionAt(text: string, cursor: number): MentionToken | undefined {
  if (cursor < 0 || cursor > text.length) return undefined;
  let start = cursor;
  while (start > 0 && !/\s/.test(text[start - 1])) start--;
  if (text[start] !== '#' || start === cursor) return undefined;
  let end = cursor;
  while (end < text.length && !/\s/.test(text[end])) end++;
  return { start, end, query: text.slice(start + 1, end) };
}

/** What a mention being typed asks for: one of the kinds (by the start of its name), or a file (by part of its path). */
export type MentionQuery =
  | { readonly mode: 'kind'; readonly kinds: readonly ContextKind[] }
  | { readonly mode: 'file'; readonly path: string; readonly range?: LineRange };

/**
 * Reads what follows `#`: `pro` offers `#problems`; `file:src/ap` searches files for `src/ap`; `file:src/a.ts:10-40`
 * and `file:src/a.ts:12` give the lines too (a range written backwards is turned round). Undefined when nothing fits.
 */
export function parseMentionQuery(query: string): MentionQuery | undefined {
  const colon = query.indexOf(':');
  if (colon < 0) {
    const prefix = query.toLowerCase();
    const kinds = CONTEXT_KINDS.filter((kind) => kind.startsWith(prefix));
    return kinds.length > 0 ? { mode: 'kind', kinds } : undefined;
  }
  if (query.slice(0, colon).toLowerCase() !== 'file') return undefined;
  const rest = query.slice(colon + 1);
  const withRange = /^(.*):(\d+)(?:-(\d+))?$/.exec(rest);
  if (withRange) {
    const first = Number(withRange[2]);
    const last = withRange[3] !== undefined ? Number(withRange[3]) : first;
    const range = { start: Math.min(first, last), end: Math.max(first, last) };
    if (isLine(range.start) && isLine(range.end)) return { mode: 'file', path: withRange[1], range };
    return { mode: 'file', path: withRange[1] };
  }
  // A range still being typed (`src/a.ts:`, `src/a.ts:10-`) searches for the path before it.
  const typing = /^(.*):(?:\d+-?)?$/.exec(rest);
  return { mode: 'file', path: typing ? typing[1] : rest };
}

/** The reference a whole mention names (`#selection`, `#file:src/a.ts:10-40`), or undefined. */
export function parseMention(text: string): ContextRef | undefined {
  if (!text.startsWith('#')) return undefined;
  const query = parseMentionQuery(text.slice(1));
  if (!query) return undefined;
  if (query.mode === 'file') {
    if (!isPlausibleWorkspacePath(query.path)) return undefined;
    return { kind: 'file', path: query.path, ...(query.range ? { range: query.range } : {}) };
  }
  const kind = query.kinds.find((candidate) => `#${candidate}` === text.toLowerCase());
  return kind && kind !== 'file' ? { kind } : undefined;
}

/** A workspace file the composer offers for `#file`, with the tokens it would add when known (for the meter). */
export interface FileMatch {
  readonly path: string;
  /** Estimated tokens of the file as it would be sent (from its size, within the read limit). */
  readonly tokens?: number;
}

/** The longest text of a file search the panel may ask for. */
export const MAX_FILE_QUERY_LENGTH = 260;
/** The most files one answer of the file search lists. */
export const MAX_FILE_MATCHES = 50;

export function parseFileMatch(value: unknown): FileMatch | undefined {
  if (!isRecord(value) || !Object.keys(value).every((key) => key === 'path' || key === 'tokens')) return undefined;
  if (!isPlausibleWorkspacePath(value.path)) return undefined;
  const { tokens } = value;
  if (tokens === undefined) return { path: value.path };
  return typeof tokens === 'number' && Number.isSafeInteger(tokens) && tokens >= 0
    ? { path: value.path, tokens }
    : undefined;
}
