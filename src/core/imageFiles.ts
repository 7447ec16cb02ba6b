/**
 * The store's images: each one once, in `images/<sha256>.<ext>` beside the records, whatever number of messages and
 * conversations show it. Remembers which data URL is which file (for the most recently used ones), so a save does not
 * hash an image twice and the panel can be given the file. Conversions run in slices (see `Pacer`).
 */
import { dataUrlOfFile, imageFileOf, isImageKey } from './imageData';
import type { Logger } from './logger';
import { Pacer } from './pacing';
import type { StorageFs } from './recordStore';

export const IMAGES_FOLDER = 'images';
/** An image file no record refers to is deleted only when it is older than this (another window may be saving it). */
const GRACE_MS = 60_000;
/** How many characters of image data URLs are remembered with their file (and so kept alive). */
const CACHE_CHARS = 160_000_000;

export class ImageFiles {
  /** Data URL → file name, most recently used last; and back. */
  private readonly keys = new Map<string, string>();
  private readonly urls = new Map<string, string>();
  private cachedChars = 0;

  constructor(
    private readonly fs: StorageFs,
    private readonly log: Logger,
    private readonly writeAtomically: (path: string, bytes: Uint8Array) => Promise<void>,
    private readonly pause?: () => Promise<void>,
  ) {}

  /** The file of a data URL, when it was written or read here. */
  keyOf(url: string): string | undefined {
    return this.keys.get(url);
  }

  /** A stored image as a data URL; undefined when there is no such file (or it is not the type its name says). */
  async read(key: string): Promise<string | undefined> {
    if (!isImageKey(key)) return undefined;
    const cached = this.urls.get(key);
    if (cached) return cached;
    const bytes = await this.fs.readFile(`${IMAGES_FOLDER}/${key}`);
    const url = bytes && (await dataUrlOfFile(key, bytes, new Pacer(this.pause)));
    if (url) this.remember(url, key);
    return url;
  }

  /** Writes the file of a data URL unless it is there already. A URL that is not a raster image stays inline. */
  async store(url: string): Promise<void> {
    const known = this.keys.get(url);
    if (known) {
      this.touch(url, known);
      if (await this.fs.stat(`${IMAGES_FOLDER}/${known}`)) return;
    }
    let file: { key: string; bytes: Uint8Array };
    try {
      file = await imageFileOf(url, new Pacer(this.pause));
    } catch (error) {
      this.log.warn(`An image could not be stored apart (${String(error)}); it stays in the record.`);
      return;
    }
    const path = `${IMAGES_FOLDER}/${file.key}`;
    if (!(await this.fs.stat(path))) await this.writeAtomically(path, file.bytes);
    this.remember(url, file.key);
  }

  /** Deletes the files not in `used` (and leftovers of unfinished writes) that are older than the grace time. */
  async deleteUnused(used: ReadonlySet<string>): Promise<void> {
    const now = Date.now();
    for (const { name, isFile } of await this.fs.list(IMAGES_FOLDER)) {
      if (!isFile || used.has(name)) continue;
      const path = `${IMAGES_FOLDER}/${name}`;
      const stat = await this.fs.stat(path);
      if (!stat || now - stat.mtime < GRACE_MS) continue;
      await this.fs.delete(path);
      const url = this.urls.get(name);
      if (url) {
        this.urls.delete(name);
        this.keys.delete(url);
        this.cachedChars -= url.length;
      }
    }
  }

  private remember(url: string, key: string): void {
    if (this.keys.has(url)) return this.touch(url, key);
    this.keys.set(url, key);
    this.urls.set(key, url);
    this.cachedChars += url.length;
    for (const [oldUrl, oldKey] of this.keys) {
      if (this.cachedChars <= CACHE_CHARS || oldUrl === url) break;
      this.keys.delete(oldUrl);
      this.urls.delete(oldKey);
      this.cachedChars -= oldUrl.length;
    }
  }

  private touch(url: string, key: string): void {
    this.keys.delete(url);
    this.keys.set(url, key);
  }
}
