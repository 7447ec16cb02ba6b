/**
 * Between the model's workspace-relative paths and VS Code's URIs: a checked path joined to its folder, and a URI
 * (from the file search, the problems, the tabs) back to the path the model would write, or nothing when it lies
 * outside every workspace folder.
 */
import * as vscode from 'vscode';
import type { WorkspacePath } from '../../core/tools/toolArguments';

export interface ResolvedPath {
  readonly folder: vscode.WorkspaceFolder;
  readonly uri: vscode.Uri;
  readonly relativePath: string;
  /** How the model wrote it (and reads it back): `src/a.ts`, `api/src/a.ts` with several folders, `.` for the top. */
  readonly shown: string;
}

export function workspaceFolders(): readonly vscode.WorkspaceFolder[] {
  return vscode.workspace.workspaceFolders ?? [];
}

/** Thrown with a sentence for the model; the turn sends it as the tool's answer. */
export class ToolError extends Error {}

export function resolvePath(path: WorkspacePath): ResolvedPath {
  const folder = workspaceFolders()[path.folderIndex];
  if (!folder) throw new ToolError('The workspace folders changed: ask again with a current path.');
  return {
    folder,
    uri: path.segments.length > 0 ? vscode.Uri.joinPath(folder.uri, ...path.segments) : folder.uri,
    relativePath: path.relativePath,
    shown: shownPath(folder, path.relativePath),
  };
}

export function shownPath(folder: vscode.WorkspaceFolder, relativePath: string): string {
  if (workspaceFolders().length > 1) return relativePath === '' ? folder.name : `${folder.name}/${relativePath}`;
  return relativePath === '' ? '.' : relativePath;
}

/** The workspace folder holding `uri` and the path inside it; undefined outside every folder. */
export function locate(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; relativePath: string } | undefined {
  for (const folder of workspaceFolders()) {
    const relativePath = relativeTo(folder.uri, uri);
    if (relativePath !== undefined) return { folder, relativePath };
  }
  return undefined;
}

/** The path of `uri` inside `base` (`''` for `base` itself), or undefined when it is not inside. */
export function relativeTo(base: vscode.Uri, uri: vscode.Uri): string | undefined {
  if (base.scheme !== uri.scheme || base.authority.toLowerCase() !== uri.authority.toLowerCase()) return undefined;
  // Windows paths (`/c:/…`) compare without case, as the file system does.
  const caseless = base.scheme === 'file' && /^\/[a-z]:/i.test(base.path);
  const norm = (path: string) => (caseless ? path.toLowerCase() : path);
  const root = base.path.replace(/\/+$/, '');
  if (norm(uri.path) === norm(root)) return '';
  if (!norm(uri.path).startsWith(`${norm(root)}/`)) return undefined;
  return uri.path.slice(root.length + 1);
}

export function shownPathOf(uri: vscode.Uri): string | undefined {
  const located = locate(uri);
  return located ? shownPath(located.folder, located.relativePath) : undefined;
}

/** The text of an open document with unsaved changes (what the user sees), or undefined. */
export function unsavedText(uri: vscode.Uri): string | undefined {
  const key = uri.toString();
  const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === key);
  return document?.isDirty ? document.getText() : undefined;
}

export function throwIfCancelled(token: vscode.CancellationToken): void {
  if (token.isCancellationRequested) throw new vscode.CancellationError();
}

/** A file system error as a sentence about `shown`. */
export function describeFsError(error: unknown, shown: string): Error {
  if (error instanceof ToolError || error instanceof vscode.CancellationError) return error;
  if (error instanceof vscode.FileSystemError) {
    if (error.code === 'FileNotFound') return new ToolError(`There is no file or folder at ${shown}.`);
    if (error.code === 'NoPermissions') return new ToolError(`${shown} cannot be read: permission denied.`);
    if (error.code === 'FileIsADirectory') return new ToolError(`${shown} is a folder, not a file.`);
  }
  return new ToolError(`${shown} could not be read: ${error instanceof Error ? error.message : String(error)}`);
}
