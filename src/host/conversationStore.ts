import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { IMAGES_FOLDER, RecordStore, type StorageFs } from '../core/recordStore';

/**
 * The saved conversations in a folder of the extension's global storage (see `RecordStore` for the files), through
 * `vscode.workspace.fs`, so it works in remote and web VS Code too.
 */
export class ConversationStore extends RecordStore {
  constructor(
    readonly folder: vscode.Uri,
    log: Logger,
  ) {
    super(workspaceFs(folder), log);
  }

  /** The folder of the stored images (the panel may load them from there). */
  get imagesFolder(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, IMAGES_FOLDER);
  }

  /** The file of a stored image. */
  imageFile(key: string): vscode.Uri {
    return vscode.Uri.joinPath(this.imagesFolder, key);
  }
}

function workspaceFs(folder: vscode.Uri): StorageFs {
  const fs = vscode.workspace.fs;
  const at = (path: string) => (path ? vscode.Uri.joinPath(folder, ...path.split('/')) : folder);
  return {
    async readFile(path) {
      try {
        return await fs.readFile(at(path));
      } catch (error) {
        if (isFileNotFound(error)) return undefined;
        throw error;
      }
    },
    writeFile: (path, bytes) => Promise.resolve(fs.writeFile(at(path), bytes)),
    rename: (from, to, overwrite) => Promise.resolve(fs.rename(at(from), at(to), { overwrite })),
    async delete(path) {
      try {
        await fs.delete(at(path), { useTrash: false });
      } catch (error) {
        if (!isFileNotFound(error)) throw error;
      }
    },
    async list(path) {
      try {
        return (await fs.readDirectory(at(path))).map(([name, type]) => ({
          name,
          isFile: (type & vscode.FileType.File) !== 0,
        }));
      } catch (error) {
        if (isFileNotFound(error)) return [];
        throw error;
      }
    },
    async stat(path) {
      try {
        const stat = await fs.stat(at(path));
        return { mtime: stat.mtime, size: stat.size };
      } catch (error) {
        if (isFileNotFound(error)) return undefined;
        throw error;
      }
    },
    createDirectory: (path) => Promise.resolve(fs.createDirectory(at(path))),
  };
}

function isFileNotFound(error: unknown): boolean {
  return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}
