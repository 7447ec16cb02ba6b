/** `read_file` and `list_folder`: through `workspace.fs`, so they work the same in remote and virtual workspaces. */
import * as vscode from 'vscode';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { READ_LIMITS } from '../../core/tools/readLimits';
import { decodeFileText, numberedLines } from '../../core/tools/textContent';
import { FolderFilters } from './folderFilters';
import type { LinkGuard } from './linkGuard';
import {
  describeFsError,
  resolvePath,
  ToolError,
  unsavedText,
  workspaceFolders,
  type ResolvedPath,
} from './workspaceUris';

type Request<T extends WorkspaceToolRequest['tool']> = Extract<WorkspaceToolRequest, { tool: T }>;

export async function readFile(request: Request<'read_file'>, guard: LinkGuard): Promise<string> {
  const target = resolvePath(request.path);
  const file = await readWorkspaceText(target, guard, 'read');
  const read = numberedLines(target.shown, file.text, { startLine: request.startLine, endLine: request.endLine });
  if (!read.ok) throw new ToolError(read.problem);
  if (!file.unsaved) return read.text;
  return `${read.text}\n[The file has unsaved changes in an editor: this is the editor's text, not the file on disk.]`;
}

/**
 * The text of a workspace file as the tools see it: what an editor shows when it has unsaved changes, else the file
 * on disk within the size limit; links out of the workspace, folders, special and binary files are refused with a
 * sentence for the model (`purpose` words it for reading or for changing the file).
 */
export async function readWorkspaceText(
  target: ResolvedPath,
  guard: LinkGuard,
  purpose: 'read' | 'edit',
): Promise<{ readonly text: string; readonly unsaved: boolean }> {
  await guard.assertInside(target.uri, target.folder.uri, target.shown);
  const stat = await vscode.workspace.fs.stat(target.uri).then(undefined, (error: unknown) => {
    throw describeFsError(error, target.shown);
  });
  if (stat.type & vscode.FileType.Directory)
    throw new ToolError(
      purpose === 'read'
        ? `${target.shown} is a folder, not a file: list it with list_folder.`
        : `${target.shown} is a folder, not a file.`,
    );
  if (!(stat.type & vscode.FileType.File))
    throw new ToolError(`${target.shown} is not a regular file (a device, a pipe or a socket), so it is not read.`);
  const unsaved = unsavedText(target.uri);
  if (unsaved !== undefined) return { text: unsaved, unsaved: true };
  if (stat.size > READ_LIMITS.maxFileBytes)
    throw new ToolError(
      `${target.shown} is ${megabytes(stat.size)}, more than the ${megabytes(READ_LIMITS.maxFileBytes)} ` +
        (purpose === 'read' ? 'this tool reads: search it with search_text instead.' : 'an edit may change.'),
    );
  const bytes = await vscode.workspace.fs.readFile(target.uri).then(undefined, (error: unknown) => {
    throw describeFsError(error, target.shown);
  });
  const decoded = decodeFileText(bytes);
  if (decoded.kind === 'binary')
    throw new ToolError(
      `${target.shown} is a binary file (${bytes.byteLength} bytes): only text files can be ` +
        (purpose === 'read' ? 'read.' : 'edited.'),
    );
  return { text: decoded.text, unsaved: false };
}

export async function listFolder(request: Request<'list_folder'>, guard: LinkGuard): Promise<string> {
  const target = resolvePath(request.path);
  await guard.assertInside(target.uri, target.folder.uri, target.shown);
  const stat = await vscode.workspace.fs.stat(target.uri).then(undefined, (error: unknown) => {
    throw describeFsError(error, target.shown);
  });
  if (!(stat.type & vscode.FileType.Directory))
    throw new ToolError(`${target.shown} is a file, not a folder: read it with read_file.`);
  const entries = await vscode.workspace.fs.readDirectory(target.uri).then(undefined, (error: unknown) => {
    throw describeFsError(error, target.shown);
  });
  const filters = await FolderFilters.forListing(target.folder, request.path.segments);
  const prefix = target.relativePath === '' ? '' : `${target.relativePath}/`;
  const shownEntries: string[] = [];
  let leftOut = 0;
  for (const [name, type] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const isFolder = (type & vscode.FileType.Directory) !== 0;
    if (filters.leavesOut(`${prefix}${name}`, isFolder)) {
      leftOut++;
      continue;
    }
    const link = type & vscode.FileType.SymbolicLink ? ' (symbolic link)' : '';
    shownEntries.push(`${name}${isFolder ? '/' : ''}${link}`);
  }
  const lines: string[] = [];
  const folders = workspaceFolders();
  if (target.relativePath === '' && folders.length > 1)
    lines.push(
      `The workspace has ${folders.length} folders (paths start with their names): ` +
        `${folders.map((folder) => folder.name).join(', ')}.`,
    );
  const shownCount = Math.min(shownEntries.length, READ_LIMITS.maxListEntries);
  lines.push(
    shownEntries.length === 0
      ? `${target.shown} has nothing to show.`
      : `${target.shown} (${shownEntries.length} ${shownEntries.length === 1 ? 'entry' : 'entries'}):`,
  );
  lines.push(...shownEntries.slice(0, shownCount));
  if (shownEntries.length > shownCount)
    lines.push(`[Only the first ${shownCount} entries are listed: use find_files to look for something specific.]`);
  if (leftOut > 0)
    lines.push(
      `[${leftOut} ${leftOut === 1 ? 'entry is' : 'entries are'} left out: excluded (files.exclude) or .gitignore'd.]`,
    );
  return lines.join('\n');
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
