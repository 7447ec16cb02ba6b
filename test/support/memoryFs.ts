/**
 * A folder in memory for the conversation store (`StorageFs`): what two VS Code windows share when they save to one
 * global storage. Counts the bytes written; `age` makes every file older (as if time had passed).
 */
import type { StorageFs } from '../../src/core/recordStore';

export class MemoryFs implements StorageFs {
  readonly files = new Map<string, { bytes: Uint8Array; mtime: number }>();
  bytesWritten = 0;
  writes: string[] = [];
  private tick = 0;

  private stamp(): number {
    this.tick += 1;
    return Date.now() + this.tick;
  }

  text(path: string): string | undefined {
    const file = this.files.get(path);
    return file && new TextDecoder().decode(file.bytes);
  }

  names(prefix = ''): string[] {
    return [...this.files.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  age(ms: number): void {
    for (const file of this.files.values()) file.mtime -= ms;
  }

  readFile(path: string): Promise<Uint8Array | undefined> {
    const file = this.files.get(path);
    return Promise.resolve(file && file.bytes.slice());
  }

  writeFile(path: string, bytes: Uint8Array): Promise<void> {
    this.bytesWritten += bytes.length;
    this.writes.push(path);
    this.files.set(path, { bytes: bytes.slice(), mtime: this.stamp() });
    return Promise.resolve();
  }

  rename(from: string, to: string, overwrite: boolean): Promise<void> {
    const file = this.files.get(from);
    if (!file) return Promise.reject(new Error(`no file ${from}`));
    if (!overwrite && this.files.has(to)) return Promise.reject(new Error(`${to} exists`));
    this.files.delete(from);
    this.files.set(to, { bytes: file.bytes, mtime: this.stamp() });
    return Promise.resolve();
  }

  delete(path: string): Promise<void> {
    this.files.delete(path);
    return Promise.resolve();
  }

  list(path: string): Promise<{ name: string; isFile: boolean }[]> {
    const prefix = path ? `${path}/` : '';
    const entries = new Map<string, boolean>();
    for (const name of this.files.keys()) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const slash = rest.indexOf('/');
      entries.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0);
    }
    return Promise.resolve([...entries].map(([name, isFile]) => ({ name, isFile })));
  }

  stat(path: string): Promise<{ mtime: number; size: number } | undefined> {
    const file = this.files.get(path);
    return Promise.resolve(file && { mtime: file.mtime, size: file.bytes.length });
  }

  createDirectory(): Promise<void> {
    return Promise.resolve();
  }
}
