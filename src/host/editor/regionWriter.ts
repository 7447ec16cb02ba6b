import * as vscode from 'vscode';
import { unmarkedContent, type RegionContent } from '../../core/proposal';
import { followLeftovers, minimalEdit, type Leftover, type TextChange } from '../../core/trackedRegion';
import type { ExtensionLog } from '../log';
import type { LiveReview } from './liveReview';

/**
 * Writes a review's region into its document: only what differs from what the region shows, with the undo stops the
 * review asks for, again when the document refused a write because it changed meanwhile (outside the region). Also
 * removes the proposed lines a user edit left behind, following the user's further changes until that succeeds.
 */
export class RegionWriter {
  /** Proposed lines still to remove after a user edit ended a review, by document URI. */
  private readonly leftovers = new Map<string, Leftover[]>();

  constructor(
    private readonly log: ExtensionLog,
    /** True once nothing may be written any more (the window is going away). */
    private readonly stopped: () => boolean,
  ) {}

  /** The final text, once: from the original (what was displayed nets to nothing) as one undo step. */
  async writeFinal(review: LiveReview): Promise<void> {
    await review.writes;
    const final = review.proposal.finalText();
    const original = review.proposal.originalText;
    if (review.document.isClosed || review.shown.text === final) return;
    if (review.view.presentation === 'inPlace' && review.shown.text !== original)
      await this.write(review, unmarkedContent(original), { before: false, after: final === original });
    if (review.shown.text !== final) await this.write(review, unmarkedContent(final), { before: true, after: true });
  }

  /**
   * Replaces the region's text by `content` (only what differs). A write the document refused (it changed
   * meanwhile, outside the region) is tried again with the region where it is now.
   */
  async write(
    review: LiveReview,
    content: RegionContent,
    stops: 'display' | { readonly before: boolean; readonly after: boolean },
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.stopped() || review.conflicted || review.document.isClosed) return false;
      const edit = minimalEdit(review.shown.text, content.text);
      if (!edit) {
        review.shown = content;
        return true;
      }
      const change = { offset: review.region.start + edit.from, length: edit.to - edit.from, text: edit.text };
      review.region.expect(change);
      const undo = stops === 'display' ? { before: review.undoStopBefore, after: false } : stops;
      if (await replaceText(review.document, [change], undo)) {
        review.shown = content;
        review.undoStopBefore = false;
        return true;
      }
      review.region.forget(change);
    }
    this.log.warn('An edit review could not update the document (it changed meanwhile).');
    return false;
  }

  /** Removes proposed lines left behind, following the user's further changes until it succeeds. */
  async removeLeftovers(document: vscode.TextDocument, leftovers: Leftover[]): Promise<void> {
    const key = document.uri.toString();
    this.leftovers.set(key, leftovers);
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = this.leftovers.get(key);
      if (!current || current.length === 0 || document.isClosed) break;
      const changes = current.map((leftover) => ({
        offset: leftover.start,
        length: leftover.end - leftover.start,
        text: '',
      }));
      if (await replaceText(document, changes, { before: false, after: true })) {
        this.leftovers.delete(key);
        return;
      }
    }
    if (this.leftovers.delete(key))
      this.log.warn('The proposed lines could not be removed after a user edit; they are left in place.');
  }

  /** The leftovers of a document, through one change event of it. */
  follow(key: string, changes: readonly TextChange[]): void {
    const leftovers = this.leftovers.get(key);
    if (!leftovers) return;
    const followed = followLeftovers(leftovers, changes);
    if (followed) this.leftovers.set(key, followed);
    else this.leftovers.delete(key);
  }

  forget(key: string): void {
    this.leftovers.delete(key);
  }
}

/** One edit of `document` (offsets into its current text), through its editor when one is visible. */
export async function replaceText(
  document: vscode.TextDocument,
  changes: readonly TextChange[],
  undo: { readonly before: boolean; readonly after: boolean },
): Promise<boolean> {
  const ranges = changes.map(
    (change) =>
      [
        new vscode.Range(document.positionAt(change.offset), document.positionAt(change.offset + change.length)),
        change.text,
      ] as const,
  );
  try {
    const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document === document);
    if (editor) {
      return await editor.edit((builder) => ranges.forEach(([range, text]) => builder.replace(range, text)), {
        undoStopBefore: undo.before,
        undoStopAfter: undo.after,
      });
    }
    const edit = new vscode.WorkspaceEdit();
    for (const [range, text] of ranges) edit.replace(document.uri, range, text);
    return await vscode.workspace.applyEdit(edit);
  } catch {
    return false;
  }
}
