/**
 * Glob patterns as VS Code's settings write them (`files.exclude`, `search.exclude`): matched against a path relative
 * to its workspace folder, `*` and `?` within one segment, `**` across segments, `[abc]` classes and `{a,b}`
 * alternatives. A pattern that matches a folder excludes everything inside it. Used to filter what the host lists
 * itself, and to give the file search one exclude pattern it understands (alternatives one level deep).
 */

/** Alternatives of a pattern expanded at most this far: a setting should not turn into thousands of patterns. */
const MAX_EXPANSIONS = 64;

/** `a/{b,c{d,e}}` → `a/b`, `a/cd`, `a/ce` (every brace level; past the limit, the pattern as it is). */
export function expandBraces(pattern: string): string[] {
  const open = topLevelBrace(pattern);
  if (!open) return [pattern];
  const { start, end, choices } = open;
  const results: string[] = [];
  for (const choice of choices) {
    for (const expanded of expandBraces(pattern.slice(0, start) + choice + pattern.slice(end + 1))) {
      results.push(expanded);
      if (results.length > MAX_EXPANSIONS) return [pattern];
    }
  }
  return results;
}

/** The first `{…}` with its comma-separated choices (commas of inner braces and classes do not split). */
function topLevelBrace(pattern: string): { start: number; end: number; choices: string[] } | undefined {
  let start = -1;
  let depth = 0;
  let inClass = false;
  let choiceStart = 0;
  const choices: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '{') {
      if (depth === 0) {
        start = i;
        choiceStart = i + 1;
      }
      depth++;
    } else if (char === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        choices.push(pattern.slice(choiceStart, i));
        return { start, end: i, choices };
      }
    } else if (char === ',' && depth === 1) {
      choices.push(pattern.slice(choiceStart, i));
      choiceStart = i + 1;
    }
  }
  return undefined;
}

/** A regular expression for one glob (braces included) matching a whole relative path. */
export function globToRegExp(glob: string): RegExp {
  const alternatives = expandBraces(glob.replace(/\\/g, '/')).map(braceFreeSource);
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

function braceFreeSource(glob: string): string {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      let end = i + 2;
      while (glob[end] === '*') end++;
      if (atStart && glob[end] === '/') {
        source += '(?:[^/]*/)*'; // `**/`: any number of folders, none included
        i = end;
      } else if (atStart && end === glob.length) {
        source += '.*'; // a trailing `**`: everything below
        i = end - 1;
      } else {
        source += '[^/]*';
        i = end - 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        source += `[${negated ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return source;
}

/** The patterns a `files.exclude`-shaped setting turns on (`{"**\/.git": true}`; conditions on siblings are skipped). */
export function enabledPatterns(setting: unknown): string[] {
  if (typeof setting !== 'object' || setting === null) return [];
  return Object.entries(setting as Record<string, unknown>)
    .filter(([, value]) => value === true)
    .map(([pattern]) => pattern.replace(/\\/g, '/').replace(/^\.\//, ''));
}

/** Tests relative paths against a set of globs; a path inside a matching folder matches too. */
export class GlobSet {
  private readonly expressions: RegExp[];

  constructor(readonly patterns: readonly string[]) {
    this.expressions = patterns.map(globToRegExp);
  }

  matches(relativePath: string): boolean {
    if (this.expressions.length === 0) return false;
    const segments = relativePath.split('/');
    for (let n = 1; n <= segments.length; n++) {
      const prefix = segments.slice(0, n).join('/');
      if (this.expressions.some((expression) => expression.test(prefix))) return true;
    }
    return false;
  }

  /**
   * One pattern for `workspace.findFiles`' exclude argument: every alternative expanded, joined in one brace
   * (the search does not take braces within braces). Undefined when there is nothing to exclude.
   */
  toExcludeGlob(): string | undefined {
    const flat = [...new Set(this.patterns.flatMap(expandBraces))].filter((pattern) => !/[{},]/.test(pattern));
    if (flat.length === 0) return undefined;
    return flat.length === 1 ? flat[0] : `{${flat.join(',')}}`;
  }
}
