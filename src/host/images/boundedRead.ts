import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** What reading a file the user attached gave: its bytes, or why nothing was read. */
export type BoundedRead =
  | { readonly kind: 'read'; readonly bytes: Uint8Array }
  | { readonly kind: 'folder' }
  /** A device (/dev/zero), a FIFO, a socket: reading it may never end, or never start. */
  | { readonly kind: 'special' }
  | { readonly kind: 'tooLarge'; readonly size: number };

/**
 * Reads a file for attaching, never more than `maxBytes`: only a regular file (a symbolic link is followed to one),
 * checked before a byte is read. A local file is opened without blocking (a FIFO would wait for a writer forever),
 * checked on the open handle itself (what is read is what was checked) and read up to the limit, so a file that grows
 * meanwhile cannot run past it. Files of other file systems go through `vscode.workspace.fs`, whose stat says what
 * they are.
 */
export async function readRegularFile(uri: vscode.Uri, maxBytes: number): Promise<BoundedRead> {
  if (uri.scheme === 'file') return readLocalFile(uri.fsPath, maxBytes);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) return { kind: 'folder' };
  if (!(stat.type & vscode.FileType.File)) return { kind: 'special' };
  if (stat.size > maxBytes) return { kind: 'tooLarge', size: stat.size };
  const bytes = await vscode.workspace.fs.readFile(uri);
  return bytes.byteLength > maxBytes ? { kind: 'tooLarge', size: bytes.byteLength } : { kind: 'read', bytes };
}

async function readLocalFile(file: string, maxBytes: number): Promise<BoundedRead> {
  const nonBlocking = fs.constants.O_NONBLOCK;
  const handle = await fs.promises.open(file, nonBlocking ? fs.constants.O_RDONLY | nonBlocking : 'r');
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { kind: 'folder' };
    if (!stat.isFile()) return { kind: 'special' };
    if (stat.size > maxBytes) return { kind: 'tooLarge', size: stat.size };
    // Read until the end, but never more than one byte past the limit (which tells a file that grew past it from one
    // exactly at it). The size stat gives is only where to start: /proc files say 0, a growing file says too little.
    let buffer = new Uint8Array(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return { kind: 'tooLarge', size: length };
        const grown = new Uint8Array(Math.min(buffer.length * 2, maxBytes + 1));
        grown.set(buffer);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { kind: 'read', bytes: buffer.subarray(0, length) };
  } finally {
    await handle.close();
  }
}
