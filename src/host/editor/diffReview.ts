import * as vscode from 'vscode';
import { applyDecisions, proposalView, type Hunk, type HunkDecision } from '../../core/lineDiff';
import { streamingCode } from '../../core/replyCode';
import type { ExtensionLog } from '../log';
import {
  reviewCodeLenses,
  targetKey,
  type EditReview,
  type InlineEditEnd,
  type InlineEditState,
  type ProposalRun,
  type ReviewPhase,
} from './editReview';
import { streamProposal } from './proposalStream';

/**
 * The side-by-side review of a proposed edit, for files that auto-save may save at any moment: the document is not
 * touched while the proposal streams or waits. The proposal is a read-only document (scheme
 * `gateway-chat-proposal`) shown on the right of VS Code's diff editor, the real file on the left (still editable).
 * Accept / Reject per change through CodeLens on the proposal, Accept all / Reject all as editor title buttons and
 * keys. Each accept writes to the real document as one undo step; a reject just drops the change. When nothing is
 * left to decide the diff closes and the file gets the focus back. Closing the diff rejects what is pending; an
 * edit of the file inside the proposed range discards the proposal (the user's edit stays).
 */

export const PROPOSAL_SCHEME = 'gateway-chat-proposal';
const REFRESH_INTERVAL_MS = 60;

class DiffReview {
  phase: ReviewPhase = 'streaming';
  /** Offset and length of the target range in the real document (after the accepted changes). */
  anchor: number;
  length: number;
  readonly originalLines: string[];
  proposalLines: string[] = [];
  hunks: Hunk[] = [];
  decisions: HunkDecision[] = [];
  reply = '';
  readonly abort = new AbortController();
  ended = false;
  /** Our own write to the real document is under way (its change events are ours). */
  applying = false;
  refreshQueued = false;
  readonly done: Promise<InlineEditEnd>;
  resolveDone!: (end: InlineEditEnd) => void;

  constructor(
    readonly document: vscode.TextDocument,
    startLine: number,
    endLine: number,
    readonly eol: string,
    readonly proposalUri: vscode.Uri,
  ) {
    const range = new vscode.Range(document.lineAt(startLine).range.start, document.lineAt(endLine).range.end);
    this.anchor = document.offsetAt(range.start);
    const text = document.getText(range);
    this.length = text.length;
    this.originalLines = text.split(/\r?\n/);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get key(): string {
    return this.document.uri.toString();
  }

  get startLine(): number {
    return this.document.positionAt(this.anchor).line;
  }

  /** The proposed lines of the range as shown on the right. */
  shownLines(): { lines: string[]; hunkStarts: number[] } {
    if (this.phase === 'review')
      return proposalView(this.originalLines, this.proposalLines, this.hunks, this.decisions);
    const code = streamingCode(this.reply);
    return { lines: code.length > 0 ? code.split(/\r?\n/) : this.originalLines, hunkStarts: [] };
  }

  /** The whole proposal document: the real file with the range replaced by the proposal. */
  proposalText(): string {
    const text = this.document.getText();
    return text.slice(0, this.anchor) + this.shownLines().lines.join(this.eol) + text.slice(this.anchor + this.length);
  }

  /** What the real range holds once the accepted changes are in. */
  decidedText(): string {
    return applyDecisions(this.originalLines, this.proposalLines, this.hunks, this.decisions).join(this.eol);
  }
}

const HUNK_COMMANDS = [
  'gatewayChat.acceptHunk',
  'gatewayChat.rejectHunk',
  'gatewayChat.acceptEdit',
  'gatewayChat.rejectEdit',
];

export class DiffReviewController
  implements EditReview, vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable
{
  private readonly reviews = new Map<string, DiffReview>();
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private counter = 0;

  constructor(
    private readonly log: ExtensionLog,
    private readonly onChange: () => void,
  ) {
    const content: vscode.TextDocumentContentProvider = {
      onDidChange: this.contentChanged.event,
      provideTextDocumentContent: (uri) => this.byProposal(uri.toString())?.proposalText() ?? '',
    };
    this.disposables.push(
      this.contentChanged,
      this.lensesChanged,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, content),
      vscode.languages.registerCodeLensProvider({ scheme: PROPOSAL_SCHEME }, this),
      // The diff editor shows CodeLens only with `diffEditor.codeLens` on: a hover over a change offers the same.
      vscode.languages.registerHoverProvider({ scheme: PROPOSAL_SCHEME }, this),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const review = this.reviews.get(document.uri.toString());
        if (review) void this.finish(review, { outcome: 'stopped' }, false);
      }),
      vscode.window.tabGroups.onDidChangeTabs((event) => this.onTabsClosed(event.closed)),
    );
  }

  get count(): number {
    return this.reviews.size;
  }

  get streaming(): boolean {
    return [...this.reviews.values()].some((review) => review.phase === 'streaming');
  }

  has(document: vscode.TextDocument): boolean {
    return this.reviews.has(document.uri.toString());
  }

  owns(target: unknown, loose: boolean): boolean {
    return this.find(target, loose) !== undefined;
  }

  /** Opens the review of lines `startLine..endLine` and streams the proposal into it. Resolves when it is over. */
  async start(editor: vscode.TextEditor, startLine: number, endLine: number, run: ProposalRun): Promise<InlineEditEnd> {
    const document = editor.document;
    const name = document.uri.path.split('/').pop() || 'untitled';
    const proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${++this.counter}/${name}` });
    const review = new DiffReview(
      document,
      startLine,
      endLine,
      document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
      proposalUri,
    );
    this.reviews.set(review.key, review);
    this.onChange();
    try {
      await vscode.commands.executeCommand(
        'vscode.diff',
        document.uri,
        proposalUri,
        vscode.l10n.t('{0}: Proposed change (Gateway Chat)', name),
        {
          preview: false,
        },
      );
    } catch (error) {
      this.log.error(`The proposal's diff editor could not be opened: ${String(error)}`);
      await this.finish(review, { outcome: 'failed' }, false);
      return review.done;
    }
    void this.runStream(review, run);
    return review.done;
  }

  private runStream(review: DiffReview, run: ProposalRun): Promise<void> {
    return streamProposal(review, run, this.log, {
      redrawStreaming: () => this.scheduleRefresh(review),
      showReview: () => {
        this.refresh(review);
        this.onChange();
      },
      end: (end) => this.finish(review, end),
    });
  }

  private scheduleRefresh(review: DiffReview): void {
    if (review.refreshQueued) return;
    review.refreshQueued = true;
    setTimeout(() => {
      review.refreshQueued = false;
      if (!review.ended) this.refresh(review);
    }, REFRESH_INTERVAL_MS);
  }

  private refresh(review: DiffReview): void {
    this.contentChanged.fire(review.proposalUri);
    this.lensesChanged.fire();
  }

  async accept(target: unknown): Promise<void> {
    const review = this.find(target, true);
    if (!review || review.ended) return;
    if (review.phase === 'streaming') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Wait for the proposal to finish, or reject it.'));
      return;
    }
    review.decisions = review.decisions.map((decision) => (decision === 'pending' ? 'accepted' : decision));
    await this.writeDecided(review);
    await this.finish(review, { outcome: 'accepted' });
  }

  async reject(target: unknown): Promise<void> {
    const review = this.find(target, true);
    if (!review || review.ended) return;
    if (review.phase === 'streaming') {
      review.abort.abort();
      return this.finish(review, { outcome: 'stopped' });
    }
    review.decisions = review.decisions.map((decision) => (decision === 'pending' ? 'rejected' : decision));
    await this.finish(review, { outcome: review.decisions.includes('accepted') ? 'accepted' : 'rejected' });
  }

  async decide(target: unknown, hunk: number | undefined, decision: 'accepted' | 'rejected'): Promise<void> {
    const review = this.find(target, true);
    if (!review || review.ended || review.phase !== 'review') return;
    const index = hunk ?? this.hunkAtCursor(review);
    if (index === undefined || review.decisions[index] !== 'pending') return;
    review.decisions[index] = decision;
    if (decision === 'accepted') await this.writeDecided(review);
    if (review.ended) return;
    if (review.decisions.every((d) => d !== 'pending')) {
      await this.finish(review, { outcome: review.decisions.includes('accepted') ? 'accepted' : 'rejected' });
    } else {
      this.refresh(review);
    }
  }

  async stopStreaming(): Promise<void> {
    for (const review of [...this.reviews.values()]) {
      if (review.phase !== 'streaming' || review.ended) continue;
      review.abort.abort();
      await this.finish(review, { outcome: 'stopped' });
    }
  }

  private hunkAtCursor(review: DiffReview): number | undefined {
    const editor = vscode.window.activeTextEditor;
    const first = review.decisions.indexOf('pending');
    if (!editor || editor.document.uri.toString() !== review.proposalUri.toString())
      return first < 0 ? undefined : first;
    const line = editor.selection.active.line - review.startLine;
    let best: number | undefined;
    review.shownLines().hunkStarts.forEach((start, index) => {
      if (start >= 0 && start <= line) best = index;
    });
    return best ?? (first < 0 ? undefined : first);
  }

  /** Writes the accepted changes into the real range: one edit, one undo step; only the changed part is replaced. */
  private async writeDecided(review: DiffReview): Promise<void> {
    const document = review.document;
    const current = document.getText().slice(review.anchor, review.anchor + review.length);
    const next = review.decidedText();
    if (current === next) return;
    let prefix = 0;
    while (prefix < current.length && prefix < next.length && current[prefix] === next[prefix]) prefix++;
    let suffix = 0;
    while (
      suffix < current.length - prefix &&
      suffix < next.length - prefix &&
      current[current.length - 1 - suffix] === next[next.length - 1 - suffix]
    )
      suffix++;
    const range = new vscode.Range(
      document.positionAt(review.anchor + prefix),
      document.positionAt(review.anchor + current.length - suffix),
    );
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, range, next.slice(prefix, next.length - suffix));
    review.applying = true;
    let ok = false;
    try {
      ok = await vscode.workspace.applyEdit(edit);
    } finally {
      review.applying = false;
    }
    if (ok) {
      review.length = next.length;
      return;
    }
    this.log.warn('Writing an accepted change was refused (the document changed meanwhile).');
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The accepted change could not be written: the file changed meanwhile. The proposal was discarded.',
      ),
    );
    await this.finish(review, { outcome: 'cancelledByUser' });
  }

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    const review = this.reviews.get(event.document.uri.toString());
    if (!review || review.ended || review.applying || event.contentChanges.length === 0) return;
    // Offsets refer to the text before the event: apply from the end backwards.
    const changes = [...event.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset);
    for (const change of changes) {
      const delta = change.text.length - change.rangeLength;
      const end = change.rangeOffset + change.rangeLength;
      if (end < review.anchor || (change.rangeOffset < review.anchor && end === review.anchor)) {
        review.anchor += delta;
      } else if (change.rangeOffset > review.anchor + review.length) {
        continue;
      } else {
        // The base of the proposal changed: it no longer fits. The user's edit stays.
        review.abort.abort();
        void this.finish(review, { outcome: 'cancelledByUser' });
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'The code changed inside the proposed range, so the Gateway Chat proposal was discarded. Your edit is kept.',
          ),
        );
        return;
      }
    }
    this.scheduleRefresh(review);
  }

  private onTabsClosed(closed: readonly vscode.Tab[]): void {
    for (const tab of closed) {
      if (!(tab.input instanceof vscode.TabInputTextDiff)) continue;
      const review = this.byProposal(tab.input.modified.toString());
      if (!review || review.ended) continue;
      const streaming = review.phase === 'streaming';
      review.abort.abort();
      review.decisions = review.decisions.map((decision) => (decision === 'pending' ? 'rejected' : decision));
      void this.finish(
        review,
        { outcome: streaming ? 'stopped' : review.decisions.includes('accepted') ? 'accepted' : 'rejected' },
        false,
      );
      void vscode.window.showInformationMessage(
        vscode.l10n.t('The Gateway Chat proposal was closed: its undecided changes were rejected.'),
      );
    }
  }

  private async finish(review: DiffReview, end: InlineEditEnd, closeDiff = true): Promise<void> {
    if (review.ended) return;
    review.ended = true;
    if (this.reviews.get(review.key) === review) this.reviews.delete(review.key);
    this.lensesChanged.fire();
    this.onChange();
    review.resolveDone(end);
    if (!closeDiff) return;
    const proposal = review.proposalUri.toString();
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal);
    try {
      if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
      if (!review.document.isClosed) await vscode.window.showTextDocument(review.document, { preview: false });
    } catch (error) {
      this.log.warn(`Closing the proposal's diff failed: ${String(error)}`);
    }
  }

  private byProposal(key: string): DiffReview | undefined {
    return [...this.reviews.values()].find((review) => review.proposalUri.toString() === key);
  }

  private find(target: unknown, loose: boolean): DiffReview | undefined {
    const key = targetKey(target);
    const found = key ? (this.reviews.get(key) ?? this.byProposal(key)) : undefined;
    if (found || !loose || typeof target === 'string' || target instanceof vscode.Uri) return found;
    return this.reviews.size === 1 ? [...this.reviews.values()][0] : undefined;
  }

  state(target: unknown): InlineEditState | undefined {
    const review = this.find(target, true);
    if (!review) return undefined;
    const startLine = review.startLine;
    const shown =
      review.phase === 'streaming' && streamingCode(review.reply).length === 0 ? [] : review.shownLines().lines;
    return {
      mode: 'diffEditor',
      uri: review.key,
      phase: review.phase,
      hunks: review.hunks.length,
      pendingHunks: review.decisions.filter((decision) => decision === 'pending').length,
      removedLines: [],
      addedLines: shown.map((_, i) => startLine + i),
      regionStartLine: startLine,
      proposalUri: review.proposalUri.toString(),
    };
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const review = this.byProposal(document.uri.toString());
    if (!review || review.ended) return [];
    const startLine = Math.min(review.startLine, document.lineCount - 1);
    const top = new vscode.Range(startLine, 0, startLine, 0);
    return reviewCodeLenses(
      review,
      document,
      top,
      startLine,
      review.phase === 'review' ? review.shownLines().hunkStarts : [],
    );
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const review = this.byProposal(document.uri.toString());
    if (!review || review.ended || review.phase !== 'review') return undefined;
    const line = position.line - review.startLine;
    const index = review.shownLines().hunkStarts.findIndex((start, i) => {
      const hunk = review.hunks[i];
      return start >= 0 && line >= start && line <= start + Math.max(0, hunk.newEnd - hunk.newStart - 1);
    });
    if (index < 0) return undefined;
    const link = (title: string, command: string, args: unknown[]) =>
      `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
    const key = review.key;
    const markdown = new vscode.MarkdownString(
      [
        link(vscode.l10n.t('Accept'), 'gatewayChat.acceptHunk', [key, index]),
        link(vscode.l10n.t('Reject'), 'gatewayChat.rejectHunk', [key, index]),
        link(vscode.l10n.t('Accept All'), 'gatewayChat.acceptEdit', [key]),
        link(vscode.l10n.t('Reject All'), 'gatewayChat.rejectEdit', [key]),
      ].join(' · '),
    );
    markdown.isTrusted = { enabledCommands: HUNK_COMMANDS };
    return new vscode.Hover(markdown);
  }

  dispose(): void {
    for (const review of this.reviews.values()) review.abort.abort();
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}
