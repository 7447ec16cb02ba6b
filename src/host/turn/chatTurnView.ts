/**
 * Shows a chat turn in the panel: turns the engine's effects into the panel's messages (small text deltas, notices,
 * tool calls as they form and as they change, approval cards, the end of each round) and saves the record as it
 * goes. The session owns the turn; this only shows it.
 */
import * as vscode from 'vscode';
import type { Conversation, ConversationMessage } from '../../core/conversation';
import { DeltaCoalescer } from '../../core/deltaCoalescer';
import type { PendingToolCall, TurnEffect } from '../../core/turn/turnTypes';
import type { ToolCall } from '../../core/chatTypes';
import type { ApprovalView, MessageView } from '../../shared/protocol';
import type { PanelPort } from '../chatSession';
import type { ConversationHistory } from '../conversationHistory';
import { formatWait } from '../errorView';
import { LiveToolCalls, toolCallViews, type ToolCallLabel } from './toolCallViews';

type Shown = Exclude<TurnEffect, { type: 'request' | 'abort' | 'askApproval' | 'allowForConversation' }>;

export class TurnView {
  readonly live = new LiveToolCalls();
  /** The open approval questions, by message (a snapshot shows them again). */
  private readonly approvals = new Map<string, ApprovalView[]>();
  private coalescers: { messageId: string; text: DeltaCoalescer; reasoning: DeltaCoalescer } | undefined;
  /** A round that ended with tool calls: its footer is shown once the turn goes on. */
  private roundToEnd: ConversationMessage | undefined;
  private disposed = false;

  constructor(
    private readonly panel: PanelPort,
    private readonly conversation: Conversation,
    private readonly history: ConversationHistory | undefined,
    private readonly toView: (message: ConversationMessage) => MessageView,
    /** Shows the whole conversation again (a continued reply streams again in its old place). */
    private readonly refresh: () => void,
    /** A call's title and kind in plain words, for its row. */
    private readonly labelOf: (call: ToolCall) => Promise<ToolCallLabel | undefined>,
  ) {}

  /** The approval questions open for `messageId`. */
  approvalsFor(messageId: string): readonly ApprovalView[] | undefined {
    const open = this.approvals.get(messageId);
    return open && open.length > 0 ? open : undefined;
  }

  /** Whether the user may answer `callId` of `messageId` now. */
  isAsking(messageId: string, callId: string): boolean {
    return this.approvals.get(messageId)?.some((approval) => approval.callId === callId) ?? false;
  }

  /** Takes a question away once it is answered (the card goes when the call's stage changes). */
  answered(messageId: string, callId: string): void {
    const open = this.approvals.get(messageId);
    if (open)
      this.approvals.set(
        messageId,
        open.filter((approval) => approval.callId !== callId),
      );
  }

  show(effect: Shown, continuation: boolean): void {
    switch (effect.type) {
      case 'roundStarted': {
        this.endPendingRound();
        const { message } = effect;
        this.useCoalescers(message.id);
        // A continued reply is already in the panel: a snapshot shows it streaming again.
        if (effect.round === 1 && continuation) this.refresh();
        else this.panel.post({ type: 'messageAdded', message: this.toView(message) });
        return;
      }
      case 'text':
        this.useCoalescers(effect.messageId).text.push(effect.text);
        this.history?.saveSoon(this.conversation);
        return;
      case 'reasoning':
        this.useCoalescers(effect.messageId).reasoning.push(effect.text);
        this.history?.saveSoon(this.conversation);
        return;
      case 'retrying':
        this.notice(
          effect.messageId,
          vscode.l10n.t(
            '{0} Retrying in {1} (attempt {2})…',
            effect.reason,
            formatWait(effect.delayMs),
            effect.attempt,
          ),
        );
        return;
      case 'waiting':
        this.notice(effect.messageId, vscode.l10n.t('Waiting for the gateway…'));
        return;
      case 'retryOver':
        this.notice(effect.messageId, '');
        return;
      case 'toolCallForming':
        // What the reply said before the call comes first.
        this.flush();
        this.panel.post({
          type: 'toolCallDelta',
          messageId: effect.messageId,
          index: effect.index,
          ...(effect.id !== undefined ? { id: effect.id } : {}),
          ...(effect.name !== undefined ? { name: effect.name } : {}),
          argumentsDelta: effect.argumentsDelta,
        });
        return;
      case 'toolCallsReceived':
        this.postCalls(effect.messageId);
        for (const call of effect.calls) void this.label(effect.messageId, call);
        return;
      case 'withdrawApproval':
        this.approvals.delete(effect.messageId);
        this.panel.post({ type: 'approvalWithdrawn', messageId: effect.messageId, callIds: effect.callIds });
        return;
      case 'runTool':
        this.endPendingRound();
        this.live.setStage(effect.call.id, 'running');
        this.postCall(effect.messageId, effect.call.id);
        return;
      case 'cancelTool':
        return;
      case 'toolAnswered':
        this.answered(effect.messageId, effect.callId);
        this.keepLabel(effect.messageId, effect.callId);
        this.postCall(effect.messageId, effect.callId);
        this.history?.saveSoon(this.conversation);
        return;
      case 'roundEnded':
        this.flush();
        this.roundToEnd = effect.message;
        void this.history?.saveNow(this.conversation);
        return;
      case 'turnEnded':
        // The session posts the turn's end, for the last round.
        this.roundToEnd = undefined;
        this.flush();
        return;
    }
  }

  /** Asks the user about `calls`, one card each, once their descriptions are ready. */
  async ask(
    effect: Extract<TurnEffect, { type: 'askApproval' }>,
    describe: (call: ToolCall, args: unknown) => Promise<ApprovalView>,
  ): Promise<void> {
    this.endPendingRound();
    const { messageId, calls } = effect;
    for (const { call } of calls) this.live.setStage(call.id, 'waiting');
    this.postCalls(messageId);
    const approvals = await Promise.all(calls.map(({ call, args }: PendingToolCall) => describe(call, args)));
    // Stop may have come while the descriptions were prepared.
    const stillOpen = approvals.filter((approval) => this.live.stageOf(approval.callId) === 'waiting');
    if (this.disposed || stillOpen.length === 0) return;
    this.approvals.set(messageId, [...(this.approvals.get(messageId) ?? []), ...stillOpen]);
    this.panel.post({ type: 'approvalRequested', messageId, approvals: stillOpen });
  }

  dispose(): void {
    this.disposed = true;
    this.flush();
    this.coalescers?.text.dispose();
    this.coalescers?.reasoning.dispose();
    this.coalescers = undefined;
  }

  private async label(messageId: string, call: ToolCall): Promise<void> {
    const label = await this.labelOf(call).catch(() => undefined);
    if (!label || this.disposed) return;
    this.live.label(call.id, label);
    // A quick call may have been answered before its title was ready.
    if (this.keepLabel(messageId, call.id)) this.history?.saveSoon(this.conversation);
    this.postCall(messageId, call.id);
  }

  /** Records the call's title with its answer, once both exist; whether it did. */
  private keepLabel(messageId: string, callId: string): boolean {
    const label = this.live.labelOf(callId);
    return label ? this.conversation.labelToolResult(messageId, callId, label) : false;
  }

  private endPendingRound(): void {
    const message = this.roundToEnd;
    if (!message) return;
    this.roundToEnd = undefined;
    const view = this.toView(message);
    this.panel.post({
      type: 'roundEnded',
      messageId: message.id,
      status: message.status === 'streaming' ? 'done' : message.status,
      ...(view.model ? { model: view.model } : {}),
      ...(view.finishReason ? { finishReason: view.finishReason } : {}),
      ...(view.usage ? { usage: view.usage } : {}),
      ...(view.timing ? { timing: view.timing } : {}),
      ...(view.leftOut ? { leftOut: view.leftOut } : {}),
    });
  }

  private postCalls(messageId: string): void {
    const message = this.conversation.find(messageId);
    for (const call of (message && toolCallViews(message, this.live)) ?? [])
      this.panel.post({ type: 'toolCallUpdated', messageId, call });
  }

  private postCall(messageId: string, callId: string): void {
    const message = this.conversation.find(messageId);
    const call = message && toolCallViews(message, this.live)?.find((view) => view.id === callId);
    if (call) this.panel.post({ type: 'toolCallUpdated', messageId, call });
  }

  private notice(messageId: string, text: string): void {
    this.panel.post({ type: 'notice', messageId, text });
  }

  private useCoalescers(messageId: string): { text: DeltaCoalescer; reasoning: DeltaCoalescer } {
    if (this.coalescers?.messageId === messageId) return this.coalescers;
    this.flush();
    this.coalescers?.text.dispose();
    this.coalescers?.reasoning.dispose();
    this.coalescers = {
      messageId,
      text: new DeltaCoalescer((text) => this.panel.post({ type: 'delta', messageId, text })),
      reasoning: new DeltaCoalescer((text) => this.panel.post({ type: 'reasoningDelta', messageId, text })),
    };
    return this.coalescers;
  }

  private flush(): void {
    this.coalescers?.reasoning.flush();
    this.coalescers?.text.flush();
  }
}
