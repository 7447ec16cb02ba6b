import * as vscode from 'vscode';
import type { ExtensionLog } from '../log';
import { reviewCodeLenses } from './editReview';
import { ReviewDrawing, type LiveReview, type ReviewHost, type ReviewView } from './liveReview';

/**
 * The side-by-side review, for files that auto-save may save at any moment: the document's region only ever holds
 * what the user decided (the controller writes each accepted change as one undo step). The proposal is a read-only
 * document (scheme `gateway-chat-proposal`: the file with the region replaced by the proposal) on the right of VS
 * Code's diff editor, the real file on the left (still editable), with Accept / Reject per change through CodeLens
 * and hover on the proposal. Closing the diff rejects what is pending.
 */

export const PROPOSAL_SCHEME = 'gateway-chat-proposal';

const HUNK_COMMANDS = [
  'gatewayChat.acceptHunk',
  'gatewayChat.rejectHunk',
  'gatewayChat.acceptEdit',
  'gatewayChat.rejectEdit',
];

export class DiffEditorView extends ReviewDrawing implements ReviewView, vscode.CodeLensProvider, vscode.HoverProvider {
  readonly mode = 'diffEditor';
  readonly presentation = 'beside';
  readonly redrawMs = 60;
  private readonly proposals = new Map<string, vscode.Uri>();
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();

  constructor(host: ReviewHost, log: ExtensionLog) {
    super(host, log);
    this.register(
      this.contentChanged,
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
        onDidChange: this.contentChanged.event,
        provideTextDocumentContent: (uri) => {
          const review = this.reviewOf(uri.toString());
          return review ? this.proposalText(review) : '';
        },
      }),
      vscode.languages.registerCodeLensProvider({ scheme: PROPOSAL_SCHEME }, this),
      // The diff editor shows CodeLens only with `diffEditor.codeLens` on: a hover over a change offers the same.
      vscode.languages.registerHoverProvider({ scheme: PROPOSAL_SCHEME }, this),
      vscode.window.tabGroups.onDidChangeTabs((event) => this.onTabsClosed(event.closed)),
    );
  }

  /** Opens the diff of the file (left) and its proposal (right). */
  async open(review: LiveReview): Promise<boolean> {
    const name = review.document.uri.path.split('/').pop() || 'untitled';
    // Unique across windows and reloads: a tab restored from an earlier window never shows another review.
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${id}/${name}` });
    this.proposals.set(review.key, proposalUri);
    try {
      await vscode.commands.executeCommand(
        'vscode.diff',
        review.document.uri,
        proposalUri,
        vscode.l10n.t('{0}: Proposed change (Gateway Chat)', name),
        { preview: false },
      );
      return true;
    } catch (error) {
      this.log.error(`The proposal's diff editor could not be opened: ${String(error)}`);
      return false;
    }
  }

  draw(review: LiveReview): void {
    const proposalUri = this.proposals.get(review.key);
    if (proposalUri) this.contentChanged.fire(proposalUri);
    this.lensesChanged.fire();
  }

  /** Closes the diff (with `close`) and gives the file the focus back. */
  async clear(review: LiveReview, close: boolean): Promise<void> {
    const proposalUri = this.proposals.get(review.key);
    this.proposals.delete(review.key);
    this.lensesChanged.fire();
    if (!close || !proposalUri) return;
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter(
        (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === `${proposalUri}`,
      );
    try {
      if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
      if (!review.document.isClosed) await vscode.window.showTextDocument(review.document, { preview: false });
    } catch (error) {
      this.log.warn(`Closing the proposal's diff failed: ${String(error)}`);
    }
  }

  hunkAtCursor(review: LiveReview): number | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.toString() !== this.proposals.get(review.key)?.toString())
      return review.proposal.firstPending();
    return review.proposal.hunkAt(
      editor.selection.active.line - review.startLine,
      review.proposal.besideView().hunkStarts,
    );
  }

  describe(review: LiveReview): { removedLines: number[]; addedLines: number[]; proposalUri?: string } {
    const startLine = review.startLine;
    const nothingYet = review.proposal.phase === 'streaming' && review.proposal.streamedLines().length === 0;
    const lines = nothingYet ? [] : review.proposal.besideView().lines;
    const proposalUri = this.proposals.get(review.key)?.toString();
    return {
      removedLines: [],
      addedLines: lines.map((_, i) => startLine + i),
      ...(proposalUri ? { proposalUri } : {}),
    };
  }

  reviewOf(key: string): LiveReview | undefined {
    for (const [document, proposalUri] of this.proposals) {
      if (proposalUri.toString() === key) return this.host.review(document);
    }
    return undefined;
  }

  /** The whole proposal document: the real file with the region replaced by the proposal. */
  private proposalText(review: LiveReview): string {
    const text = review.document.getText();
    return text.slice(0, review.region.start) + review.proposal.besideText() + text.slice(review.region.end);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const review = this.reviewOf(document.uri.toString());
    if (!review || !review.live) return [];
    const startLine = Math.min(review.startLine, document.lineCount - 1);
    const top = new vscode.Range(startLine, 0, startLine, 0);
    const reviewing = review.proposal.phase === 'reviewing';
    const hunkStarts = reviewing ? review.proposal.besideView().hunkStarts : [];
    return reviewCodeLenses(
      { key: review.key, phase: reviewing ? 'review' : 'streaming' },
      document,
      top,
      startLine,
      hunkStarts,
    );
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const review = this.reviewOf(document.uri.toString());
    if (!review || !review.live || review.proposal.phase !== 'reviewing') return undefined;
    const line = position.line - review.startLine;
    const index = review.proposal.besideView().hunkStarts.findIndex((start, i) => {
      const hunk = review.proposal.hunks[i];
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

  private onTabsClosed(closed: readonly vscode.Tab[]): void {
    for (const tab of closed) {
      if (!(tab.input instanceof vscode.TabInputTextDiff)) continue;
      const review = this.reviewOf(tab.input.modified.toString());
      if (review?.live) this.host.closedByUser(review);
    }
  }
}
