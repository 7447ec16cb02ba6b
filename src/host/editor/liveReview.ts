import * as vscode from 'vscode';
import type { Presentation, Proposal, ProposalPhase, RegionContent } from '../../core/proposal';
import type { TrackedRegion } from '../../core/trackedRegion';
import type { ExtensionLog } from '../log';
import type { InlineEditEnd, InlineEditState, ReviewMode } from './editReview';

/** A review under way in one document: its proposal, where it is, and what the document's region holds. */
export class LiveReview {
  /** The region's text in the document (as last written), with its marked lines. */
  shown: RegionContent;
  /** The phase of the proposal that `shown` shows. */
  shownPhase: ProposalPhase = 'streaming';
  /** The user changed the document inside the region: nothing more is written there. */
  conflicted = false;
  readonly abort = new AbortController();
  /** Writes (of the journal, of the document), one after another. */
  writes: Promise<unknown> = Promise.resolve();
  redrawQueued = false;
  drawQueued = false;
  /** The next display write starts a new undo element (the review's first write does). */
  undoStopBefore = true;
  readonly done: Promise<InlineEditEnd>;
  private resolveDone!: (end: InlineEditEnd) => void;

  constructor(
    readonly document: vscode.TextDocument,
    readonly view: ReviewView,
    readonly proposal: Proposal,
    readonly region: TrackedRegion,
  ) {
    this.shown = proposal.regionContent(view.presentation);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get key(): string {
    return this.document.uri.toString();
  }

  get live(): boolean {
    return this.proposal.phase !== 'settled';
  }

  get startLine(): number {
    return this.document.positionAt(this.region.start).line;
  }

  finished(end: InlineEditEnd): void {
    this.resolveDone({ ...end, proposal: this.proposal });
  }
}

/** What a review mode draws with: the reviews, and the one thing it may ask for (the user closed the review). */
export interface ReviewHost {
  review(key: string): LiveReview | undefined;
  reviews(): Iterable<LiveReview>;
  closedByUser(review: LiveReview): void;
}

/**
 * One review mode: it only draws. The controller owns the proposal and the document; the mode shows the review
 * (decorations and CodeLens in the file, or a proposal document in the diff editor) and says how the document's
 * region presents the proposal.
 */
export interface ReviewView extends vscode.Disposable {
  readonly mode: ReviewMode;
  readonly presentation: Presentation;
  /** How often a streaming proposal is redrawn at most. */
  readonly redrawMs: number;
  /** Opens where the review is shown; false when that failed (the review ends). */
  open(review: LiveReview): Promise<boolean>;
  /** Draws the review as it is now. */
  draw(review: LiveReview): void;
  /** The review is over: removes what was drawn, and with `close` what was opened for it. */
  clear(review: LiveReview, close: boolean): Promise<void>;
  /** The pending hunk the cursor is at, where this mode shows hunks (else the first pending one). */
  hunkAtCursor(review: LiveReview): number | undefined;
  /** This mode's part of the state the integration tests read. */
  describe(review: LiveReview): Pick<InlineEditState, 'removedLines' | 'addedLines' | 'proposalUri'>;
  /** The review a URI of this mode's own designates (e.g. its proposal document). */
  reviewOf(key: string): LiveReview | undefined;
}

/** What both modes hold: their CodeLens, and everything they register, disposed with them. */
export abstract class ReviewDrawing implements vscode.Disposable {
  protected readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.lensesChanged];

  constructor(
    protected readonly host: ReviewHost,
    protected readonly log: ExtensionLog,
  ) {}

  protected register(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  dispose(): void {
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}
