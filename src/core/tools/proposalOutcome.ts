/**
 * The pure half of the acting tools `propose_edit` and `create_file`: which lines of a file the review covers (only
 * those that change, so that the user may go on editing elsewhere), and what the model reads once the user has
 * decided: what was accepted and, when only part of it was, the lines around each change as the file holds them now
 * (numbered, bounded), so that the model goes on from the file's real state instead of the one it proposed.
 */
import { applyDecisions, type Hunk, type HunkDecision } from '../lineDiff';

/** The lines a review covers: `[startLine, endLine]` (0-based, inclusive) of the file, and the lines proposed there. */
export interface ProposalRegion {
  readonly startLine: number;
  readonly endLine: number;
  readonly proposed: readonly string[];
}

/**
 * The smallest run of whole lines of `original` that turns it into `proposed`, or undefined when the two are equal.
 * The run always holds at least one original line (the review replaces a range of lines): a pure insertion takes the
 * line before it (or after it, at the top of the file) along.
 */
export function proposalRegion(original: readonly string[], proposed: readonly string[]): ProposalRegion | undefined {
  if (original.length === proposed.length && original.every((line, i) => line === proposed[i])) return undefined;
  let prefix = 0;
  while (prefix < original.length && prefix < proposed.length && original[prefix] === proposed[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < original.length - prefix &&
    suffix < proposed.length - prefix &&
    original[original.length - 1 - suffix] === proposed[proposed.length - 1 - suffix]
  )
    suffix++;
  if (original.length - prefix - suffix === 0) {
    if (prefix > 0) prefix--;
    else suffix--;
  }
  return {
    startLine: prefix,
    endLine: original.length - suffix - 1,
    proposed: proposed.slice(prefix, proposed.length - suffix),
  };
}

/** A proposal the user has finished reviewing, as the review left it. */
export interface ReviewedProposal {
  readonly kind: 'edit' | 'create';
  /** The path as the model wrote it (and reads it back). */
  readonly path: string;
  /** The line of the file where the reviewed region starts (0-based). */
  readonly regionStart: number;
  readonly original: readonly string[];
  readonly proposed: readonly string[];
  readonly hunks: readonly Hunk[];
  /** One per hunk; a hunk still pending when the review ended counts as rejected. */
  readonly decisions: readonly HunkDecision[];
  /**
   * Whether what was accepted is on disk: `saved`, or only in the editor, because the editor also held unsaved
   * changes of the user's (not the model's to save), or because saving failed.
   */
  readonly saved: 'saved' | 'userChanges' | 'failed';
  /** The file's lines just before and after the region (none at the top or the end), shown as context. */
  readonly lineBefore?: string;
  readonly lineAfter?: string;
}

/** How much of the file a partly accepted answer shows. */
export const ANSWER_LIMITS = { maxLines: 80, maxChars: 8000, contextLines: 1 } as const;

/** The answer the model reads, in English like every tool answer. */
export function reviewAnswer(review: ReviewedProposal): string {
  const total = review.hunks.length;
  const accepted = review.decisions.filter((decision) => decision === 'accepted').length;
  const rejected = review.decisions.flatMap((decision, i) => (decision === 'accepted' ? [] : [i + 1]));
  const path = review.path;
  const unsaved =
    review.saved === 'saved'
      ? ''
      : review.saved === 'userChanges'
        ? ' The file is not saved yet: the editor also holds unsaved changes of the user’s, which were left as they are.'
        : ' The file could not be saved: the change is in the editor only, not on disk.';
  if (review.kind === 'create') {
    if (accepted === 0) return `The user rejected the new file; ${path} was not created.`;
    const lines = applyDecisions(review.original, review.proposed, review.hunks, review.decisions);
    const count = lineCount(lines);
    if (accepted === total)
      return `The user accepted the new file ${path}; it is created (${count} ${count === 1 ? 'line' : 'lines'}).${unsaved}`;
    return (
      `The user accepted ${accepted} of ${total} changes of the new file ${path} (rejected: ${changeList(rejected)}); ` +
      `it is created with ${count} ${count === 1 ? 'line' : 'lines'}.${unsaved}\n${changedLines(review)}`
    );
  }
  if (accepted === 0) return `The user rejected the edit; ${path} is unchanged.`;
  if (accepted === total)
    return total === 1
      ? `The user accepted the change to ${path}.${unsaved}`
      : `The user accepted all ${total} changes to ${path}.${unsaved}`;
  return (
    `The user accepted ${accepted} of ${total} changes to ${path} (rejected: ${changeList(rejected)}).${unsaved}\n` +
    changedLines(review)
  );
}

/** "change 2", "changes 1 and 3", "changes 1, 3 and 4". */
export function changeList(numbers: readonly number[]): string {
  if (numbers.length === 1) return `change ${numbers[0]}`;
  return `changes ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

/** Lines of a text split at every line break: a final line break does not count as a line of its own. */
function lineCount(lines: readonly string[]): number {
  return lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}

/**
 * The lines around each change as the file holds them now, numbered as in the file, with a context line on either
 * side; separate places are apart by "…", and the whole is cut at `ANSWER_LIMITS` with a note.
 */
function changedLines(review: ReviewedProposal): string {
  const { original, proposed, hunks, decisions, lineBefore, lineAfter } = review;
  const before = lineBefore !== undefined ? [lineBefore] : [];
  const lines = [...before, ...applyDecisions(original, proposed, hunks, decisions)];
  if (lineAfter !== undefined) lines.push(lineAfter);
  const firstNumber = review.regionStart - before.length + 1;
  // Where each change lies now (its accepted or its original lines), with the context around it.
  const windows: { from: number; to: number }[] = [];
  let at = before.length;
  let consumed = 0;
  hunks.forEach((hunk, i) => {
    const from = at + (hunk.origStart - consumed);
    const length = decisions[i] === 'accepted' ? hunk.newEnd - hunk.newStart : hunk.origEnd - hunk.origStart;
    at = from + length;
    consumed = hunk.origEnd;
    const window = {
      from: Math.max(0, from - ANSWER_LIMITS.contextLines),
      to: Math.min(lines.length, from + length + ANSWER_LIMITS.contextLines),
    };
    const last = windows[windows.length - 1];
    if (last && window.from <= last.to) last.to = Math.max(last.to, window.to);
    else windows.push(window);
  });
  const out: string[] = ['The changed places of the file now read (line numbers as in the file now):'];
  let shown = 0;
  let chars = 0;
  let left = windows.reduce((sum, window) => sum + (window.to - window.from), 0);
  for (const [index, window] of windows.entries()) {
    if (index > 0) out.push('…');
    for (let i = window.from; i < window.to; i++) {
      const line = `${firstNumber + i}: ${lines[i]}`;
      if (shown >= ANSWER_LIMITS.maxLines || chars + line.length > ANSWER_LIMITS.maxChars) {
        out.push(`[… ${left} more ${left === 1 ? 'line' : 'lines'}: read the file for the rest.]`);
        return out.join('\n');
      }
      out.push(line);
      shown++;
      chars += line.length + 1;
      left--;
    }
  }
  return out.join('\n');
}
