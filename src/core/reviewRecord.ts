/**
 * What is kept of a review while it runs, so that a reload or a crash never leaves the document holding original and
 * proposed lines with nothing to accept or reject. The record is written before the review first changes the
 * document; where the region is (`RegionFix`) is written again whenever the text around it changes.
 *
 * After a restart the document is whatever VS Code brought back (a backup of the unsaved buffer, or the file). The
 * region is found by the text around it; then the review comes back if the region still shows it exactly, the
 * original lines are put back if the region holds anything else of the proposal, and nothing is touched otherwise.
 */
import { Proposal, type Presentation, type ProposalSnapshot } from './proposal';

export interface ReviewRecord {
  readonly presentation: Presentation;
  readonly proposal: ProposalSnapshot;
}

/** Where the region is: its start, and the text before and after it (as length and hash). */
export interface RegionFix {
  readonly start: number;
  readonly prefixHash: string;
  readonly suffixLength: number;
  readonly suffixHash: string;
}

export type RecoveryPlan =
  /** The region holds the original: nothing to do. */
  | { readonly kind: 'clean' }
  /** The region shows the review exactly as it was left: show it again. */
  | { readonly kind: 'review'; readonly proposal: Proposal; readonly start: number; readonly end: number }
  /** The region holds proposed lines that cannot be reviewed (a stream cut off, a stale display): put the original back. */
  | { readonly kind: 'restore'; readonly original: string; readonly start: number; readonly end: number }
  /** The text around the region changed: it cannot be found. */
  | { readonly kind: 'lost'; readonly original: string };

export function isReviewRecord(value: unknown): value is ReviewRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { presentation, proposal } = value as Record<string, unknown>;
  return (presentation === 'inPlace' || presentation === 'beside') && Proposal.restore(proposal) !== undefined;
}

export function isRegionFix(value: unknown): value is RegionFix {
  if (typeof value !== 'object' || value === null) return false;
  const { start, prefixHash, suffixLength, suffixHash } = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(start) &&
    (start as number) >= 0 &&
    Number.isSafeInteger(suffixLength) &&
    (suffixLength as number) >= 0 &&
    typeof prefixHash === 'string' &&
    typeof suffixHash === 'string'
  );
}

/** The fix of the region `[start, start + length)` of `text`. */
export function fixRegion(text: string, start: number, length: number): RegionFix {
  const end = start + length;
  return {
    start,
    prefixHash: textHash(text.slice(0, start)),
    suffixLength: text.length - end,
    suffixHash: textHash(text.slice(end)),
  };
}

/** The region of `text` that a fix describes, if the text around it is still the same. */
export function locateRegion(text: string, fix: RegionFix): { start: number; end: number } | undefined {
  const end = text.length - fix.suffixLength;
  if (end < fix.start) return undefined;
  if (textHash(text.slice(0, fix.start)) !== fix.prefixHash) return undefined;
  if (textHash(text.slice(end)) !== fix.suffixHash) return undefined;
  return { start: fix.start, end };
}

/** What to do with `text`, the document a review was left in. */
export function planRecovery(text: string, record: ReviewRecord, fix: RegionFix | undefined): RecoveryPlan {
  const proposal = Proposal.restore(record.proposal);
  if (!proposal) return { kind: 'clean' };
  const original = proposal.originalText;
  // The region as the review left it, when there is one to show again.
  const expected = proposal.phase === 'reviewing' ? proposal.regionContent(record.presentation).text : undefined;
  let found = fix ? locateRegion(text, fix) : undefined;
  if (!found && expected !== undefined && expected !== original) found = uniqueOccurrence(text, expected);
  if (!found) return record.presentation === 'beside' ? { kind: 'clean' } : { kind: 'lost', original };
  const region = text.slice(found.start, found.end);
  if (region === expected) return { kind: 'review', proposal, ...found };
  if (region === original) return { kind: 'clean' };
  // Beside, the document only ever holds what the user decided: it stays as it is.
  if (record.presentation === 'beside') return { kind: 'clean' };
  return { kind: 'restore', original, ...found };
}

function uniqueOccurrence(text: string, part: string): { start: number; end: number } | undefined {
  const at = text.indexOf(part);
  if (at < 0 || text.indexOf(part, at + 1) >= 0) return undefined;
  return { start: at, end: at + part.length };
}

/** A 53-bit hash of a text (cyrb53), as 14 hex digits: a check that text is unchanged, not a secret. */
export function textHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
