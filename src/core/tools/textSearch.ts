/**
 * Matching lines for `search_text`: plain text (case-insensitive unless asked), or a regular expression from the
 * model. JavaScript regular expressions have no time limit, so a pattern whose repetition repeats (`(a+)+`, the
 * classic catastrophic backtracking) is refused, and a pattern only sees the first characters of a very long line.
 */
import { READ_LIMITS } from './readLimits';
import { splitLines } from './textContent';

export interface LineMatch {
  /** 1-based. */
  readonly line: number;
  /** 1-based column of the match's start. */
  readonly column: number;
  /** The line, or a window of it around the match when it is long. */
  readonly text: string;
}

export interface TextMatcher {
  /** Index of the first match in `line`, or -1. */
  find(line: string): number;
}

export type MatcherResult =
  { readonly ok: true; readonly matcher: TextMatcher } | { readonly ok: false; readonly problem: string };

export function compileMatcher(query: string, options: { isRegex: boolean; caseSensitive: boolean }): MatcherResult {
  if (!options.isRegex) {
    if (options.caseSensitive) return { ok: true, matcher: { find: (line) => line.indexOf(query) } };
    const lower = query.toLowerCase();
    return { ok: true, matcher: { find: (line) => line.toLowerCase().indexOf(lower) } };
  }
  const problem = riskyRegExpProblem(query);
  if (problem) return { ok: false, problem };
  let expression: RegExp;
  try {
    expression = new RegExp(query, options.caseSensitive ? 'u' : 'iu');
  } catch (error) {
    return { ok: false, problem: `The regular expression is not valid: ${(error as Error).message}` };
  }
  return {
    ok: true,
    matcher: {
      find(line) {
        const match = expression.exec(line.slice(0, READ_LIMITS.maxRegexLineChars));
        return match ? match.index : -1;
      },
    },
  };
}

/**
 * Why a pattern could take exponential time: a group that repeats and itself holds a repetition (`(a+)+`, `(\w*)*`,
 * `(?:x+y?)+`). Undefined when none is found. Character classes and escapes are skipped while looking.
 */
export function riskyRegExpProblem(source: string): string | undefined {
  // For each open group: whether a repetition was seen inside it.
  const stack: boolean[] = [];
  let lastGroupRepeats = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      i++;
      lastGroupRepeats = false;
      continue;
    }
    if (char === '[') {
      i = classEnd(source, i);
      lastGroupRepeats = false;
      continue;
    }
    if (char === '(') {
      stack.push(false);
      lastGroupRepeats = false;
      continue;
    }
    if (char === ')') {
      lastGroupRepeats = stack.pop() ?? false;
      continue;
    }
    const repeats = char === '*' || char === '+' || (char === '{' && repeatsBraces(source.slice(i)));
    if (repeats) {
      if (lastGroupRepeats)
        return (
          'The regular expression repeats a group that itself repeats (such as "(a+)+"), which can take forever ' +
          'on some lines: write it without the nested repetition.'
        );
      if (stack.length > 0) stack[stack.length - 1] = true;
    }
    if (char !== '?') lastGroupRepeats = false;
  }
  return undefined;
}

/** `{2}`, `{1,}`, `{0,9}`: a count that repeats (not `{0}`, `{1}`, `{0,1}`, nor a literal brace). */
function repeatsBraces(rest: string): boolean {
  const count = /^\{(\d+)(,(\d*))?\}/.exec(rest);
  if (!count) return false;
  if (count[2] === undefined) return Number(count[1]) >= 2;
  return count[3] === '' || Number(count[3]) >= 2;
}

/** The index of the `]` that closes the class opened at `open` (or the end). */
function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  return source.length;
}

/** The matching lines of `text`, at most `maxMatches` (the caller knows more may exist when it gets that many). */
export function matchingLines(text: string, matcher: TextMatcher, maxMatches: number): LineMatch[] {
  const matches: LineMatch[] = [];
  const lines = splitLines(text);
  for (let n = 0; n < lines.length && matches.length < maxMatches; n++) {
    const index = matcher.find(lines[n]);
    if (index >= 0) matches.push({ line: n + 1, column: index + 1, text: around(lines[n], index) });
  }
  return matches;
}

function around(line: string, index: number): string {
  const max = READ_LIMITS.maxMatchLineChars;
  const trimmed = line.trim();
  if (trimmed.length <= max) return trimmed;
  const start = Math.max(0, Math.min(index - Math.floor(max / 3), line.length - max));
  return `${start > 0 ? '…' : ''}${line.slice(start, start + max).trim()}${start + max < line.length ? '…' : ''}`;
}
