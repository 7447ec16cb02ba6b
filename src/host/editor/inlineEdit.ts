import * as vscode from 'vscode';
import { applyDecisions, layoutDiff, type DiffLayout, type Hunk, type HunkDecision } from '../../core/lineDiff';
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
 * Inline edits: a proposed replacement of whole lines, streamed into the document and shown as a diff in place.
 *
 * The document region is `[anchor, anchor + length)`: while streaming, the original lines (marked removed) and
 * after them the lines received so far (marked added); in review, the pending hunks as removed + added lines.
 * Every display edit is made without undo stops (so they merge into one undo element that nets to nothing), and
 * the final text is applied in ONE edit from the restored original with undo stops around it: after Accept, one
 * Undo gives back the original. Reject, Stop, an error, an interrupted stream or a `length` finish restore the
 * original. A user edit inside the region while streaming cancels the edit and keeps the user's text; during the
 * review it rejects the pending hunks (their proposed lines go) and keeps the user's text and the decided hunks.
 */

export type { InlineEditEnd, InlineEditState } from './editReview';

interface PendingOwnEdit {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

class InlineEdit {
  phase: ReviewPhase = 'streaming';
  /** Offset of the region's first character. */
  anchor: number;
  /** Length of the region's text in the document. */
  length: number;
  /** Length of the original part while streaming (the rest is the streamed proposal). */
  originalLength: number;
  readonly originalLines: string[];
  proposalLines: string[] = [];
  hunks: Hunk[] = [];
  decisions: HunkDecision[] = [];
  layout: DiffLayout;
  reply = '';
  readonly abort = new AbortController();
  chain: Promise<unknown> = Promise.resolve();
  renderQueued = false;
  /** The streamed lines as last shown (with the line break before them). */
  shownTail = '';
  /** The review layout is in the document (the CodeLens per hunk exist). */
  reviewShown = false;
  /** Ended by a user edit; the streamed lines are being removed. */
  cancelling = false;
  firstEdit = true;
  readonly own: PendingOwnEdit[] = [];
  ended = false;
  readonly done: Promise<InlineEditEnd>;
  resolveDone!: (end: InlineEditEnd) => void;

  constructor(
    readonly document: vscode.TextDocument,
    readonly startLine: number,
    endLine: number,
    readonly eol: string,
  ) {
    const start = document.lineAt(startLine).range.start;
    const end = document.lineAt(endLine).range.end;
    this.anchor = document.offsetAt(start);
    const text = document.getText(new vscode.Range(start, end));
    this.length = text.length;
    this.originalLength = text.length;
    this.originalLines = text.split(/\r?\n/);
    this.layout = streamingLayout(this.originalLines, []);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get key(): string {
    return this.document.uri.toString();
  }

  get originalText(): string {
    return this.originalLines.join(this.eol);
  }
}

function streamingLayout(original: string[], proposal: string[]): DiffLayout {
  return {
    lines: [...original, ...proposal],
    removed: original.map((_, i) => i),
    added: proposal.map((_, i) => original.length + i),
    hunkStarts: [],
  };
}

const RENDER_INTERVAL_MS = 40;

export class InlineEditController implements EditReview, vscode.CodeLensProvider, vscode.Disposable {
  private readonly edits = new Map<string, InlineEdit>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
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
  private readonly disposables: vscode.Disposable[] = [];
  private readonly diffContents = new Map<string, string>();
  private diffCounter = 0;

  constructor(
    private readonly log: ExtensionLog,
    private readonly onChange: () => void,
  ) {
    const diffProvider: vscode.TextDocumentContentProvider = {
      provideTextDocumentContent: (uri) => this.diffContents.get(uri.toString()) ?? '',
    };
    this.disposables.push(
      this.removedDecoration,
      this.addedDecoration,
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, this),
      vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffProvider),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
      vscode.workspace.onWillSaveTextDocument((event) => this.onWillSave(event)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const edit = this.edits.get(document.uri.toString());
        if (edit) this.finish(edit, { outcome: 'stopped' });
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.edits.forEach((edit) => this.decorate(edit))),
      vscode.commands.registerCommand('gatewayChat.showEditDiff', (target?: unknown) =>
        this.showDiff(this.find(target, true)),
      ),
    );
  }

  /** Whether an inline edit runs or waits for review in the document. */
  has(document: vscode.TextDocument): boolean {
    return this.edits.has(document.uri.toString());
  }

  get count(): number {
    return this.edits.size;
  }

  get streaming(): boolean {
    return [...this.edits.values()].some((edit) => edit.phase === 'streaming' && !edit.ended);
  }

  owns(target: unknown, loose: boolean): boolean {
    return this.find(target, loose) !== undefined;
  }

  async stopStreaming(): Promise<void> {
    for (const edit of [...this.edits.values()]) {
      if (edit.phase === 'streaming' && !edit.ended) await this.rejectEdit(edit);
    }
  }

  /**
   * Starts an inline edit of lines `startLine..endLine` of the editor's document; `run` streams the reply (calling
   * `onText` with the whole reply so far) and resolves with how it ended. Resolves when the edit is over.
   */
  async start(editor: vscode.TextEditor, startLine: number, endLine: number, run: ProposalRun): Promise<InlineEditEnd> {
    const document = editor.document;
    if (this.edits.has(document.uri.toString())) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Accept or reject the pending Gateway Chat edit in this file first.'),
      );
      return { outcome: 'rejected' };
    }
    const edit = new InlineEdit(document, startLine, endLine, document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
    this.edits.set(edit.key, edit);
    this.onChange();
    this.decorate(edit);
    this.lensesChanged.fire();
    void this.runStream(edit, run);
    return edit.done;
  }

  private runStream(edit: InlineEdit, run: ProposalRun): Promise<void> {
    return streamProposal(edit, run, this.log, {
      redrawStreaming: () => this.scheduleRender(edit),
      enteredReview: () => this.onChange(),
      showReview: () => this.enqueueRender(edit),
      end: (end) => this.restoreAndFinish(edit, end),
    });
  }

  private scheduleRender(edit: InlineEdit): void {
    if (edit.renderQueued) return;
    edit.renderQueued = true;
    edit.chain = edit.chain
      .then(() => new Promise((resolve) => setTimeout(resolve, RENDER_INTERVAL_MS)))
      .then(async () => {
        edit.renderQueued = false;
        if (edit.ended || edit.phase !== 'streaming') return;
        await this.renderStreaming(edit);
      })
      .catch((error: unknown) => this.log.error(`Inline edit display failed: ${String(error)}`));
  }

  private enqueueRender(edit: InlineEdit): Promise<void> {
    const next = edit.chain.then(async () => {
      if (!edit.ended) await this.renderReview(edit);
    });
    edit.chain = next.catch((error: unknown) => this.log.error(`Inline edit display failed: ${String(error)}`));
    return edit.chain as Promise<void>;
  }

  private async renderStreaming(edit: InlineEdit): Promise<void> {
    const code = streamingCode(edit.reply);
    const proposal = code.length > 0 ? code.split(/\r?\n/) : [];
    const tail = proposal.length > 0 ? edit.eol + proposal.join(edit.eol) : '';
    const document = edit.document;
    const currentTail = document.getText(
      new vscode.Range(
        document.positionAt(edit.anchor + edit.originalLength),
        document.positionAt(edit.anchor + edit.length),
      ),
    );
    // Only the changed end of the proposal is rewritten: usually text is appended.
    let common = 0;
    while (common < tail.length && common < currentTail.length && tail[common] === currentTail[common]) common++;
    if (common === tail.length && common === currentTail.length) return;
    const ok = await this.replace(edit, edit.originalLength + common, edit.length, tail.slice(common));
    if (ok) {
      edit.shownTail = tail;
      edit.layout = streamingLayout(edit.originalLines, proposal);
      this.decorate(edit);
    }
  }

  private async renderReview(edit: InlineEdit): Promise<void> {
    const layout = layoutDiff(edit.originalLines, edit.proposalLines, edit.hunks, edit.decisions);
    if (await this.replace(edit, 0, edit.length, layout.lines.join(edit.eol))) {
      edit.layout = layout;
      edit.originalLength = edit.length;
      edit.reviewShown = true;
      this.decorate(edit);
      this.lensesChanged.fire();
    }
  }

  /** Replaces `[anchor + from, anchor + to)` by `text`, without undo stops (except before the first one). */
  private async replace(
    edit: InlineEdit,
    from: number,
    to: number,
    text: string,
    stops?: { before: boolean; after: boolean },
  ): Promise<boolean> {
    const document = edit.document;
    const offset = edit.anchor + from;
    const length = to - from;
    const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + length));
    const own = { offset, length, text };
    edit.own.push(own);
    const undoStopBefore = stops?.before ?? edit.firstEdit;
    const undoStopAfter = stops?.after ?? false;
    let ok = false;
    try {
      const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document === document);
      if (editor) {
        ok = await editor.edit((builder) => builder.replace(range, text), { undoStopBefore, undoStopAfter });
      } else {
        const workspaceEdit = new vscode.WorkspaceEdit();
        workspaceEdit.replace(document.uri, range, text);
        ok = await vscode.workspace.applyEdit(workspaceEdit);
      }
    } finally {
      const index = edit.own.indexOf(own);
      if (index >= 0) edit.own.splice(index, 1);
    }
    if (ok) {
      edit.firstEdit = false;
    } else {
      this.log.warn('An inline edit display update was refused (the document changed meanwhile).');
    }
    return ok;
  }

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    const edit = this.edits.get(event.document.uri.toString());
    if (!edit || event.contentChanges.length === 0) return;
    // Changes are applied from the end of the document backwards; offsets refer to the text before the event.
    const changes = [...event.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset);
    for (const change of changes) {
      const delta = change.text.length - change.rangeLength;
      if (
        edit.cancelling &&
        !edit.own.some(
          (own) => own.offset === change.rangeOffset && own.length === change.rangeLength && own.text === change.text,
        )
      ) {
        this.followUserChange(edit, change);
        continue;
      }
      const ownIndex = edit.own.findIndex(
        (own) => own.offset === change.rangeOffset && own.length === change.rangeLength && own.text === change.text,
      );
      if (ownIndex >= 0) {
        edit.own.splice(ownIndex, 1);
        edit.length += delta;
        continue;
      }
      const end = change.rangeOffset + change.rangeLength;
      if (
        end < edit.anchor ||
        (end === edit.anchor && change.rangeOffset < edit.anchor && change.rangeLength > 0) ||
        (change.rangeLength === 0 && change.rangeOffset < edit.anchor)
      ) {
        edit.anchor += delta;
        continue;
      }
      if (change.rangeOffset > edit.anchor + edit.length) continue;
      this.userEditedRegion(edit, change, delta);
      return;
    }
  }

  /** The user typed inside the region: stop, remove our proposal, keep what the user wrote. */
  private userEditedRegion(edit: InlineEdit, change: vscode.TextDocumentContentChangeEvent, delta: number): void {
    const inOriginal =
      edit.phase === 'streaming' &&
      change.rangeOffset >= edit.anchor &&
      change.rangeOffset + change.rangeLength <= edit.anchor + edit.originalLength;
    edit.abort.abort();
    edit.ended = true;
    edit.length += delta;
    if (inOriginal) {
      edit.originalLength += delta;
      // Keep following the user's typing until the streamed lines are removed (after the current display update).
      edit.cancelling = true;
      edit.chain = edit.chain
        .then(async () => {
          const tail = edit.document.getText().slice(edit.anchor + edit.originalLength, edit.anchor + edit.length);
          if (tail.length > 0 && tail === edit.shownTail) {
            await this.replace(edit, edit.originalLength, edit.length, '', { before: false, after: true });
          } else if (tail.length > 0) {
            this.log.warn('The streamed lines could not be found after a user edit; they are left in place.');
          }
        })
        .catch((error: unknown) => this.log.error(`Removing the proposal failed: ${String(error)}`))
        .finally(() => {
          edit.cancelling = false;
          this.finish(edit, { outcome: 'cancelledByUser' });
        });
      this.clearDecorations(edit);
    } else {
      const proposed = edit.phase === 'review' && edit.reviewShown ? this.proposedLinesAfter(edit, change) : undefined;
      this.finish(edit, { outcome: 'cancelledByUser' });
      // The pending changes are rejected: their proposed lines go, the user's edit and decided changes stay.
      if (proposed && proposed.length > 0) void this.deleteLines(edit.document, proposed);
    }
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The Gateway Chat edit was cancelled because the code changed.'),
    );
  }

  /**
   * The document lines (after the user's `change`) of the proposed lines of pending changes; `undefined` when the
   * user edited one of them (then they are the user's text and stay).
   */
  private proposedLinesAfter(edit: InlineEdit, change: vscode.TextDocumentContentChangeEvent): number[] | undefined {
    const regionLine = edit.document.positionAt(edit.anchor).line;
    const first = change.range.start.line;
    const last = change.range.end.line;
    const shift = change.text.split('\n').length - 1 - (last - first);
    const lines = edit.layout.added.map((index) => regionLine + index);
    if (lines.some((line) => line >= first && line <= last)) return undefined;
    return lines.map((line) => (line > last ? line + shift : line));
  }

  private async deleteLines(document: vscode.TextDocument, lines: number[]): Promise<void> {
    const runs: Array<[number, number]> = [];
    for (const line of [...lines].sort((a, b) => a - b)) {
      const run = runs[runs.length - 1];
      if (run && run[1] === line - 1) run[1] = line;
      else runs.push([line, line]);
    }
    const ranges = runs.map(([a, b]) => {
      if (b + 1 < document.lineCount) return new vscode.Range(a, 0, b + 1, 0);
      if (a > 0) return new vscode.Range(a - 1, document.lineAt(a - 1).text.length, b, document.lineAt(b).text.length);
      return new vscode.Range(a, 0, b, document.lineAt(b).text.length);
    });
    const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document === document);
    const ok = editor
      ? await editor.edit((builder) => ranges.forEach((range) => builder.delete(range)), {
          undoStopBefore: false,
          undoStopAfter: true,
        })
      : false;
    if (!ok) this.log.warn('The proposed lines could not be removed after a user edit; they are left in place.');
  }

  /** While cancelling, the user's further typing before or inside the original lines moves the streamed lines. */
  private followUserChange(edit: InlineEdit, change: vscode.TextDocumentContentChangeEvent): void {
    const delta = change.text.length - change.rangeLength;
    const end = change.rangeOffset + change.rangeLength;
    if (end <= edit.anchor && change.rangeOffset < edit.anchor) {
      edit.anchor += delta;
    } else if (change.rangeOffset >= edit.anchor && end <= edit.anchor + edit.originalLength) {
      edit.originalLength += delta;
      edit.length += delta;
    } else if (change.rangeOffset <= edit.anchor + edit.length) {
      edit.length += delta;
    }
  }

  private find(target: unknown, loose: boolean): InlineEdit | undefined {
    const key = targetKey(target);
    const found = key ? this.edits.get(key) : undefined;
    if (found || !loose || typeof target === 'string' || target instanceof vscode.Uri) return found;
    return this.edits.size === 1 ? [...this.edits.values()][0] : undefined;
  }

  state(target: unknown): InlineEditState | undefined {
    const edit = this.find(target, true);
    if (!edit) return undefined;
    return {
      mode: 'inline',
      uri: edit.key,
      phase: edit.reviewShown ? 'review' : 'streaming',
      hunks: edit.hunks.length,
      pendingHunks: edit.decisions.filter((decision) => decision === 'pending').length,
      removedLines: edit.layout.removed.map((line) => edit.startLine + line),
      addedLines: edit.layout.added.map((line) => edit.startLine + line),
      regionStartLine: edit.document.positionAt(edit.anchor).line,
    };
  }

  accept(target: unknown): Promise<void> {
    return this.acceptEdit(this.find(target, true));
  }

  reject(target: unknown): Promise<void> {
    return this.rejectEdit(this.find(target, true));
  }

  /** Accepts everything still pending (while streaming: nothing to accept yet). */
  private async acceptEdit(edit: InlineEdit | undefined): Promise<void> {
    if (!edit || edit.ended) return;
    if (edit.phase === 'streaming') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Wait for the proposal to finish, or reject it.'));
      return;
    }
    edit.decisions = edit.decisions.map((decision) => (decision === 'pending' ? 'accepted' : decision));
    await this.apply(edit);
  }

  /** Rejects what is pending (while streaming: stops and restores the original). */
  private async rejectEdit(edit: InlineEdit | undefined): Promise<void> {
    if (!edit || edit.ended) return;
    if (edit.phase === 'streaming') {
      edit.abort.abort();
      await this.restoreAndFinish(edit, { outcome: 'stopped' });
      return;
    }
    edit.decisions = edit.decisions.map((decision) => (decision === 'pending' ? 'rejected' : decision));
    await this.apply(edit);
  }

  async decide(target: unknown, hunk: number | undefined, decision: HunkDecision): Promise<void> {
    const edit = this.find(target, true);
    if (!edit || edit.ended || edit.phase !== 'review') return;
    const index = hunk ?? this.hunkAtCursor(edit);
    if (index === undefined || edit.decisions[index] !== 'pending') return;
    edit.decisions[index] = decision;
    if (edit.decisions.every((d) => d !== 'pending')) await this.apply(edit);
    else await this.enqueueRender(edit);
  }

  private hunkAtCursor(edit: InlineEdit): number | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== edit.document) return edit.decisions.indexOf('pending');
    const line = editor.selection.active.line - edit.document.positionAt(edit.anchor).line;
    let best: number | undefined;
    edit.layout.hunkStarts.forEach((start, index) => {
      if (start >= 0 && start <= line) best = index;
    });
    return best ?? edit.decisions.indexOf('pending');
  }

  /** The final text in one edit from the original: one undo step. */
  private async apply(edit: InlineEdit): Promise<void> {
    const finalText = applyDecisions(edit.originalLines, edit.proposalLines, edit.hunks, edit.decisions).join(edit.eol);
    const accepted = edit.decisions.some((decision) => decision === 'accepted');
    edit.ended = true;
    await edit.chain;
    await this.replace(edit, 0, edit.length, edit.originalText, {
      before: false,
      after: !accepted || finalText === edit.originalText,
    });
    if (accepted && finalText !== edit.originalText)
      await this.replace(edit, 0, edit.length, finalText, { before: true, after: true });
    this.finish(edit, { outcome: accepted ? 'accepted' : 'rejected' });
  }

  private async restoreAndFinish(edit: InlineEdit, end: InlineEditEnd): Promise<void> {
    edit.ended = true;
    await edit.chain;
    if (edit.document.getText().slice(edit.anchor, edit.anchor + edit.length) !== edit.originalText) {
      await this.replace(edit, 0, edit.length, edit.originalText, { before: false, after: true });
    }
    this.finish(edit, end);
  }

  /**
   * The proposal lives in the document while it streams and waits for review, so a save (auto-save included) would
   * write it to disk. A file never holds an undecided proposal: before the save, what is accepted stays, the rest
   * goes back to the original, and the edit ends.
   */
  private onWillSave(event: vscode.TextDocumentWillSaveEvent): void {
    const edit = this.edits.get(event.document.uri.toString());
    if (!edit || edit.ended) return;
    edit.abort.abort();
    const decisions = edit.decisions.map((decision) => (decision === 'pending' ? 'rejected' : decision));
    const text =
      edit.phase === 'review'
        ? applyDecisions(edit.originalLines, edit.proposalLines, edit.hunks, decisions).join(edit.eol)
        : edit.originalText;
    const range = new vscode.Range(
      edit.document.positionAt(edit.anchor),
      edit.document.positionAt(edit.anchor + edit.length),
    );
    this.finish(edit, { outcome: 'stopped' });
    event.waitUntil(Promise.resolve([vscode.TextEdit.replace(range, text)]));
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The file was saved while a Gateway Chat edit was pending: the undecided changes were discarded.'),
    );
  }

  private finish(edit: InlineEdit, end: InlineEditEnd): void {
    edit.ended = true;
    if (this.edits.get(edit.key) === edit) this.edits.delete(edit.key);
    this.clearDecorations(edit);
    this.lensesChanged.fire();
    this.onChange();
    edit.resolveDone(end);
  }

  private async showDiff(edit: InlineEdit | undefined): Promise<void> {
    if (!edit) return;
    const text = edit.document.getText();
    const before = text.slice(0, edit.anchor);
    const after = text.slice(edit.anchor + edit.length);
    const decisions = edit.decisions.map((decision) => (decision === 'pending' ? 'accepted' : decision));
    const proposal =
      edit.phase === 'review'
        ? applyDecisions(edit.originalLines, edit.proposalLines, edit.hunks, decisions)
        : streamingCode(edit.reply).split(/\r?\n/);
    const id = ++this.diffCounter;
    const name = edit.document.uri.path.split('/').pop() ?? 'file';
    const left = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/original/${name}` });
    const right = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/proposed/${name}` });
    this.diffContents.set(left.toString(), before + edit.originalText + after);
    this.diffContents.set(right.toString(), before + proposal.join(edit.eol) + after);
    await vscode.commands.executeCommand(
      'vscode.diff',
      left,
      right,
      vscode.l10n.t('{0}: original ↔ Gateway Chat proposal', name),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const edit = this.edits.get(document.uri.toString());
    if (!edit || edit.ended) return [];
    const top = new vscode.Range(document.positionAt(edit.anchor), document.positionAt(edit.anchor));
    const showDiff = { title: vscode.l10n.t('Show Diff'), command: 'gatewayChat.showEditDiff', arguments: [edit.key] };
    return reviewCodeLenses(edit, document, top, top.start.line, edit.layout.hunkStarts, [showDiff]);
  }

  private decorate(edit: InlineEdit): void {
    if (edit.ended) return;
    const startLine = edit.document.positionAt(edit.anchor).line;
    const ranges = (lines: number[]) => lines.map((line) => new vscode.Range(startLine + line, 0, startLine + line, 0));
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== edit.document) continue;
      editor.setDecorations(this.removedDecoration, ranges(edit.layout.removed));
      editor.setDecorations(this.addedDecoration, ranges(edit.layout.added));
    }
  }

  private clearDecorations(edit: InlineEdit): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== edit.document) continue;
      editor.setDecorations(this.removedDecoration, []);
      editor.setDecorations(this.addedDecoration, []);
    }
  }

  dispose(): void {
    for (const edit of this.edits.values()) edit.abort.abort();
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}

const DIFF_SCHEME = 'gateway-chat-edit';
