/**
 * Workspace files for `#file`: the completion's search (what the user typed, anywhere in a path) and the files
 * dropped on the panel from the Explorer. The search goes through the workspace tools' file search, so it leaves out
 * what `files.exclude`, `search.exclude` and `.gitignore` leave out, as the model's `find_files` does.
 */
import * as vscode from 'vscode';
import { READ_LIMITS } from '../../core/tools/readLimits';
import { MAX_FILE_MATCHES, type FileMatch } from '../../shared/contextRefs';
import { findInWorkspace } from '../tools/searchTools';
import { locate, shownPath, workspaceFolders } from '../tools/workspaceUris';

/** Files asked of the file search per query, before they are ranked (the search stops there). */
const SEARCH_CANDIDATES = 500;
/** Files listed in the completion. */
const LISTED = 30;

/**
 * The workspace files whose path contains `query` (without regard to case), best first: a name that starts with it,
 * then a name that contains it, then a path that does; shorter paths first. An empty query lists files too.
 */
export async function findFilesForMention(query: string, token: vscode.CancellationToken): Promise<FileMatch[]> {
  if (workspaceFolders().length === 0) return [];
  const needle = query
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.?\/+/, '')
    .toLowerCase();
  const { files } = await findInWorkspace(globFor(needle), SEARCH_CANDIDATES, token).then(
    undefined,
    (error: unknown) => {
      if (error instanceof vscode.CancellationError) throw error;
      return { files: [] };
    },
  );
  const ranked = files
    .map((file) => ({ file, rank: rankOf(file.shown.toLowerCase(), needle) }))
    .filter((entry) => entry.rank >= 0)
    .sort(
      (a, b) => a.rank - b.rank || a.file.shown.length - b.file.shown.length || (a.file.shown < b.file.shown ? -1 : 1),
    )
    .slice(0, Math.min(LISTED, MAX_FILE_MATCHES));
  return Promise.all(
    ranked.map(async ({ file }) => {
      const stat = await vscode.workspace.fs.stat(file.uri).then(undefined, () => undefined);
      return stat ? { path: file.shown, tokens: fileTokens(stat.size) } : { path: file.shown };
    }),
  );
}

/**
 * A glob that finds at least every path containing `needle`: each letter matches either case, and characters that
 * mean something in a glob match any one character (the ranking checks the real text afterwards).
 */
export function globFor(needle: string): string {
  if (needle === '') return '**/*';
  let pattern = '';
  for (const char of needle) {
    if (char === '/') pattern += '*/*';
    else if ('*?[]{}!'.includes(char)) pattern += '?';
    else if (char.toLowerCase() !== char.toUpperCase()) pattern += `[${char.toLowerCase()}${char.toUpperCase()}]`;
    else pattern += char;
  }
  return `**/*${pattern}*`;
}

/**
 * About what a file of `size` bytes adds when attached: its text (up to the read limit), line numbers included (about
 * a token per line: a line every 40 bytes or so), at about 4 bytes a token.
 */
export function fileTokens(size: number): number {
  const chars = Math.min(size, READ_LIMITS.maxReadChars);
  return Math.ceil(chars / 4 + chars / 40);
}

/** 0: the name starts with the needle; 1: the name contains it; 2: the path does; -1: no match. */
function rankOf(path: string, needle: string): number {
  if (needle === '') return 2;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.startsWith(needle)) return 0;
  if (name.includes(needle)) return 1;
  return path.includes(needle) ? 2 : -1;
}

/** Files dropped from the Explorer: images are attached as images, anything else as `#file` context. */
const IMAGE_EXTENSIONS = /\.(?:png|jpe?g|gif|webp|svg|bmp|ico|tiff?|avif|heic)$/i;

export function isImageName(uri: vscode.Uri): boolean {
  return IMAGE_EXTENSIONS.test(uri.path);
}

/**
 * The dropped files that can be `#file` context: regular files inside the workspace folders. The others are named in
 * `problems`, saying why (outside the workspace, a folder, a device or pipe).
 */
export async function droppedContextFiles(
  uris: readonly vscode.Uri[],
): Promise<{ files: FileMatch[]; problems: string[] }> {
  const files: FileMatch[] = [];
  const problems: string[] = [];
  for (const uri of uris) {
    const name = uri.path.split('/').pop() || uri.toString();
    // What the file is comes first: a device or a pipe is refused as such wherever it is.
    const stat = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
    if (!stat) {
      problems.push(vscode.l10n.t('{0} could not be found.', name));
      continue;
    }
    if (stat.type & vscode.FileType.Directory) {
      problems.push(vscode.l10n.t('{0} is a folder: attach its files one by one with #file.', name));
      continue;
    }
    if (!(stat.type & vscode.FileType.File)) {
      problems.push(
        vscode.l10n.t('{0} is not a regular file (a device, a pipe or a socket), so it cannot be attached.', name),
      );
      continue;
    }
    const located = locate(uri);
    if (!located || located.relativePath === '') {
      problems.push(vscode.l10n.t('{0} is outside the workspace folders, so it cannot be attached as context.', name));
      continue;
    }
    files.push({ path: shownPath(located.folder, located.relativePath), tokens: fileTokens(stat.size) });
  }
  return { files, problems };
}
