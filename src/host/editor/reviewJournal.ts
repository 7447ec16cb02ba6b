import type * as vscode from 'vscode';
import { isRegionFix, isReviewRecord, type RegionFix, type ReviewRecord } from '../../core/reviewRecord';
import type { ExtensionLog } from '../log';

/**
 * The reviews under way, kept in the workspace's state so that the next window finds a review a reload or a crash
 * interrupted (see `core/reviewRecord.ts`). Per document: the record (the proposal and its decisions), and apart
 * from it the small fix of where its region is, rewritten when the text around the region changes.
 */

const RECORD_KEY = 'gatewayChat.review:';
const FIX_KEY = 'gatewayChat.reviewAt:';

export interface JournaledReview {
  readonly record: ReviewRecord;
  readonly fix?: RegionFix;
}

export class ReviewJournal implements vscode.Disposable {
  /** Fixes to compute once the current burst of changes is over, by document URI. */
  private readonly queued = new Map<string, () => RegionFix | undefined>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: ExtensionLog,
  ) {}

  /** The reviews an earlier window left, by document URI: one synchronous read of the workspace's state. */
  left(): Map<string, JournaledReview> {
    const found = new Map<string, JournaledReview>();
    let keys: unknown;
    try {
      keys = this.memento.keys();
    } catch {
      return found;
    }
    if (!Array.isArray(keys)) return found;
    for (const key of keys) {
      if (typeof key !== 'string' || !key.startsWith(RECORD_KEY)) continue;
      const uri = key.slice(RECORD_KEY.length);
      const record: unknown = this.memento.get(key);
      const fix: unknown = this.memento.get(FIX_KEY + uri);
      if (isReviewRecord(record)) found.set(uri, { record, ...(isRegionFix(fix) ? { fix } : {}) });
      else void this.remove(uri);
    }
    return found;
  }

  /** Keeps the record of `uri` (and with `fix`, where its region is). */
  write(uri: string, record: ReviewRecord, fix?: RegionFix): Promise<void> {
    if (fix) this.queued.delete(uri);
    const writes = [this.update(RECORD_KEY + uri, record), ...(fix ? [this.update(FIX_KEY + uri, fix)] : [])];
    return Promise.all(writes).then(() => undefined);
  }

  /** Rewrites the fix of `uri` soon (once for a burst of changes); `fix` gives it, or nothing once the review is over. */
  refix(uri: string, fix: () => RegionFix | undefined): void {
    this.queued.set(uri, fix);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const queued = [...this.queued];
      this.queued.clear();
      for (const [key, compute] of queued) {
        const value = compute();
        if (value) void this.update(FIX_KEY + key, value);
      }
    }, 0);
  }

  remove(uri: string): Promise<void> {
    this.queued.delete(uri);
    return Promise.all([this.update(RECORD_KEY + uri, undefined), this.update(FIX_KEY + uri, undefined)]).then(
      () => undefined,
    );
  }

  private async update(key: string, value: unknown): Promise<void> {
    if (this.closed) return;
    try {
      await this.memento.update(key, value);
    } catch (error) {
      this.log.warn(`Keeping the state of an edit review failed: ${String(error)}`);
    }
  }

  dispose(): void {
    // What is queued is written now: the window may be closing.
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [key, compute] of this.queued) {
      const value = compute();
      if (value) void this.update(FIX_KEY + key, value);
    }
    this.queued.clear();
    // From now on the journal stays as it is: what ends while the window goes away must not forget its review.
    this.closed = true;
  }
}
