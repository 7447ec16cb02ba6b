import * as vscode from 'vscode';
import type { ExtensionLog } from '../log';
import { reviewCodeLenses, targetKey } from './editReview';
import { ReviewDrawing, type LiveReview, type ReviewHost, type ReviewView } from './liveReview';

/**
 * The inline review draws in the file itself: the document's region holds the diff in place (the controller writes
 * it), this marks its original lines removed and its proposed lines added, and puts Accept / Reject (and Show Diff,
 * the same proposal in VS Code's diff editor) above them.
 */
export class InlineView extends ReviewDrawing implements ReviewView, vscode.CodeLensProvider {
  readonly mode = 'inline';
  readonly presentation = 'inPlace';
  readonly redrawMs = 40;
  private readonly removedDecoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    textDecoration: 'line-through',
    opacity: '0.7',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly addedDecoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly diffContents = new Map<string, string>();
  private diffCounter = 0;

  constructor(host: ReviewHost, log: ExtensionLog) {
    super(host, log);
    this.register(
      this.removedDecoration,
      this.addedDecoration,
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, this),
      vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, {
        provideTextDocumentContent: (uri) => this.diffContents.get(uri.toString()) ?? '',
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => {
        for (const review of this.host.reviews()) if (review.view === this) this.draw(review);
      }),
      vscode.commands.registerCommand('gatewayChat.showEditDiff', (target?: unknown) => this.showDiff(target)),
    );
  }

  open(): Promise<boolean> {
    return Promise.resolve(true);
  }

  draw(review: LiveReview): void {
    if (!review.live) return;
    const startLine = review.startLine;
    const ranges = (lines: readonly number[]) =>
      lines.map((line) => new vscode.Range(startLine + line, 0, startLine + line, 0));
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== review.document) continue;
      editor.setDecorations(this.removedDecoration, ranges(review.shown.removed));
      editor.setDecorations(this.addedDecoration, ranges(review.shown.added));
    }
    this.lensesChanged.fire();
  }

  clear(review: LiveReview): Promise<void> {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== review.document) continue;
      editor.setDecorations(this.removedDecoration, []);
      editor.setDecorations(this.addedDecoration, []);
    }
    this.lensesChanged.fire();
    return Promise.resolve();
  }

  hunkAtCursor(review: LiveReview): number | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== review.document) return review.proposal.firstPending();
    return review.proposal.hunkAt(editor.selection.active.line - review.startLine, review.shown.hunkStarts);
  }

  describe(review: LiveReview): { removedLines: number[]; addedLines: number[] } {
    const startLine = review.startLine;
    return {
      removedLines: review.shown.removed.map((line) => startLine + line),
      addedLines: review.shown.added.map((line) => startLine + line),
    };
  }

  reviewOf(): undefined {
    return undefined;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const review = this.host.review(document.uri.toString());
    if (!review || review.view !== this || !review.live) return [];
    const top = new vscode.Range(document.positionAt(review.region.start), document.positionAt(review.region.start));
    const showDiff = {
      title: vscode.l10n.t('Show Diff'),
      command: 'gatewayChat.showEditDiff',
      arguments: [review.key],
    };
    const phase = review.shownPhase === 'reviewing' ? 'review' : 'streaming';
    return reviewCodeLenses({ key: review.key, phase }, document, top, top.start.line, review.shown.hunkStarts, [
      showDiff,
    ]);
  }

  /** The file before and after the proposal (every pending change accepted) in VS Code's diff editor. */
  private async showDiff(target: unknown): Promise<void> {
    const key = targetKey(target);
    let review = key ? this.host.review(key) : undefined;
    if (!review && typeof target !== 'string' && !(target instanceof vscode.Uri)) {
      const inline = [...this.host.reviews()].filter((candidate) => candidate.view === this);
      if (inline.length === 1) review = inline[0];
    }
    if (!review || review.view !== this || !review.live) return;
    const text = review.document.getText();
    const before = text.slice(0, review.region.start);
    const after = text.slice(review.region.end);
    const id = ++this.diffCounter;
    const name = review.document.uri.path.split('/').pop() ?? 'file';
    const left = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/original/${name}` });
    const right = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/proposed/${name}` });
    this.diffContents.set(left.toString(), before + review.proposal.originalText + after);
    this.diffContents.set(right.toString(), before + review.proposal.proposedLines().join(review.proposal.eol) + after);
    try {
      await vscode.commands.executeCommand(
        'vscode.diff',
        left,
        right,
        vscode.l10n.t('{0}: original ↔ Gateway Chat proposal', name),
      );
    } catch (error) {
      this.log.warn(`The proposal's diff could not be shown: ${String(error)}`);
    }
  }
}

const DIFF_SCHEME = 'gateway-chat-edit';
