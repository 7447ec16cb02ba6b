/** The conversation store's file system (`StorageFs`) over a real folder, counting the bytes written. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { StorageFs } from '../../src/core/recordStore';

export class NodeFs implements StorageFs {
  bytesWritten = 0;

  constructor(readonly root: string) {}

  private at(relative: string): string {
    return path.join(this.root, ...relative.split('/').filter(Boolean));
  }

  async readFile(relative: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.at(relative));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async writeFile(relative: string, bytes: Uint8Array): Promise<void> {
    this.bytesWritten += bytes.length;
    await fs.writeFile(this.at(relative), bytes);
  }

  async rename(from: string, to: string, overwrite: boolean): Promise<void> {
    if (!overwrite && (await this.stat(to))) throw new Error(`${to} exists`);
    await fs.rename(this.at(from), this.at(to));
  }

  async delete(relative: string): Promise<void> {
    await fs.rm(this.at(relative), { force: true });
  }

  async list(relative: string): Promise<{ name: string; isFile: boolean }[]> {
    try {
      return (await fs.readdir(this.at(relative), { withFileTypes: true })).map((entry) => ({
        name: entry.name,
        isFile: entry.isFile(),
      }));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async stat(relative: string): Promise<{ mtime: number; size: number } | undefined> {
    try {
      const stat = await fs.stat(this.at(relative));
      return { mtime: stat.mtimeMs, size: stat.size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async createDirectory(relative: string): Promise<void> {
    await fs.mkdir(this.at(relative), { recursive: true });
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
