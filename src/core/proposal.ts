/**
 * A proposed replacement of whole lines, as one state machine: it streams, is reviewed hunk by hunk, and settles.
 *
 *   streaming ──review(code)──▶ reviewing ──decide / decideAll──▶ (every hunk decided)
 *       │                           │
 *       └──────────settle(outcome)──┴──▶ settled
 *
 * Both review modes draw the same proposal. What the document's range holds depends only on how the proposal is
 * presented: `inPlace` shows the diff in the document (original lines marked removed, proposed lines marked added),
 * `beside` keeps only what was decided in the document and shows the proposal elsewhere.
 */
import {
  applyDecisions,
  diffLines,
  layoutDiff,
  proposalView,
  splitLines,
  type Hunk,
  type HunkDecision,
} from './lineDiff';
import { streamingCode } from './replyCode';

export type ProposalPhase = 'streaming' | 'reviewing' | 'settled';
export type ProposalOutcome = 'accepted' | 'rejected' | 'stopped' | 'cancelledByUser' | 'failed' | 'noCode';
export type Presentation = 'inPlace' | 'beside';
export type Eol = '\n' | '\r\n';

/** The text of a document's range for a proposal, and which of its lines are marked (indexes into `lines`). */
export interface RegionContent {
  readonly text: string;
  readonly lines: readonly string[];
  readonly removed: readonly number[];
  readonly added: readonly number[];
  /** For each hunk, the index of its first line while it is pending; -1 once decided (or while streaming: none). */
  readonly hunkStarts: readonly number[];
}

/** What is kept of a proposal that is not settled (JSON-safe): enough to show its review again. */
export interface ProposalSnapshot {
  readonly phase: 'streaming' | 'reviewing';
  readonly original: string;
  readonly eol: Eol;
  readonly proposal: readonly string[];
  readonly hunks: readonly Hunk[];
  readonly decisions: readonly HunkDecision[];
}

export class Proposal {
  readonly originalLines: readonly string[];
  private current: ProposalPhase = 'streaming';
  private ending: ProposalOutcome | undefined;
  private replyText = '';
  private proposed: readonly string[] = [];
  private hunkList: readonly Hunk[] = [];
  private decisionList: HunkDecision[] = [];

  /** A proposal for the range whose text is `originalText` (its lines joined by `eol`), streaming. */
  constructor(
    readonly originalText: string,
    readonly eol: Eol,
  ) {
    this.originalLines = splitLines(originalText);
  }

  get phase(): ProposalPhase {
    return this.current;
  }

  /** How it settled (set once settled). */
  get outcome(): ProposalOutcome | undefined {
    return this.ending;
  }

  get reply(): string {
    return this.replyText;
  }

  get hunks(): readonly Hunk[] {
    return this.hunkList;
  }

  get decisions(): readonly HunkDecision[] {
    return this.decisionList;
  }

  get pendingCount(): number {
    return this.decisionList.filter((decision) => decision === 'pending').length;
  }

  get anyAccepted(): boolean {
    return this.decisionList.includes('accepted');
  }

  /** While streaming: takes the whole reply so far. False once the proposal no longer streams. */
  stream(reply: string): boolean {
    if (this.current !== 'streaming') return false;
    this.replyText = reply;
    return true;
  }

  /**
   * The stream ended with `code`: its hunks wait for review. Returns the number of hunks; with none the proposal
   * stays as it is (the caller settles it: nothing to review).
   */
  review(code: string): number {
    if (this.current !== 'streaming') return 0;
    const proposed = splitLines(code);
    const hunks = diffLines(this.originalLines, proposed);
    if (hunks.length === 0) return 0;
    this.proposed = proposed;
    this.hunkList = hunks;
    this.decisionList = hunks.map(() => 'pending');
    this.current = 'reviewing';
    return hunks.length;
  }

  /** Decides one pending hunk; false when there is no such pending hunk (or nothing is under review). */
  decide(index: number, decision: 'accepted' | 'rejected'): boolean {
    if (this.current !== 'reviewing' || this.decisionList[index] !== 'pending') return false;
    this.decisionList[index] = decision;
    return true;
  }

  /** Decides every hunk still pending. */
  decideAll(decision: 'accepted' | 'rejected'): void {
    if (this.current !== 'reviewing') return;
    this.decisionList = this.decisionList.map((current) => (current === 'pending' ? decision : current));
  }

  /** Under review with every hunk decided: the review is over. */
  get decided(): boolean {
    return this.current === 'reviewing' && this.decisionList.every((decision) => decision !== 'pending');
  }

  /** Ends the proposal (the first outcome counts). What is still pending counts as rejected. */
  settle(outcome: ProposalOutcome): void {
    if (this.current === 'settled') return;
    this.current = 'settled';
    this.ending = outcome;
  }

  /** The range's text if the review ended now: the accepted hunks in, everything else as it was. */
  finalText(): string {
    return applyDecisions(this.originalLines, this.proposed, this.hunkList, this.decisionList).join(this.eol);
  }

  /** The lines streamed so far (the code after the opening fence), none before the first. */
  streamedLines(): string[] {
    const code = streamingCode(this.replyText);
    return code.length > 0 ? splitLines(code) : [];
  }

  /** The proposal as if every pending hunk were accepted (while streaming: the code so far). */
  proposedLines(): string[] {
    if (this.current === 'streaming') return splitLines(streamingCode(this.replyText));
    const decisions = this.decisionList.map((decision) => (decision === 'pending' ? 'accepted' : decision));
    return applyDecisions(this.originalLines, this.proposed, this.hunkList, decisions);
  }

  /**
   * What the document's range holds while the proposal is presented so. In place: while streaming, the original
   * lines (removed) and the streamed ones after them (added); in review, each pending hunk as its original lines
   * (removed) and its proposed lines (added), decided hunks as decided. Beside: what is decided (while streaming,
   * the original). The text is computed at once, the marked lines when first read (a streamed display is written
   * far more often than it is drawn).
   */
  regionContent(presentation: Presentation): RegionContent {
    if (this.current === 'streaming' && presentation === 'inPlace') {
      const code = streamingCode(this.replyText);
      const original = this.originalLines;
      const text = code.length > 0 ? this.originalText + this.eol + this.withEol(code) : this.originalText;
      return lazyContent(text, () => {
        const streamed = code.length > 0 ? splitLines(code) : [];
        return {
          lines: [...original, ...streamed],
          removed: original.map((_, i) => i),
          added: streamed.map((_, i) => original.length + i),
          hunkStarts: [],
        };
      });
    }
    if (presentation === 'beside' || this.current !== 'reviewing' || this.hunkList.length === 0) {
      if (!this.anyAccepted) return unmarkedContent(this.originalText);
      return unmarkedContent(this.finalText());
    }
    const layout = layoutDiff(this.originalLines, this.proposed, this.hunkList, this.decisionList);
    return { text: layout.lines.join(this.eol), ...layout };
  }

  /**
   * The range as the side-by-side proposal shows it: in review, decided hunks as decided and pending ones proposed
   * (`hunkStarts`: each pending hunk's first line, -1 once decided); while streaming, the code so far, or the
   * original before the first line arrives.
   */
  besideView(): { readonly lines: string[]; readonly hunkStarts: number[] } {
    if (this.current === 'reviewing')
      return proposalView(this.originalLines, this.proposed, this.hunkList, this.decisionList);
    const streamed = this.current === 'streaming' ? this.streamedLines() : [];
    return { lines: streamed.length > 0 ? streamed : [...this.originalLines], hunkStarts: [] };
  }

  /** The lines of `besideView` as one text. */
  besideText(): string {
    if (this.current === 'reviewing') return this.besideView().lines.join(this.eol);
    const code = this.current === 'streaming' ? streamingCode(this.replyText) : '';
    return code.length > 0 ? this.withEol(code) : this.originalText;
  }

  /** A streamed code's `\n` line breaks as the document's. */
  private withEol(code: string): string {
    return this.eol === '\n' ? code : code.replace(/\n/g, this.eol);
  }

  /** The index of the hunk whose first line is the nearest at or above `line` (given the `hunkStarts` shown). */
  hunkAt(line: number, hunkStarts: readonly number[]): number | undefined {
    let best: number | undefined;
    hunkStarts.forEach((start, index) => {
      if (start >= 0 && start <= line && this.decisionList[index] === 'pending') best = index;
    });
    return best ?? this.firstPending();
  }

  firstPending(): number | undefined {
    const index = this.decisionList.indexOf('pending');
    return index < 0 ? undefined : index;
  }

  /** What to keep of a proposal that is not settled; `undefined` once settled. */
  snapshot(): ProposalSnapshot | undefined {
    if (this.current === 'settled') return undefined;
    return {
      phase: this.current,
      original: this.originalText,
      eol: this.eol,
      proposal: this.proposed,
      hunks: this.hunkList,
      decisions: this.decisionList,
    };
  }

  /** The proposal a snapshot describes, or `undefined` for anything that is not one (it comes from storage). */
  static restore(value: unknown): Proposal | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const snapshot = value as Record<string, unknown>;
    const { phase, original, eol, proposal, hunks, decisions } = snapshot;
    if ((phase !== 'streaming' && phase !== 'reviewing') || typeof original !== 'string') return undefined;
    if (eol !== '\n' && eol !== '\r\n') return undefined;
    if (!isStringArray(proposal) || !Array.isArray(hunks) || !Array.isArray(decisions)) return undefined;
    const restored = new Proposal(original, eol);
    if (phase === 'streaming') return restored;
    if (hunks.length === 0 || hunks.length !== decisions.length) return undefined;
    if (!decisions.every((d) => d === 'pending' || d === 'accepted' || d === 'rejected')) return undefined;
    if (!decisions.includes('pending')) return undefined;
    if (!validHunks(hunks, restored.originalLines.length, proposal.length)) return undefined;
    restored.proposed = [...proposal];
    restored.hunkList = hunks.map((hunk: Hunk) => ({ ...hunk }));
    restored.decisionList = [...(decisions as HunkDecision[])];
    restored.current = 'reviewing';
    return restored;
  }
}

/** A region text with no line marked (the original, the final text). */
export function unmarkedContent(text: string): RegionContent {
  return lazyContent(text, () => ({ lines: splitLines(text), removed: [], added: [], hunkStarts: [] }));
}

/** A region content whose lines and marks are computed when first read. */
function lazyContent(text: string, compute: () => Omit<RegionContent, 'text'>): RegionContent {
  let marks: Omit<RegionContent, 'text'> | undefined;
  const get = () => (marks ??= compute());
  return {
    text,
    get lines() {
      return get().lines;
    },
    get removed() {
      return get().removed;
    },
    get added() {
      return get().added;
    },
    get hunkStarts() {
      return get().hunkStarts;
    },
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** In order, not overlapping, inside both texts, each changing something. */
function validHunks(hunks: readonly unknown[], originalLength: number, proposalLength: number): hunks is Hunk[] {
  let origAt = 0;
  let newAt = 0;
  for (const value of hunks) {
    if (typeof value !== 'object' || value === null) return false;
    const { origStart, origEnd, newStart, newEnd } = value as Record<string, unknown>;
    const bounds = [origStart, origEnd, newStart, newEnd];
    if (!bounds.every((bound) => Number.isSafeInteger(bound))) return false;
    const [os, oe, ns, ne] = bounds as number[];
    if (os < origAt || oe < os || oe > originalLength || ns < newAt || ne < ns || ne > proposalLength) return false;
    if (os === oe && ns === ne) return false;
    origAt = oe;
    newAt = ne;
  }
  return true;
}
