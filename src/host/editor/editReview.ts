import * as vscode from 'vscode';
import type { Proposal, ProposalOutcome } from '../../core/proposal';
import { extractReplyCode } from '../../core/replyCode';
import { readReviewConfiguration } from '../configuration';

/**
 * The review of a proposed edit as the commands see it, whichever of the two modes shows it: the in-place inline
 * diff (`InlineView`) or the side-by-side review in VS Code's diff editor that leaves the document untouched until
 * Accept (`DiffEditorView`); one `ReviewController` runs both.
 */

export type ReviewMode = 'inline' | 'diffEditor';
export type ReviewPhase = 'streaming' | 'review';

/** How a proposal's stream ended; `code` (when set) is the proposal as it is, without reducing a reply. */
export interface ProposalResult {
  readonly text: string;
  readonly finishReason?: string;
  readonly failed: boolean;
  readonly code?: string;
}

/** Streams the reply (calling `onText` with the whole reply so far) and resolves with how it ended. */
export type ProposalRun = (signal: AbortSignal, onText: (text: string) => void) => Promise<ProposalResult>;

export interface InlineEditEnd {
  readonly outcome: ProposalOutcome;
  readonly reply?: string;
  /** The proposal as it settled (its hunks and what was decided of each); none when no review started. */
  readonly proposal?: Proposal;
}

/** What the integration tests read (command `gatewayChat.internal.inlineEditState`). */
export interface InlineEditState {
  readonly mode: ReviewMode;
  readonly uri: string;
  readonly phase: ReviewPhase;
  readonly hunks: number;
  readonly pendingHunks: number;
  /** Inline: document lines marked removed. Diff editor: none. */
  readonly removedLines: number[];
  /** Inline: document lines marked added. Diff editor: the proposal's lines (in the proposal document). */
  readonly addedLines: number[];
  readonly regionStartLine: number;
  /** Diff editor: the read-only proposal document shown on the right. */
  readonly proposalUri?: string;
}

/** The review controller, as the commands see it. */
export interface EditReview {
  /** The review of `target` (a URI or its string; else the active editor's), or with `loose` the only one running. */
  owns(target: unknown, loose: boolean): boolean;
  has(document: vscode.TextDocument): boolean;
  readonly count: number;
  readonly streaming: boolean;
  accept(target: unknown): Promise<void>;
  reject(target: unknown): Promise<void>;
  decide(target: unknown, hunk: number | undefined, decision: 'accepted' | 'rejected'): Promise<void>;
  state(target: unknown): InlineEditState | undefined;
  /** Stops every proposal that is still streaming (the original stays). */
  stopStreaming(): Promise<void>;
}

/** How a finished stream turns into a proposal: the code, or why nothing is proposed (the user has been told). */
export type Settled = { readonly kind: 'code'; readonly code: string } | { readonly kind: 'failed' | 'noCode' };

export function settleProposal(result: ProposalResult): Settled {
  if (result.failed || (result.finishReason !== undefined && result.finishReason !== 'stop')) {
    const why =
      result.finishReason === 'length'
        ? vscode.l10n.t('the reply was cut off (length limit)')
        : vscode.l10n.t('the reply failed');
    void vscode.window.showWarningMessage(vscode.l10n.t('Gateway Chat did not change the code: {0}.', why));
    return { kind: 'failed' };
  }
  const code = result.code ?? extractReplyCode(result.text);
  return code === undefined ? { kind: 'noCode' } : { kind: 'code', code };
}

/** The review mode for a document: the setting, where "auto" avoids writing a proposal into a file auto-save may save. */
export function reviewModeFor(document: vscode.TextDocument): ReviewMode {
  const { review, autoSave } = readReviewConfiguration(document.uri);
  if (review !== 'auto') return review;
  if (document.isUntitled) return 'inline';
  return autoSave ? 'diffEditor' : 'inline';
}

/** The URI a command was given for a review (a URI, its string), else the active editor's document. */
export function targetKey(target: unknown): string | undefined {
  if (target instanceof vscode.Uri) return target.toString();
  if (typeof target === 'string') return target;
  return vscode.window.activeTextEditor?.document.uri.toString();
}

/**
 * The CodeLenses of an edit under review. While it streams: a note and Stop at `top`. Then: Accept All, Reject All
 * (and what the mode adds, e.g. Show Diff) at `top`, and Accept / Reject above each change, whose first lines are
 * `hunkStarts` (relative to `startLine`; -1 for a change with no line of its own).
 */
export function reviewCodeLenses(
  edit: { readonly key: string; readonly phase: ReviewPhase },
  document: vscode.TextDocument,
  top: vscode.Range,
  startLine: number,
  hunkStarts: readonly number[],
  extra: readonly vscode.Command[] = [],
): vscode.CodeLens[] {
  const { key } = edit;
  if (edit.phase === 'streaming') {
    return [
      new vscode.CodeLens(top, { title: vscode.l10n.t('$(loading~spin) Gateway Chat is writing…'), command: '' }),
      new vscode.CodeLens(top, { title: vscode.l10n.t('Stop'), command: 'gatewayChat.rejectEdit', arguments: [key] }),
    ];
  }
  const lenses = [
    new vscode.CodeLens(top, {
      title: vscode.l10n.t('Accept All'),
      command: 'gatewayChat.acceptEdit',
      arguments: [key],
    }),
    new vscode.CodeLens(top, {
      title: vscode.l10n.t('Reject All'),
      command: 'gatewayChat.rejectEdit',
      arguments: [key],
    }),
    ...extra.map((command) => new vscode.CodeLens(top, command)),
  ];
  hunkStarts.forEach((start, index) => {
    if (start < 0) return;
    const line = Math.min(document.lineCount - 1, startLine + start);
    const range = new vscode.Range(line, 0, line, 0);
    lenses.push(
      new vscode.CodeLens(range, {
        title: vscode.l10n.t('Accept'),
        command: 'gatewayChat.acceptHunk',
        arguments: [key, index],
      }),
    );
    lenses.push(
      new vscode.CodeLens(range, {
        title: vscode.l10n.t('Reject'),
        command: 'gatewayChat.rejectHunk',
        arguments: [key, index],
      }),
    );
  });
  return lenses;
}
