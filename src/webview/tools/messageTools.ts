/**
 * The tool calls of one reply and the approval cards of the calls waiting for the user, below the reply's text.
 * Built from the message's `toolCalls` and `approvals` (a snapshot, or a message scrolled back into the page), then
 * kept up to date by the stream's deltas and the host's updates.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import type { ApprovalDecisionView, ApprovalView, ToolCallView } from '../../shared/protocol';
import { el } from '../dom';
import { ApprovalCard } from './approvalCard';
import { ToolCallRow } from './toolCallRow';

/** What the tools of a message need from the conversation view (which keeps their state across re-renders). */
export interface MessageToolsContext {
  readonly strings: PanelStrings;
  /** Whether the row of call `index` was left open. */
  isOpen(index: number): boolean;
  onToggle(index: number, open: boolean): void;
  /** The decision already made on a card (it stays decided until the host takes the card away). */
  decisionOf(callId: string): ApprovalDecisionView | undefined;
  onDecide(callId: string, decision: ApprovalDecisionView): void;
}

export class MessageTools {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly cardList: HTMLElement;
  private readonly rows: ToolCallRow[] = [];
  private readonly cards: ApprovalCard[] = [];

  constructor(private readonly context: MessageToolsContext) {
    this.list = el('div', { className: 'tool-calls' });
    this.cardList = el('div', { className: 'approval-cards' });
    this.element = el('div', { className: 'message-tools' }, this.list, this.cardList);
  }

  get hasCalls(): boolean {
    return this.rows.length > 0;
  }

  /** A piece of call `call.index` as it forms (the row is created on the first one). */
  form(call: ToolCallView, argumentsDelta: string): void {
    const row = this.rowAt(call.index);
    if (row) row.form(call, argumentsDelta);
    else this.insertRow(call);
  }

  update(call: ToolCallView): void {
    const row = this.rowAt(call.index);
    if (row) row.update(call);
    else this.insertRow(call);
    // An answered or running call waits for nobody: its card goes (the host may also withdraw it).
    if (call.id && (call.stage === 'running' || call.stage === 'answered')) this.removeApprovals([call.id]);
  }

  /** Adds a card for each approval (a card for the same call is replaced); returns the new cards. */
  addApprovals(approvals: readonly ApprovalView[]): ApprovalCard[] {
    const added: ApprovalCard[] = [];
    for (const approval of approvals) {
      const card = new ApprovalCard(
        approval,
        this.context.strings,
        this.context.decisionOf(approval.callId),
        (decision) => this.decide(card, decision),
      );
      const index = this.cards.findIndex((existing) => existing.callId === approval.callId);
      if (index === -1) {
        this.cards.push(card);
        this.cardList.append(card.element);
      } else {
        this.cards[index].element.replaceWith(card.element);
        this.cards[index] = card;
      }
      added.push(card);
    }
    return added;
  }

  /**
   * Takes the cards of these calls away. If one had keyboard focus, it goes to the next card still waiting, or else
   * to the row of the call, so it is never lost to the page.
   */
  removeApprovals(callIds: readonly string[]): void {
    let focusCall: string | undefined;
    for (const callId of callIds) {
      const index = this.cards.findIndex((card) => card.callId === callId);
      if (index === -1) continue;
      const [card] = this.cards.splice(index, 1);
      if (card.element.contains(document.activeElement)) focusCall = callId;
      card.element.remove();
    }
    if (focusCall === undefined) return;
    const next = this.cards.find((card) => card.pending);
    if (next) next.focus();
    else this.rows.find((row) => row.view.id === focusCall)?.focus();
  }

  private decide(card: ApprovalCard, decision: ApprovalDecisionView): void {
    this.context.onDecide(card.callId, decision);
    // With more cards waiting (parallel calls), the next one is the next question.
    const next = this.cards.find((other) => other !== card && other.pending);
    if (next && card.element.contains(document.activeElement)) next.focus();
  }

  private rowAt(index: number): ToolCallRow | undefined {
    return this.rows.find((row) => row.view.index === index);
  }

  private insertRow(call: ToolCallView): void {
    const row = new ToolCallRow(call, this.context.strings, this.context.isOpen(call.index), (open) =>
      this.context.onToggle(call.index, open),
    );
    // In the order of the reply's calls, whatever order they arrive in.
    const after = this.rows.findIndex((existing) => existing.view.index > call.index);
    if (after === -1) {
      this.rows.push(row);
      this.list.append(row.element);
    } else {
      this.rows[after].element.before(row.element);
      this.rows.splice(after, 0, row);
    }
  }
}
