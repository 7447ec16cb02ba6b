import * as vscode from 'vscode';
import { diffLines, type Hunk, type HunkDecision } from '../../core/lineDiff';
import type { ExtensionLog } from '../log';
import { settleProposal, type InlineEditEnd, type ProposalRun, type ReviewPhase } from './editReview';

/**
 * The one stream-then-settle sequence of a proposed edit, shared by both review modes: stream the reply, keep the
 * partial reply when the stream fails, settle it into code, diff it against the original lines and wait for the
 * decisions; or end without a review (stopped, failed, no code, no change). What the modes do differently (how they
 * redraw, show the review and end) comes in as `ProposalSteps`.
 */

/** The part of a review's state the sequence reads and writes. */
export interface StreamedProposal {
  phase: ReviewPhase;
  /** The whole reply so far. */
  reply: string;
  readonly originalLines: string[];
  proposalLines: string[];
  hunks: Hunk[];
  decisions: HunkDecision[];
  readonly abort: AbortController;
  readonly ended: boolean;
}

/** What differs between the review modes. */
export interface ProposalSteps {
  /** The reply so far changed while streaming: redraw it soon. */
  redrawStreaming(): void;
  /** The phase just became `review` (hunks and decisions are set), before the review is shown or ended. */
  enteredReview?(): void;
  /** Shows the hunks for review. */
  showReview(): Promise<void> | void;
  /** Ends the proposal without a review. */
  end(end: InlineEditEnd): Promise<void>;
}

export async function streamProposal(
  proposal: StreamedProposal,
  run: ProposalRun,
  log: ExtensionLog,
  steps: ProposalSteps,
): Promise<void> {
  let result;
  try {
    result = await run(proposal.abort.signal, (text) => {
      if (proposal.ended || proposal.phase !== 'streaming') return;
      proposal.reply = text;
      steps.redrawStreaming();
    });
  } catch (error) {
    log.error(`Inline edit failed: ${String(error)}`);
    result = { text: proposal.reply, failed: true };
  }
  if (proposal.ended) return;
  if (proposal.abort.signal.aborted) return steps.end({ outcome: 'stopped' });
  const settled = settleProposal(result);
  if (settled.kind !== 'code') return steps.end({ outcome: settled.kind, reply: result.text });
  proposal.proposalLines = settled.code.split(/\r?\n/);
  proposal.hunks = diffLines(proposal.originalLines, proposal.proposalLines);
  proposal.decisions = proposal.hunks.map(() => 'pending');
  proposal.phase = 'review';
  steps.enteredReview?.();
  if (proposal.hunks.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Gateway Chat proposed no change.'));
    return steps.end({ outcome: 'rejected' });
  }
  await steps.showReview();
}
