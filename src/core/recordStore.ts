import type { ConversationMessage } from './conversation';
import {
  imageRefsOf,
  parseRecord,
  readRecordJson,
  serializeStoredRecord,
  STORAGE_LIMITS,
  summaryOf,
  type ConversationRecord,
  type ConversationSummary,
} from './conversationRecord';
import { ImageFiles, IMAGES_FOLDER } from './imageFiles';
import type { Logger } from './logger';
import { fingerprintOf, journalText, parseJournal, type OnDisk } from './recordJournal';
import { applyJournal, mergeRecords, sameMessages } from './recordMerge';

/**
 * The file system the store works on, with paths relative to its folder ('index.json', 'images/<key>'). The host
 * gives it `vscode.workspace.fs` (so it works in remote and web VS Code too); tests and the bench give it a folder.
 */
export interface StorageFs {
  /** The file's bytes; undefined when there is no such file. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  rename(from: string, to: string, overwrite: boolean): Promise<void>;
  /** Deletes a file; nothing happens when there is none. */
  delete(path: string): Promise<void>;
  /** The entries of a folder; [] when there is none. */
  list(path: string): Promise<{ readonly name: string; readonly isFile: boolean }[]>;
  /** undefined when there is no such file. `mtime` in milliseconds. */
  stat(path: string): Promise<{ readonly mtime: number; readonly size: number } | undefined>;
  createDirectory(path: string): Promise<void>;
}

/** What a save did. */
export interface SaveOutcome {
  /** The revision now on disk: save the next version of this conversation on top of it. */
  readonly revision: number;
  /** Set when another window had saved this conversation meanwhile: its turns and ours, as now on disk. */
  readonly merged?: ConversationRecord;
  /** The whole record, or only the journal of the streaming reply. */
  readonly wrote: 'record' | 'journal';
}

const INDEX_FILE = 'index.json';
const INDEX_VERSION = 1;
export { IMAGES_FOLDER };
const TMP_SUFFIX = '.tmp';
const JOURNAL_SUFFIX = '.journal.json';
const RECORD_NAME = /^([A-Za-z0-9_-]{1,100})\.json$/;
/** A temporary file older than this is left over from a crash (a live write takes milliseconds). */
const STALE_TMP_MS = 60_000;

/**
 * The saved conversations: one `<id>.json` file each, `index.json` (id, title, times, message count) so the history
 * lists without reading every file, and `images/<sha256>.<ext>`: each image once, whatever number of messages and
 * conversations show it; records refer to it. Older records with images inline still load; their next save moves
 * the images out.
 *
 * Every write is atomic (a temporary file, then a rename). While a reply streams, a save writes only the reply, to a
 * journal beside the record (`<id>.<window>.journal.json`), and the record is written whole again when the reply
 * ends; a crash in between loses nothing saved: loading applies the journal. A record counts its revisions: a save
 * on top of a revision that is no longer on disk (another window saved meanwhile) keeps both windows' turns.
 *
 * Nothing is read until the first call. Work is queued, one at a time, in order; none of it blocks the host for
 * long (large files are parsed and images converted in slices).
 */
export class RecordStore {
  private index: Map<string, ConversationSummary> | undefined;
  private loading: Promise<Map<string, ConversationSummary>> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private tmpCounter = 0;
  private readonly onDisk = new Map<string, OnDisk>();
  private readonly images: ImageFiles;
  /** Names this window's journals, so two windows streaming into one conversation never overwrite each other's. */
  private readonly windowTag = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');

  constructor(
    private readonly fs: StorageFs,
    private readonly log: Logger,
    private readonly pause?: () => Promise<void>,
  ) {
    this.images = new ImageFiles(fs, log, (path, bytes) => this.writeAtomically(path, bytes), pause);
  }

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

  /**
   * One conversation (with the reply a journal holds, if one was streaming), or undefined when there is none with
   * that id (or its file is corrupt: then it is moved aside).
   */
  async load(id: string): Promise<ConversationRecord | undefined> {
    if (!isConversationId(id)) return undefined;
    const index = await this.loadIndex();
    return this.enqueue(async () => {
      const record = await this.readRecord(id);
      if (!record) {
        if (index.delete(id)) await this.writeIndex();
        return undefined;
      }
      return this.withJournals(record);
    });
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

  /**
   * Writes a conversation. `base`: the revision it was loaded or last saved as (none for a new one). When the file on
   * disk is still that revision and only a streaming reply at the end changed, only the reply's journal is written;
   * otherwise the whole record (images as files) and the index. When another window saved meanwhile, both versions'
   * messages are kept (see `mergeRecords`) and returned as `merged`. Resolves when it is on disk.
   */
  save(record: ConversationRecord, base?: number): Promise<SaveOutcome> {
    return this.enqueue(async () => {
      const index = await this.loadIndex();
      const file = recordFile(record.id);
      const stat = await this.fs.stat(file);
      const known = this.onDisk.get(record.id);
      const unchanged =
        stat !== undefined &&
        known !== undefined &&
        known.revision === base &&
        known.mtime === stat.mtime &&
        known.size === stat.size;
      if (unchanged) {
        const journal = journalText(record, known, (url) => this.images.keyOf(url));
        if (journal) {
          await this.writeAtomically(this.journalName(record.id), journal);
          return { revision: known.revision, wrote: 'journal' };
        }
      }
      let final = record;
      let merged = false;
      let revision = (base ?? 0) + 1;
      if (stat && !unchanged) {
        const disk = await this.readRecord(record.id);
        const diskRevision = disk?.revision ?? 0;
        if (disk && (base === undefined || diskRevision !== base)) {
          final = mergeRecords(record, disk);
          merged = !sameMessages(final.messages, record.messages);
          if (merged)
            this.log.warn(
              `Conversation ${record.id} was saved by another window meanwhile (revision ${diskRevision}, ours ${base ?? 'new'}); both versions' messages are kept.`,
            );
        }
        revision = Math.max(diskRevision, base ?? 0) + 1;
      }
      await this.writeRecord(final, revision);
      index.set(final.id, summaryOf(final));
      await this.writeIndex();
      return { revision, wrote: 'record', ...(merged ? { merged: { ...final, revision } } : {}) };
    });
  }

  /** Changes the title of a saved conversation. */
  async rename(id: string, title: string): Promise<ConversationRecord | undefined> {
    const record = await this.load(id);
    if (!record) return undefined;
    const renamed: ConversationRecord = { ...record, title, updatedAt: new Date().toISOString() };
    const { revision } = await this.save(renamed, record.revision);
    return { ...renamed, revision };
  }

  /** Deletes a conversation, its journals, and the images no other conversation shows. */
  async delete(id: string): Promise<void> {
    await this.enqueue(async () => {
      const index = await this.loadIndex();
      await this.fs.delete(recordFile(id));
      for (const name of await this.journalsOf(id)) await this.fs.delete(name);
      this.onDisk.delete(id);
      index.delete(id);
      await this.writeIndex();
      await this.deleteUnusedImages();
    });
  }

  /** The stored image file of a data URL, when this store has written or read it (for the panel to load it). */
  imageKeyOf(url: string): string | undefined {
    return this.images.keyOf(url);
  }

  /** A stored image as a data URL (reattaching an image of an earlier message); undefined when there is none. */
  readImage(key: string): Promise<string | undefined> {
    return this.images.read(key);
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

  private journalName(id: string): string {
    return `${id}.${this.windowTag}${JOURNAL_SUFFIX}`;
  }

  private async journalsOf(id: string): Promise<string[]> {
    return (await this.fs.list(''))
      .filter(({ name, isFile }) => isFile && name.startsWith(`${id}.`) && name.endsWith(JOURNAL_SUFFIX))
      .map(({ name }) => name);
  }

  /** The record with the replies its journals hold (a reply that was streaming when a window stopped). */
  private async withJournals(record: ConversationRecord): Promise<ConversationRecord> {
    let messages = record.messages;
    for (const name of await this.journalsOf(record.id)) {
      const journal = await this.readJournal(name, record.id);
      if (journal) messages = applyJournal(messages, journal.message, journal.after);
    }
    return messages === record.messages ? record : { ...record, messages };
  }

  private async readJournal(
    name: string,
    id: string,
  ): Promise<{ message: ConversationMessage; after: string | undefined } | undefined> {
    try {
      const bytes = await this.fs.readFile(name);
      if (!bytes) return undefined;
      const json = await readRecordJson(bytes, STORAGE_LIMITS, this.pause);
      return json.ok ? parseJournal(json.value, id) : undefined;
    } catch (error) {
      this.log.warn(`Could not read the journal ${name}: ${String(error)}`);
      return undefined;
    }
  }

  /** Writes the images, then the record, then forgets the journals it holds. */
  private async writeRecord(record: ConversationRecord, revision: number): Promise<void> {
    for (const message of record.messages) for (const image of message.images ?? []) await this.images.store(image.url);
    const keyOf = (url: string) => this.images.keyOf(url);
    const text = serializeStoredRecord(record, revision, keyOf);
    const file = recordFile(record.id);
    await this.writeAtomically(file, text);
    const stat = await this.fs.stat(file);
    if (stat)
      this.onDisk.set(record.id, {
        revision,
        mtime: stat.mtime,
        size: stat.size,
        title: record.title,
        ids: record.messages.map(({ id }) => id),
        messages: record.messages.map((message) => fingerprintOf(message, keyOf)),
      });
    const done = new Set(record.messages.filter((message) => message.status !== 'streaming').map(({ id }) => id));
    for (const name of await this.journalsOf(record.id)) {
      if (name === this.journalName(record.id)) {
        await this.fs.delete(name);
        continue;
      }
      // Another window's journal: gone once its reply is in the record, finished.
      const journal = await this.readJournal(name, record.id);
      if (!journal || done.has(journal.message.id)) await this.fs.delete(name);
    }
  }

  /** After a delete: image files that no record refers to go (see `ImageFiles.deleteUnused`). */
  private async deleteUnusedImages(): Promise<void> {
    const used = new Set<string>();
    for (const { name, isFile } of await this.fs.list('')) {
      if (!isFile || name === INDEX_FILE || !RECORD_NAME.test(name)) continue;
      const bytes = await this.fs.readFile(name);
      if (!bytes) continue;
      const json = await readRecordJson(bytes, STORAGE_LIMITS, this.pause);
      // A record that cannot be read may still refer to images: then keep them all.
      if (!json.ok) return;
      for (const ref of imageRefsOf(json.value)) used.add(ref);
    }
    await this.images.deleteUnused(used);
  }

  /**
   * Reads the index and checks it against the folder: files the index does not know (written just before a crash,
   * or by another window) are read and added; entries without a file are dropped; a conversation whose only copy is
   * a temporary file (a crash in the middle of a save) is recovered from it.
   */
  private async readIndex(): Promise<Map<string, ConversationSummary>> {
    const index = new Map<string, ConversationSummary>();
    const entries = await this.fs.list('');
    const names = new Set(entries.filter(({ isFile }) => isFile).map(({ name }) => name));
    const stored = await this.readIndexFile(names.has(INDEX_FILE));
    let changed = !names.has(INDEX_FILE);

    for (const name of names) if (name.endsWith(TMP_SUFFIX)) await this.settleTemporary(name, names);

    for (const name of names) {
      const match = RECORD_NAME.exec(name);
      if (!match || name === INDEX_FILE) continue;
      const id = match[1] ?? '';
      const known = stored.get(id);
      if (known) {
        index.set(id, known);
        continue;
      }
      const record = await this.readRecord(id);
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
      const bytes = await this.fs.readFile(INDEX_FILE);
      const value = JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array())) as unknown;
      const list =
        isObject(value) && value.version === INDEX_VERSION && Array.isArray(value.conversations)
          ? (value.conversations as unknown[])
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

  /**
   * A leftover `<target>.<n>.tmp`: restores a conversation from it when its record is gone, else deletes it once
   * stale.
   */
  private async settleTemporary(name: string, names: Set<string>): Promise<void> {
    const target = name.slice(0, name.lastIndexOf('.', name.length - TMP_SUFFIX.length - 1));
    try {
      if (RECORD_NAME.test(target) && target !== INDEX_FILE && !names.has(target)) {
        const bytes = await this.fs.readFile(name);
        const json = bytes && (await readRecordJson(bytes, STORAGE_LIMITS, this.pause));
        if (json && json.ok && parseRecord(json.value).ok) {
          await this.fs.rename(name, target, false);
          names.add(target);
          this.log.warn(`Recovered conversation ${target} from an unfinished save (${name}).`);
          return;
        }
      }
      const stat = await this.fs.stat(name);
      if (stat && Date.now() - stat.mtime > STALE_TMP_MS) await this.fs.delete(name);
    } catch (error) {
      this.log.warn(`Could not clean up ${name}: ${String(error)}`);
    }
  }

  /**
   * Reads and validates one conversation file (its images read from their files); a corrupt one is moved aside
   * (kept) and logged. Remembers what is on disk, for the next save.
   */
  private async readRecord(id: string): Promise<ConversationRecord | undefined> {
    const file = recordFile(id);
    // Stat first: if the file changes after this, the next save reads it again.
    const stat = await this.fs.stat(file);
    const bytes = await this.fs.readFile(file);
    if (!bytes) return undefined;
    const json = await readRecordJson(bytes, STORAGE_LIMITS, this.pause);
    if (!json.ok) return this.moveAside(file, json.reason);
    const images = new Map<string, string>();
    for (const key of imageRefsOf(json.value)) {
      const url = await this.images.read(key);
      if (url) images.set(key, url);
      else this.log.warn(`Conversation ${id}: the image ${key} is missing; it is left out.`);
    }
    const parsed = parseRecord(json.value, { images });
    if (parsed.ok && parsed.record.id !== id)
      return this.moveAside(file, `its id "${parsed.record.id}" does not match its file name`);
    if (!parsed.ok) return this.moveAside(file, parsed.reason);
    if (parsed.skipped > 0)
      this.log.warn(`Conversation ${id}: left out ${parsed.skipped} message(s) that were not valid.`);
    const record = parsed.record;
    if (stat) {
      const keyOf = (url: string) => this.images.keyOf(url);
      this.onDisk.set(id, {
        revision: record.revision ?? 0,
        mtime: stat.mtime,
        size: stat.size,
        title: record.title,
        ids: record.messages.map(({ id }) => id),
        messages: record.messages.map((message) => fingerprintOf(message, keyOf)),
      });
    }
    return record;
  }

  private async moveAside(file: string, reason: string): Promise<undefined> {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await this.fs.rename(file, aside, false);
      this.log.error(`The saved conversation ${file} could not be read: ${reason}. It was kept as ${aside}.`);
    } catch (error) {
      this.log.error(`The saved conversation ${file} could not be read (${reason}) nor moved aside: ${String(error)}`);
    }
    return undefined;
  }

  private async writeIndex(): Promise<void> {
    const conversations = [...(this.index ?? new Map<string, ConversationSummary>()).values()].sort((a, b) =>
      b.updatedAt.localeCompare(a.updatedAt),
    );
    await this.writeAtomically(INDEX_FILE, `${JSON.stringify({ version: INDEX_VERSION, conversations }, null, 2)}\n`);
  }

  /** Writes a temporary file next to `target`, then renames it over `target`: readers see the old or the new file. */
  private async writeAtomically(target: string, content: string | Uint8Array): Promise<void> {
    this.tmpCounter += 1;
    const tmp = `${target}.${Date.now().toString(36)}${this.tmpCounter.toString(36)}${TMP_SUFFIX}`;
    const folder = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
    await this.fs.createDirectory(folder);
    await this.fs.writeFile(tmp, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    try {
      await this.fs.rename(tmp, target, true);
    } catch (error) {
      await this.fs.delete(tmp).then(undefined, () => undefined);
      throw error;
    }
  }
}

function recordFile(id: string): string {
  if (!isConversationId(id)) throw new Error(`Not a conversation id: ${id.slice(0, 100)}`);
  return `${id}.json`;
}

export function isConversationId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
