/**
 * `.gitignore` rules, as git reads them, for the files the tools list and search: comments and blank lines, `!` to
 * take a file back, a trailing `/` for folders only, a `/` at the start or in the middle to anchor a rule to its
 * `.gitignore`'s folder, `*`, `?`, `[…]` and `**`. A `.gitignore` in a subfolder applies below it and after the
 * outer ones. As in git, a file inside an ignored folder cannot be taken back. Not read: `.git/info/exclude` and the
 * user's global excludes file.
 */

/** One `.gitignore`: its folder relative to the workspace folder (`''` at the top) and its text. */
export interface GitignoreFile {
  readonly folder: string;
  readonly text: string;
}

interface Rule {
  /** The rule's folder with a trailing slash, `''` at the top. */
  readonly base: string;
  readonly negated: boolean;
  readonly foldersOnly: boolean;
  readonly anchored: boolean;
  /** The pattern without `!`, the leading and the trailing `/`. */
  readonly pattern: string;
  readonly expression: RegExp;
}

export class GitignoreRules {
  private readonly rules: readonly Rule[];

  constructor(files: readonly GitignoreFile[]) {
    const byDepth = [...files].sort((a, b) => depth(a.folder) - depth(b.folder));
    this.rules = byDepth.flatMap((file) => parseGitignore(file.text, file.folder));
  }

  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether a path (relative to the workspace folder, `/`-separated) is ignored; `isFolder` for a folder. */
  isIgnored(relativePath: string, isFolder = false): boolean {
    if (this.rules.length === 0) return false;
    const segments = relativePath.split('/').filter((segment) => segment !== '');
    for (let n = 1; n < segments.length; n++) {
      if (this.decide(segments.slice(0, n).join('/'), true)) return true;
    }
    return this.decide(segments.join('/'), isFolder);
  }

  /** The last rule that matches decides; none means not ignored. */
  private decide(path: string, isFolder: boolean): boolean {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i];
      if (rule.foldersOnly && !isFolder) continue;
      if (!path.startsWith(rule.base) || path === rule.base.slice(0, -1)) continue;
      if (rule.expression.test(path.slice(rule.base.length))) return !rule.negated;
    }
    return false;
  }

  /**
   * Globs for the file search's exclude argument that leave out what these rules ignore, so that ignored folders
   * (`dist/`, `target/`) do not use up its result limit. Undefined when a rule takes files back (`!`) or escapes
   * a character: globs cannot say that, and the exact check after the search stays the only one.
   */
  toExcludeGlobs(): string[] | undefined {
    if (this.rules.some((rule) => rule.negated || rule.pattern.includes('\\') || /[{},]/.test(rule.pattern)))
      return undefined;
    return this.rules.flatMap((rule) => {
      const at = rule.anchored ? `${rule.base}${rule.pattern}` : `${rule.base}**/${rule.pattern}`;
      return rule.foldersOnly ? [`${at}/**`] : [at, `${at}/**`];
    });
  }
}

function depth(folder: string): number {
  return folder === '' ? 0 : folder.split('/').length;
}

export function parseGitignore(text: string, folder = ''): Rule[] {
  const base = folder === '' ? '' : `${folder.replace(/\/+$/, '')}/`;
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negated = false;
    if (line.startsWith('!')) {
      negated = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const foldersOnly = line.endsWith('/');
    if (foldersOnly) line = line.replace(/\/+$/, '');
    if (line === '') continue;
    const anchored = line.includes('/');
    line = line.replace(/^\/+/, '');
    if (line === '') continue;
    const source = anchored ? gitPatternSource(line) : `(?:.*/)?${gitPatternSource(line)}`;
    rules.push({ base, negated, foldersOnly, anchored, pattern: line, expression: new RegExp(`^${source}$`) });
  }
  return rules;
}

/** A git wildmatch pattern (one rule, already without its anchoring slash) as a regular expression source. */
function gitPatternSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]);
    } else if (char === '*' && pattern[i + 1] === '*') {
      let end = i + 2;
      while (pattern[end] === '*') end++;
      const atStart = i === 0 || pattern[i - 1] === '/';
      if (atStart && pattern[end] === '/') {
        source += '(?:.*/)?';
        i = end;
      } else if (atStart && end === pattern.length && i > 0) {
        source += '.+';
        i = end - 1;
      } else {
        source += '[^/]*'; // other runs of stars are one star
        i = end - 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        source += `[${negated ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      }
    } else source += escapeRegExp(char);
  }
  return source;
}

function escapeRegExp(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
