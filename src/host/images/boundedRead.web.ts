import * as vscode from 'vscode';
import type { BoundedRead } from './boundedRead';

/**
 * VS Code for the Web (the `browser` build uses this file in place of `boundedRead.ts`): no local files, so every
 * file goes through `vscode.workspace.fs`, whose stat says whether it is a regular file before anything is read.
 */
export async function readRegularFile(uri: vscode.Uri, maxBytes: number): Promise<BoundedRead> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) return { kind: 'folder' };
  if (!(stat.type & vscode.FileType.File)) return { kind: 'special' };
  if (stat.size > maxBytes) return { kind: 'tooLarge', size: stat.size };
  const bytes = await vscode.workspace.fs.readFile(uri);
  return bytes.byteLength > maxBytes ? { kind: 'tooLarge', size: bytes.byteLength } : { kind: 'read', bytes };
}
