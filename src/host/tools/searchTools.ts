/**
 * `find_files` and `search_text`. The stable API has a file search (`workspace.findFiles`) but no text search, so
 * the text search reads the files the file search finds, within a file count, a byte budget and a match limit,
 * skipping binary files. Both leave out what `files.exclude`, `search.exclude` and `.gitignore` leave out.
 */
import * as vscode from 'vscode';
import { READ_LIMITS } from '../../core/tools/readLimits';
import { decodeFileText } from '../../core/tools/textContent';
import { compileMatcher, matchingLines } from '../../core/tools/textSearch';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { FolderFilters } from './folderFilters';
import type { LinkGuard } from './linkGuard';
import { relativeTo, shownPath, throwIfCancelled, ToolError, unsavedText, workspaceFolders } from './workspaceUris';

/** Files read at the same time. */
const READ_CONCURRENCY = 32;

type Request<T extends WorkspaceToolRequest['tool']> = Extract<WorkspaceToolRequest, { tool: T }>;

export interface FoundFile {
  readonly folder: vscode.WorkspaceFolder;
  readonly uri: vscode.Uri;
  readonly shown: string;
}

/**
 * The files matching `pattern` in the folders it names (with several folders a pattern may start with a folder's
 * name), sorted by path, without excluded and ignored ones. `more` says the limit cut the list.
 */
export async function findInWorkspace(
  pattern: string,
  limit: number,
  token: vscode.CancellationToken,
): Promise<{ files: FoundFile[]; more: boolean }> {
  const folders = workspaceFolders();
  if (folders.length === 0) throw new ToolError('No folder is open in the workspace, so there are no files to find.');
  const [first, ...rest] = pattern.split('/');
  const named = folders.length > 1 ? folders.find((folder) => folder.name === first) : undefined;
  const targets = named
    ? [{ folder: named, glob: rest.join('/') || '**' }]
    : folders.map((folder) => ({ folder, glob: pattern }));
  const files: FoundFile[] = [];
  let more = false;
  for (const { folder, glob } of targets) {
    throwIfCancelled(token);
    const filters = await FolderFilters.forSearch(folder, token);
    const ask = filters.excludeIsComplete ? limit + 1 : Math.max(limit + 1, READ_LIMITS.maxFindCandidates);
    const uris = await vscode.workspace.findFiles(
      new vscode.RelativePattern(folder, glob),
      filters.findFilesExclude,
      ask,
      token,
    );
    if (uris.length >= ask) more = true;
    for (const uri of uris) {
      const relative = relativeTo(folder.uri, uri);
      if (relative === undefined || filters.leavesOut(relative)) continue;
      files.push({ folder, uri, shown: shownPath(folder, relative) });
    }
  }
  throwIfCancelled(token);
  files.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  if (files.length > limit) {
    files.length = limit;
    more = true;
  }
  return { files, more };
}

export async function findFiles(request: Request<'find_files'>, token: vscode.CancellationToken): Promise<string> {
  const { files, more } = await findInWorkspace(request.pattern, request.maxResults, token);
  if (files.length === 0)
    return `No files match ${JSON.stringify(request.pattern)} (excluded and .gitignore'd files are left out).`;
  let chars = 0;
  const shown = files
    .map((file) => file.shown)
    .filter((path) => (chars += path.length + 1) <= READ_LIMITS.maxReadChars);
  const cut = more || shown.length < files.length;
  const lines = [
    `${shown.length}${cut ? '+' : ''} ${shown.length === 1 ? 'file matches' : 'files match'} ${JSON.stringify(request.pattern)}:`,
    ...shown,
  ];
  if (cut) lines.push(`[Only the first ${shown.length} are listed: use a narrower pattern to see the others.]`);
  return lines.join('\n');
}

export async function searchText(
  request: Request<'search_text'>,
  guard: LinkGuard,
  token: vscode.CancellationToken,
): Promise<string> {
  const compiled = compileMatcher(request.query, request);
  if (!compiled.ok) throw new ToolError(compiled.problem);
  const { files, more: moreFiles } = await findInWorkspace(
    request.include ?? '**/*',
    READ_LIMITS.maxSearchFiles,
    token,
  );
  const lines: string[] = [];
  const skipped = { binary: 0, large: 0, links: 0, unreadable: 0, budget: 0 };
  let matches = 0;
  const filesWithMatches = new Set<string>();
  let searched = 0;
  let bytesRead = 0;
  let chars = 0;
  let full = false;
  // Each file system call is a round trip (to the window, in a remote or web workbench): read several at a time.
  for (let start = 0; start < files.length && matches < request.maxResults && !full; start += READ_CONCURRENCY) {
    throwIfCancelled(token);
    if (bytesRead >= READ_LIMITS.maxSearchTotalBytes) {
      skipped.budget = files.length - start;
      break;
    }
    const batch = files.slice(start, start + READ_CONCURRENCY);
    const texts = await Promise.all(batch.map((file) => readForSearch(file, guard, skipped)));
    for (const [index, text] of texts.entries()) {
      if (text === undefined || matches >= request.maxResults) continue;
      searched++;
      bytesRead += text.length;
      const found = matchingLines(text, compiled.matcher, request.maxResults - matches);
      if (found.length === 0) continue;
      matches += found.length;
      for (const match of found) {
        const line = `${batch[index].shown}:${match.line}: ${match.text}`;
        chars += line.length + 1;
        if (chars > READ_LIMITS.maxReadChars) {
          full = true;
          break;
        }
        lines.push(line);
        filesWithMatches.add(batch[index].shown);
      }
      if (full) break;
    }
  }
  const what = JSON.stringify(request.query);
  const where = request.include ? ` in ${JSON.stringify(request.include)}` : '';
  if (full) matches = lines.length;
  const header =
    matches === 0
      ? `No matches for ${what}${where} (${searched} ${searched === 1 ? 'file' : 'files'} searched; excluded and .gitignore'd files are left out).`
      : `${matches} ${matches === 1 ? 'match' : 'matches'} for ${what}${where} in ${filesWithMatches.size} ` +
        `${filesWithMatches.size === 1 ? 'file' : 'files'} (${searched} searched):`;
  const notes: string[] = [];
  if (full)
    notes.push(
      `[Stopped after ${lines.length} matching lines: the answer is limited to ${READ_LIMITS.maxReadChars} ` +
        'characters. Narrow the search with "include" or a longer query.]',
    );
  else if (matches >= request.maxResults)
    notes.push(
      `[Stopped at ${request.maxResults} matches: more may exist. Narrow the search with "include" or a longer query.]`,
    );
  if (moreFiles)
    notes.push(`[Only the first ${READ_LIMITS.maxSearchFiles} files were searched: narrow it with "include".]`);
  if (skipped.budget > 0)
    notes.push(
      `[${skipped.budget} files were not searched: the search reads at most ${READ_LIMITS.maxSearchTotalBytes / (1024 * 1024)} MB.]`,
    );
  const left = [
    skipped.binary > 0 ? `${skipped.binary} binary` : '',
    skipped.large > 0 ? `${skipped.large} over ${READ_LIMITS.maxSearchFileBytes / (1024 * 1024)} MB` : '',
    skipped.links > 0 ? `${skipped.links} reached through a link leading outside the workspace` : '',
    skipped.unreadable > 0 ? `${skipped.unreadable} unreadable` : '',
  ].filter(Boolean);
  if (left.length > 0) notes.push(`[Files skipped: ${left.join(', ')}.]`);
  return [header, ...lines, ...notes].join('\n');
}

async function readForSearch(
  file: FoundFile,
  guard: LinkGuard,
  skipped: { binary: number; large: number; links: number; unreadable: number },
): Promise<string | undefined> {
  if (!(await guard.isInside(file.uri, file.folder.uri))) {
    skipped.links++;
    return undefined;
  }
  const unsaved = unsavedText(file.uri);
  if (unsaved !== undefined) return unsaved;
  try {
    const stat = await vscode.workspace.fs.stat(file.uri);
    if (!(stat.type & vscode.FileType.File)) return undefined;
    if (stat.size > READ_LIMITS.maxSearchFileBytes) {
      skipped.large++;
      return undefined;
    }
    const decoded = decodeFileText(await vscode.workspace.fs.readFile(file.uri));
    if (decoded.kind === 'binary') {
      skipped.binary++;
      return undefined;
    }
    return decoded.text;
  } catch {
    skipped.unreadable++;
    return undefined;
  }
}
