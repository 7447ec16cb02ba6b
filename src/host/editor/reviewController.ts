import * as vscode from 'vscode';
import { Proposal, type Presentation, type ProposalOutcome, type RegionContent } from '../../core/proposal';
import { fixRegion, type ReviewRecord } from '../../core/reviewRecord';
import { followLeftovers, leftoversOf, TrackedRegion, type TextChange } from '../../core/trackedRegion';
import type { ExtensionLog } from '../log';
import { DiffEditorView } from './diffEditorView';
import {
  reviewModeFor,
  settleProposal,
  targetKey,
  type EditReview,
  type InlineEditEnd,
  type InlineEditState,
  type ProposalResult,
  type ProposalRun,
} from './editReview';
import { InlineView } from './inlineView';
import { LiveReview, type ReviewHost, type ReviewView } from './liveReview';
import { RegionWriter } from './regionWriter';
import { ReviewJournal } from './reviewJournal';
import { ReviewRecovery } from './reviewRecovery';

/**
 * The one controller of proposed edits, whichever mode reviews them. It owns each proposal (`core/proposal.ts`: an
 * explicit streaming → reviewing → settled state), follows its region through the document's changes
 * (`core/trackedRegion.ts`), writes the document, and keeps a journal of it; the two modes only draw
 * (`InlineView`, `DiffEditorView`).
 *
 * The document's region always holds what the mode presents: in place, the diff (streamed or under review), written
 * without undo stops so that the display nets to nothing; beside, only what was decided, each accepted change one
 * undo step. The review ends with the final text in one undo step: after Accept, one Undo gives back the original.
 * Reject, Stop, an error, an interrupted stream or a `length` finish leave the original. A user edit inside the region
 * ends the review and keeps the user's text (the undecided proposed lines go); a save never writes an undecided
 * proposal; a reload or a crash never leaves one in the document without its review (see `core/reviewRecord.ts`).
 */
export class ReviewController implements EditReview, vscode.Disposable {
  private readonly reviews = new Map<string, LiveReview>();
  private readonly inline: InlineView;
  private readonly diffEditor: DiffEditorView;
  private readonly journal: ReviewJournal;
  private readonly recovery: ReviewRecovery;
  private readonly writer: RegionWriter;
  private readonly disposables: vscode.Disposable[];
  /** The extension host is going away (a reload, a closing window): nothing is written any more. */
  private disposed = false;

  constructor(
    private readonly log: ExtensionLog,
    workspaceState: vscode.Memento,
    private readonly onChange: () => void,
  ) {
    const host: ReviewHost = {
      review: (key) => this.reviews.get(key),
      reviews: () => this.reviews.values(),
      closedByUser: (review) => this.closedByUser(review),
    };
    this.inline = new InlineView(host, log);
    this.diffEditor = new DiffEditorView(host, log);
    this.journal = new ReviewJournal(workspaceState, log);
    const stopped = () => this.disposed;
    this.writer = new RegionWriter(log, stopped);
    this.recovery = new ReviewRecovery(this.journal, log, this.journal.left(), stopped, (...args) =>
      this.revive(...args),
    );
    this.disposables = [
      this.inline,
      this.diffEditor,
      this.journal,
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
      vscode.workspace.onWillSaveTextDocument((event) => this.onWillSave(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.onClosed(document)),
      vscode.workspace.onDidOpenTextDocument((document) => void this.recovery.recover(document)),
    ];
    // Once the controller is in place (bringing a review back tells `onChange`, which reads the controller).
    if (this.recovery.waiting)
      void Promise.resolve().then(() => {
        for (const document of vscode.workspace.textDocuments) void this.recovery.recover(document);
      });
  }

  get count(): number {
    return this.reviews.size;
  }

  get streaming(): boolean {
    return [...this.reviews.values()].some((review) => review.live && review.proposal.phase === 'streaming');
  }

  has(document: vscode.TextDocument): boolean {
    return this.reviews.has(document.uri.toString());
  }

  owns(target: unknown, loose: boolean): boolean {
    return this.find(target, loose) !== undefined;
  }

  /** The review a command's target designates (see `EditReview.owns`). */
  of(target: unknown): EditReview | undefined {
    return this.owns(target, true) ? this : undefined;
  }

  /** Refuses (saying so) when an edit of the document is already running or waiting. */
  busy(document: vscode.TextDocument): boolean {
    if (!this.has(document)) return false;
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Accept or reject the pending Gateway Chat edit in this file first.'),
    );
    return true;
  }

  /**
   * Starts a review of lines `startLine..endLine` of the editor's document in the mode its settings choose; `run`
   * streams the reply (calling `onText` with the whole reply so far) and resolves with how it ended. Resolves when
   * the review is over.
   */
  async start(editor: vscode.TextEditor, startLine: number, endLine: number, run: ProposalRun): Promise<InlineEditEnd> {
    const document = editor.document;
    await this.recovery.recover(document);
    if (this.busy(document)) return { outcome: 'rejected' };
    const view: ReviewView = reviewModeFor(document) === 'diffEditor' ? this.diffEditor : this.inline;
    const range = new vscode.Range(document.lineAt(startLine).range.start, document.lineAt(endLine).range.end);
    const proposal = new Proposal(document.getText(range), document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
    const region = new TrackedRegion(document.offsetAt(range.start), proposal.originalText.length);
    const review = new LiveReview(document, view, proposal, region);
    this.reviews.set(review.key, review);
    this.onChange();
    // Kept before the document first changes: a reload or a crash from now on finds it.
    void this.enqueue(review, () => this.keep(review, true));
    if (!(await view.open(review))) {
      await this.end(review, { outcome: 'failed' }, { close: false });
      return review.done;
    }
    view.draw(review);
    void this.runStream(review, run);
    return review.done;
  }

  private async runStream(review: LiveReview, run: ProposalRun): Promise<void> {
    let result: ProposalResult;
    try {
      result = await run(review.abort.signal, (text) => {
        if (review.live && review.proposal.stream(text)) this.scheduleRedraw(review);
      });
    } catch (error) {
      this.log.error(`Inline edit failed: ${String(error)}`);
      result = { text: review.proposal.reply, failed: true };
    }
    if (!review.live) return;
    if (review.abort.signal.aborted) return this.end(review, { outcome: 'stopped' });
    const settled = settleProposal(result);
    if (settled.kind !== 'code') return this.end(review, { outcome: settled.kind, reply: result.text });
    if (review.proposal.review(settled.code) === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Gateway Chat proposed no change.'));
      return this.end(review, { outcome: 'rejected' });
    }
    this.onChange();
    await this.update(review);
  }

  /** Accepts everything still pending (while streaming: nothing to accept yet). */
  async accept(target: unknown): Promise<void> {
    const review = this.find(target, true);
    if (!review?.live) return;
    if (review.proposal.phase === 'streaming') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Wait for the proposal to finish, or reject it.'));
      return;
    }
    review.proposal.decideAll('accepted');
    await this.end(review, { outcome: 'accepted' });
  }

  /** Rejects what is pending (while streaming: stops, and the original stays). */
  async reject(target: unknown): Promise<void> {
    const review = this.find(target, true);
    if (!review?.live) return;
    if (review.proposal.phase === 'streaming') {
      review.abort.abort();
      return this.end(review, { outcome: 'stopped' });
    }
    review.proposal.decideAll('rejected');
    await this.end(review, { outcome: this.decidedOutcome(review) });
  }

  async decide(target: unknown, hunk: number | undefined, decision: 'accepted' | 'rejected'): Promise<void> {
    const review = this.find(target, true);
    if (!review?.live || review.proposal.phase !== 'reviewing') return;
    const index = hunk ?? review.view.hunkAtCursor(review);
    if (index === undefined || !review.proposal.decide(index, decision)) return;
    if (review.proposal.decided) return this.end(review, { outcome: this.decidedOutcome(review) });
    await this.update(review);
  }

  async stopStreaming(): Promise<void> {
    for (const review of [...this.reviews.values()]) {
      if (!review.live || review.proposal.phase !== 'streaming') continue;
      review.abort.abort();
      await this.end(review, { outcome: 'stopped' });
    }
  }

  state(target: unknown): InlineEditState | undefined {
    const review = this.find(target, true);
    if (!review) return undefined;
    return {
      mode: review.view.mode,
      uri: review.key,
      phase: review.shownPhase === 'reviewing' ? 'review' : 'streaming',
      hunks: review.proposal.hunks.length,
      pendingHunks: review.proposal.pendingCount,
      regionStartLine: review.startLine,
      ...review.view.describe(review),
    };
  }

  private decidedOutcome(review: LiveReview): ProposalOutcome {
    return review.proposal.anyAccepted ? 'accepted' : 'rejected';
  }

  private find(target: unknown, loose: boolean): LiveReview | undefined {
    const key = targetKey(target);
    const found = key ? (this.reviews.get(key) ?? this.diffEditor.reviewOf(key)) : undefined;
    if (found || !loose || typeof target === 'string' || target instanceof vscode.Uri) return found;
    return this.reviews.size === 1 ? [...this.reviews.values()][0] : undefined;
  }

  // --- Writing the document ----------------------------------------------------------------------------------

  /** Runs `step` after the review's earlier journal and document writes. */
  private enqueue(review: LiveReview, step: () => Promise<unknown>): Promise<void> {
    const next = review.writes.then(step);
    review.writes = next.catch((error: unknown) => this.log.error(`Edit review update failed: ${String(error)}`));
    return review.writes as Promise<void>;
  }

  /** Keeps the review as it is now in the journal (with `fix`, also where its region is). */
  private keep(review: LiveReview, fix: boolean): Promise<void> {
    const record = this.recordOf(review);
    if (!record) return Promise.resolve();
    return this.journal.write(review.key, record, fix ? this.fixOf(review) : undefined);
  }

  private recordOf(review: LiveReview): ReviewRecord | undefined {
    const snapshot = review.proposal.snapshot();
    return snapshot ? { presentation: review.view.presentation, proposal: snapshot } : undefined;
  }

  private fixOf(review: LiveReview) {
    return fixRegion(review.document.getText(), review.region.start, review.region.length);
  }

  /** After a transition: journal, then the region and the drawing as the proposal is now. */
  private update(review: LiveReview): Promise<void> {
    return this.enqueue(review, async () => {
      if (!review.live) return;
      await this.keep(review, false);
      await this.syncRegion(review);
      if (review.live) review.view.draw(review);
    });
  }

  /** While streaming, redraws at most every `redrawMs`. */
  private scheduleRedraw(review: LiveReview): void {
    if (review.redrawQueued) return;
    review.redrawQueued = true;
    void this.enqueue(review, async () => {
      await new Promise((resolve) => setTimeout(resolve, review.view.redrawMs));
      review.redrawQueued = false;
      if (!review.live || review.proposal.phase !== 'streaming') return;
      await this.syncRegion(review);
      if (review.live) review.view.draw(review);
    });
  }

  /** Makes the region hold what the mode presents now: in place without undo stops, beside as one undo step. */
  private async syncRegion(review: LiveReview): Promise<void> {
    if (!review.live || review.conflicted) return;
    const phase = review.proposal.phase;
    const inPlace = review.view.presentation === 'inPlace';
    const content = review.proposal.regionContent(review.view.presentation);
    if (await this.writer.write(review, content, inPlace ? 'display' : { before: true, after: true })) {
      review.shownPhase = phase;
      return;
    }
    if (inPlace || !review.live) return;
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The accepted change could not be written: the file changed meanwhile. The proposal was discarded.',
      ),
    );
    void this.end(review, { outcome: 'cancelledByUser' }, { write: false });
  }

  // --- Ending a review ------------------------------------------------------------------------------------------

  /**
   * Settles the review: writes the final text (unless `write` is false: the document is gone or its text is the
   * user's), forgets it (with `forget`, in the journal too), and clears (with `close`, closes) what the mode drew.
   */
  private async end(
    review: LiveReview,
    end: InlineEditEnd,
    how: { readonly write?: boolean; readonly close?: boolean; readonly forget?: boolean } = {},
  ): Promise<void> {
    if (!review.live) return;
    review.proposal.settle(end.outcome);
    if (this.disposed) {
      // The document and the journal stay as they are: the next window brings the review back or undoes it.
      review.finished(end);
      return;
    }
    this.onChange();
    if (how.write !== false) await this.writer.writeFinal(review);
    if (this.reviews.get(review.key) === review) this.reviews.delete(review.key);
    if (how.forget !== false) void this.journal.remove(review.key);
    await review.view.clear(review, how.close !== false);
    this.onChange();
    review.finished(end);
  }

  private closedByUser(review: LiveReview): void {
    if (!review.live) return;
    const streaming = review.proposal.phase === 'streaming';
    review.abort.abort();
    review.proposal.decideAll('rejected');
    void this.end(review, { outcome: streaming ? 'stopped' : this.decidedOutcome(review) }, { close: false });
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The Gateway Chat proposal was closed: its undecided changes were rejected.'),
    );
  }

  /**
   * The document is gone, but what it held may come back (VS Code reopens a document whose language changes, and a
   * window closing may close documents first): the review is kept as one left behind, looked at when it reopens.
   */
  private onClosed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.writer.forget(key);
    const review = this.reviews.get(key);
    if (!review) return;
    review.abort.abort();
    const record = this.recordOf(review);
    if (record) this.recovery.leave(key, { record, fix: this.fixOf(review) });
    void this.end(review, { outcome: 'stopped' }, { write: false, close: false, forget: false });
  }

  /** A file never holds an undecided proposal: before a save, what is accepted stays, the rest goes, and it ends. */
  private onWillSave(event: vscode.TextDocumentWillSaveEvent): void {
    const review = this.reviews.get(event.document.uri.toString());
    if (!review?.live) return;
    const final = review.proposal.finalText();
    if (review.shown.text === final) return;
    review.abort.abort();
    const document = event.document;
    const range = new vscode.Range(document.positionAt(review.region.start), document.positionAt(review.region.end));
    void this.end(review, { outcome: 'stopped' }, { write: false });
    event.waitUntil(Promise.resolve([vscode.TextEdit.replace(range, final)]));
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The file was saved while a Gateway Chat edit was pending: the undecided changes were discarded.'),
    );
  }

  // --- Following the document -----------------------------------------------------------------------------------

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (event.contentChanges.length === 0) return;
    const key = event.document.uri.toString();
    const changes: TextChange[] = event.contentChanges.map((change) => ({
      offset: change.rangeOffset,
      length: change.rangeLength,
      text: change.text,
    }));
    this.writer.follow(key, changes);
    const review = this.reviews.get(key);
    if (!review || review.conflicted) return;
    const before = { start: review.region.start, shown: review.shown };
    const effect = review.region.apply(changes);
    if (effect.inside.length > 0) {
      this.userEditedRegion(review, before.start, before.shown, changes);
      return;
    }
    if (!review.live || (!effect.before && !effect.after)) return;
    this.journal.refix(key, () => (review.live ? this.fixOf(review) : undefined));
    this.scheduleDraw(review);
  }

  private scheduleDraw(review: LiveReview): void {
    if (review.drawQueued) return;
    review.drawQueued = true;
    setTimeout(() => {
      review.drawQueued = false;
      if (review.live) review.view.draw(review);
    }, review.view.redrawMs);
  }

  /**
   * The user changed the region: the proposal no longer fits. The review ends, the user's text stays, and the
   * undecided proposed lines in the document go, unless the user edited one of them (then they are the user's).
   */
  private userEditedRegion(review: LiveReview, start: number, shown: RegionContent, changes: TextChange[]): void {
    review.conflicted = true;
    review.abort.abort();
    const leftovers = followLeftovers(leftoversOf(start, shown.lines, shown.added, review.proposal.eol), changes);
    if (leftovers && leftovers.length > 0) void this.writer.removeLeftovers(review.document, leftovers);
    if (!review.live) return;
    void this.end(review, { outcome: 'cancelledByUser' }, { write: false });
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'The code changed inside the proposed range, so the Gateway Chat proposal was discarded. Your edit is kept.',
      ),
    );
  }

  /** Shows again a review left in `document`, whose region `[start, end)` shows it exactly. */
  private async revive(
    document: vscode.TextDocument,
    presentation: Presentation,
    proposal: Proposal,
    { start, end }: { readonly start: number; readonly end: number },
  ): Promise<void> {
    const view: ReviewView = presentation === 'inPlace' ? this.inline : this.diffEditor;
    const review = new LiveReview(document, view, proposal, new TrackedRegion(start, end - start));
    review.shownPhase = 'reviewing';
    this.reviews.set(review.key, review);
    this.onChange();
    void this.enqueue(review, () => this.keep(review, true));
    if (!(await view.open(review))) return this.end(review, { outcome: 'failed' }, { close: false });
    view.draw(review);
  }

  /**
   * The window reloads or closes (or crashes, and this never runs): the reviews stay in the document and in the
   * journal as they are, for the next window. Their requests are cancelled.
   */
  dispose(): void {
    this.disposed = true;
    for (const review of this.reviews.values()) review.abort.abort();
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}
