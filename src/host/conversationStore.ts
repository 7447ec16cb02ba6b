import * as vscode from 'vscode';
import {
  parseRecordText,
  serializeRecord,
  summaryOf,
  type ConversationRecord,
  type ConversationSummary,
} from '../core/conversationRecord';
import type { Logger } from '../core/logger';

const INDEX_FILE = 'index.json';
const INDEX_VERSION = 1;
const TMP_SUFFIX = '.tmp';
/** A temporary file older than this is left over from a crash (a live write takes milliseconds). */
const STALE_TMP_MS = 60_000;

/**
 * The saved conversations: one `<id>.json` file each in `folder`, plus `index.json` (id, title, times, message
 * count) so the history lists without reading every file. Everything goes through `vscode.workspace.fs`, so it
 * works in remote and web VS Code too. Every write is atomic: a temporary file in the same folder, then a rename over
 * the old one. A file that does not parse is renamed `<name>.corrupt-<time>` (kept for the user) and logged.
 *
 * Nothing is read until the first call (no work at activation). Writes are queued, one at a time, in order.
 */
export class ConversationStore {
  private index: Map<string, ConversationSummary> | undefined;
  private loading: Promise<Map<string, ConversationSummary>> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private tmpCounter = 0;

  constructor(
    readonly folder: vscode.Uri,
    private readonly log: Logger,
  ) {}

  /**
   * The saved conversations, newest first. Read again from the folder each time, so conversations that another
   * VS Code window saved or deleted meanwhile are listed as they are now.
   */
  async list(): Promise<ConversationSummary[]> {
    const index = await this.enqueue(async () => {
      const fresh = await this.readIndex();
      this.loading = Promise.resolve(fresh);
      return fresh;
    });
    return [...index.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** One conversation, or undefined when there is none with that id (or its file is corrupt: then it is moved aside). */
  async load(id: string): Promise<ConversationRecord | undefined> {
    if (!isConversationId(id)) return undefined;
    const index = await this.loadIndex();
    const record = await this.readRecord(this.fileFor(id));
    if (!record) {
      if (index.delete(id)) await this.enqueue(() => this.writeIndex());
      return undefined;
    }
    return record;
  }

  /** Every conversation that loads, newest first (for searching through their text). */
  async loadAll(): Promise<ConversationRecord[]> {
    const records: ConversationRecord[] = [];
    for (const summary of await this.list()) {
      const record = await this.load(summary.id);
      if (record) records.push(record);
    }
    return records;
  }

  /** Writes (replaces) a conversation and updates the index. Resolves when both are on disk. */
  save(record: ConversationRecord): Promise<void> {
    return this.enqueue(async () => {
      const index = await this.loadIndex();
      await this.writeAtomically(this.fileFor(record.id), serializeRecord(record));
      index.set(record.id, summaryOf(record));
      await this.writeIndex();
    });
  }

  /** Changes the title of a saved conversation. */
  async rename(id: string, title: string): Promise<ConversationRecord | undefined> {
    const record = await this.load(id);
    if (!record) return undefined;
    const renamed: ConversationRecord = { ...record, title, updatedAt: new Date().toISOString() };
    await this.save(renamed);
    return renamed;
  }

  async delete(id: string): Promise<void> {
    await this.enqueue(async () => {
      const index = await this.loadIndex();
      try {
        await vscode.workspace.fs.delete(this.fileFor(id), { useTrash: false });
      } catch (error) {
        if (!isFileNotFound(error)) throw error;
      }
      index.delete(id);
      await this.writeIndex();
    });
  }

  private fileFor(id: string): vscode.Uri {
    if (!isConversationId(id)) throw new Error(`Not a conversation id: ${id.slice(0, 100)}`);
    return vscode.Uri.joinPath(this.folder, `${id}.json`);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private loadIndex(): Promise<Map<string, ConversationSummary>> {
    if (this.index) return Promise.resolve(this.index);
    this.loading ??= this.readIndex().then(
      (index) => (this.index = index),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /**
   * Reads the index and checks it against the folder: files the index does not know (written just before a crash,
   * or by another window) are read and added; entries without a file are dropped; a conversation whose only copy is
   * a temporary file (a crash in the middle of a save) is recovered from it.
   */
  private async readIndex(): Promise<Map<string, ConversationSummary>> {
    const index = new Map<string, ConversationSummary>();
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.folder);
    } catch (error) {
      if (isFileNotFound(error)) return index;
      throw error;
    }
    const names = new Set(entries.filter(([, type]) => type === vscode.FileType.File).map(([name]) => name));
    const stored = await this.readIndexFile(names.has(INDEX_FILE));
    let changed = !names.has(INDEX_FILE);

    for (const name of names) {
      if (!name.endsWith(TMP_SUFFIX)) continue;
      const target = name.slice(0, name.lastIndexOf('.', name.length - TMP_SUFFIX.length - 1));
      if (!/^[A-Za-z0-9_-]+\.json$/.test(target)) continue;
      await this.settleTemporary(name, target, names);
    }

    for (const name of names) {
      const match = /^([A-Za-z0-9_-]+)\.json$/.exec(name);
      if (!match || name === INDEX_FILE) continue;
      const id = match[1];
      const known = stored.get(id);
      if (known) {
        index.set(id, known);
        continue;
      }
      const record = await this.readRecord(vscode.Uri.joinPath(this.folder, name));
      if (record) index.set(id, summaryOf(record));
      changed = true;
    }
    if (stored.size !== [...stored.keys()].filter((id) => index.has(id)).length) changed = true;
    this.index = index;
    // Not awaited: this may run inside a queued save, which would then wait for itself.
    if (changed && index.size > 0)
      void this.enqueue(() => this.writeIndex()).catch((error: unknown) =>
        this.log.warn(`Could not write the conversation index: ${String(error)}`),
      );
    return index;
  }

  private async readIndexFile(exists: boolean): Promise<Map<string, ConversationSummary>> {
    const stored = new Map<string, ConversationSummary>();
    if (!exists) return stored;
    try {
      const value = JSON.parse(
        new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, INDEX_FILE))),
      ) as unknown;
      const list =
        isObject(value) && value.version === INDEX_VERSION && Array.isArray(value.conversations)
          ? value.conversations
          : undefined;
      if (!list) throw new Error('not a version 1 index');
      for (const entry of list) {
        if (
          isObject(entry) &&
          typeof entry.id === 'string' &&
          typeof entry.title === 'string' &&
          typeof entry.createdAt === 'string' &&
          typeof entry.updatedAt === 'string' &&
          typeof entry.messageCount === 'number'
        ) {
          stored.set(entry.id, {
            id: entry.id,
            title: entry.title,
            createdAt: entry.createdAt,
            updatedAt: entry.updatedAt,
            messageCount: entry.messageCount,
          });
        }
      }
    } catch (error) {
      // The index is only a cache of the files: rebuild it from them.
      this.log.warn(
        `The conversation index could not be read (${String(error)}); rebuilding it from the conversation files.`,
      );
      stored.clear();
    }
    return stored;
  }

  /** A leftover `<target>.<n>.tmp`: restores the target from it when the target is gone, else deletes it once stale. */
  private async settleTemporary(name: string, target: string, names: Set<string>): Promise<void> {
    const tmp = vscode.Uri.joinPath(this.folder, name);
    try {
      if (!names.has(target)) {
        const parsed = parseRecordText(new TextDecoder().decode(await vscode.workspace.fs.readFile(tmp)));
        if (parsed.ok) {
          await vscode.workspace.fs.rename(tmp, vscode.Uri.joinPath(this.folder, target), { overwrite: false });
          names.add(target);
          this.log.warn(`Recovered conversation ${target} from an unfinished save (${name}).`);
          return;
        }
      }
      const stat = await vscode.workspace.fs.stat(tmp);
      if (Date.now() - stat.mtime > STALE_TMP_MS) await vscode.workspace.fs.delete(tmp, { useTrash: false });
    } catch (error) {
      this.log.warn(`Could not clean up ${name}: ${String(error)}`);
    }
  }

  /** Reads and validates one conversation file; a corrupt one is moved aside (kept) and logged. */
  private async readRecord(file: vscode.Uri): Promise<ConversationRecord | undefined> {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch (error) {
      if (isFileNotFound(error)) return undefined;
      throw error;
    }
    const parsed = parseRecordText(text);
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (parsed.ok && `${parsed.record.id}.json` !== name) {
      return this.moveAside(file, `its id "${parsed.record.id}" does not match its file name`);
    }
    if (!parsed.ok) return this.moveAside(file, parsed.reason);
    if (parsed.skipped > 0)
      this.log.warn(`Conversation ${name}: left out ${parsed.skipped} message(s) that were not valid.`);
    return parsed.record;
  }

  private async moveAside(file: vscode.Uri, reason: string): Promise<undefined> {
    const aside = file.with({ path: `${file.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}` });
    try {
      await vscode.workspace.fs.rename(file, aside, { overwrite: false });
      this.log.error(`The saved conversation ${file.path} could not be read: ${reason}. It was kept as ${aside.path}.`);
    } catch (error) {
      this.log.error(
        `The saved conversation ${file.path} could not be read (${reason}) nor moved aside: ${String(error)}`,
      );
    }
    return undefined;
  }

  private async writeIndex(): Promise<void> {
    const conversations = [...(this.index ?? new Map<string, ConversationSummary>()).values()].sort((a, b) =>
      b.updatedAt.localeCompare(a.updatedAt),
    );
    await this.writeAtomically(
      vscode.Uri.joinPath(this.folder, INDEX_FILE),
      `${JSON.stringify({ version: INDEX_VERSION, conversations }, null, 2)}\n`,
    );
  }

  /** Writes a temporary file next to `target`, then renames it over `target`: readers see the old or the new file. */
  private async writeAtomically(target: vscode.Uri, text: string): Promise<void> {
    this.tmpCounter += 1;
    const tmp = target.with({
      path: `${target.path}.${Date.now().toString(36)}${this.tmpCounter.toString(36)}${TMP_SUFFIX}`,
    });
    await vscode.workspace.fs.createDirectory(this.folder);
    await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(text));
    try {
      await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    } catch (error) {
      await vscode.workspace.fs.delete(tmp, { useTrash: false }).then(undefined, () => undefined);
      throw error;
    }
  }
}

function isConversationId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id);
}

function isFileNotFound(error: unknown): boolean {
  return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
