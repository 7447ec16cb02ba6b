import * as vscode from 'vscode';
import type { ChatMessage, ToolCall } from '../core/chatTypes';
import { createReplyTurn } from '../core/turn/replyTurn';
import { TurnDriver, type TurnEnded } from '../core/turn/turnDriver';
import {
  Conversation,
  isEmptyReply,
  type ContextItem,
  type ConversationMessage,
  type MessageEdit,
} from '../core/conversation';
import { keyOriginOf } from '../core/gatewayKeys';
import {
  assertNever,
  type ApprovalDecisionView,
  type ApprovalView,
  type ContextItemView,
  type HostToWebview,
  type MessageAction,
  type MessageView,
  type OutgoingImage,
  type PanelState,
  type SendRefusal,
} from '../shared/protocol';
import type { ApiKeyStore } from './apiKeyStore';
import { readConfiguration, type ChatConfiguration } from './configuration';
import { describeFinishReason, describeGatewayError, describeTurnNotice } from './errorView';
import { chatTurnTools } from './turn/chatTools';
import { TurnView } from './turn/chatTurnView';
import { GatewayRequester, type GatewayReady } from './turn/gatewayRequester';
import { toolCallViews } from './turn/toolCallViews';
import { describeToolCall } from './tools/toolCallDescription';
import { WorkspaceToolRunner, type ProposalReview } from './tools/workspaceToolRunner';
import type { ConversationHistory } from './conversationHistory';
import type { ExtensionLog } from './log';
import type { ModelCatalogService } from './modelCatalogService';
import { imagesToSend } from './images/imageGate';
import { resolveContext } from './context/contextMentions';
import type { ProjectInstructions } from './context/projectInstructions';
import { buildSystemPrompt } from '../core/systemContext';
import type { ContextRef } from '../shared/contextRefs';
import { rasterDataUrlType } from '../core/imageData';

/** Where the session's updates go: the chat view when it exists (messages to a hidden view are simply lost). */
export interface PanelPort {
  post(message: HostToWebview): void;
}

const STREAMING_CONTEXT = 'gatewayChat.streaming';

/**
 * The one turn of the conversation that may run: claimed synchronously when a request is taken (before its first
 * await), so a double click, a second Enter or a keybinding pressed twice finds it taken; released on every path.
 * Stop aborts it in whatever phase it is (checks, consent, streaming).
 */
interface Turn {
  readonly abort: AbortController;
  /** Set once the reply turn runs: Stop and the user's approvals go to it. */
  driver?: TurnDriver;
  /** Set once `turnEnded` went to the panel; a turn released without it sends a snapshot instead. */
  ended: boolean;
}

type Ready = GatewayReady;

/**
 * The conversation and the reply being streamed. It owns the state; the panel only shows it. Each turn: add the
 * user's message, stream the reply into a new assistant message, post small deltas, end with a status.
 */
export class ChatSession implements vscode.Disposable {
  private conversation = new Conversation();
  private turn: Turn | undefined;
  private lastConfig: ChatConfiguration | undefined;
  private restoring: Promise<void> | undefined;
  /** Shows the turn that runs (and knows its open approval questions). */
  private turnView: TurnView | undefined;
  /** Tools allowed "for this conversation", by conversation id. */
  private readonly allowedByConversation = new Map<string, Set<string>>();
  private readonly toolRunner: WorkspaceToolRunner;
  private readonly requester: GatewayRequester;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: ExtensionLog,
    private readonly panel: PanelPort,
    private readonly catalog: ModelCatalogService,
    /** Where conversations are saved; without it nothing is (tests of the session alone). */
    private readonly history?: ConversationHistory,
    tools?: { readonly proposals?: ProposalReview },
    /** `AGENTS.md` and the like, sent after the user's system prompt; none in tests of the session alone. */
    private readonly instructions?: ProjectInstructions,
  ) {
    this.requester = new GatewayRequester(keys, log, catalog);
    this.toolRunner = new WorkspaceToolRunner({
      redact: (text) => log.redactor.redact(text),
      ...(tools?.proposals ? { proposals: tools.proposals } : {}),
    });
  }

  /** The open conversation. */
  get current(): Conversation {
    return this.conversation;
  }

  /**
   * Once per window, before the panel first shows anything: reopens the conversation that was open when the window
   * last closed (its id is in global state). Nothing is read from disk before this.
   */
  restoreLast(): Promise<void> {
    this.restoring ??= (async () => {
      const id = this.history?.currentId;
      const before = this.conversation;
      if (!id || before.messages.length > 0 || this.turn) return;
      const restored = await this.history?.restore(id);
      // Unless the user started something else meanwhile.
      if (restored && this.conversation === before && before.messages.length === 0 && !this.turn)
        this.conversation = restored;
    })();
    return this.restoring;
  }

  /** Shows another conversation (from the history or an import); a reply still streaming is stopped (and kept). */
  async open(conversation: Conversation): Promise<void> {
    this.stop();
    this.restoring ??= Promise.resolve();
    this.conversation = conversation;
    this.history?.setCurrent(conversation.id);
    await this.postSnapshot();
  }

  /** Whether a turn runs: from the moment a request is taken until its reply has ended (or it was refused). */
  get streaming(): boolean {
    return this.turn !== undefined;
  }

  async snapshot(): Promise<PanelState> {
    const config = readConfiguration();
    const hasApiKey = (await this.keys.get(config.baseUrl)) !== undefined;
    const gateway = keyOriginOf(config.baseUrl);
    return {
      conversationId: this.conversation.id,
      messages: this.conversation.messages.map((message) => this.toView(message, config)),
      hasApiKey,
      ...(gateway ? { gateway } : {}),
      streaming: this.streaming,
      model: config.model,
      sendWith: config.sendWith,
      imageLimits: config.imageLimits,
      ...(config.problem ? { configProblem: config.problem } : {}),
    };
  }

  async postSnapshot(): Promise<void> {
    this.panel.post({ type: 'snapshot', state: await this.snapshot() });
  }

  /**
   * Sends a user message (text, images, context, or some of them) and streams the reply. Refused (with a message)
   * while a turn runs or nothing can be sent; images are checked again and may need the user's word (see
   * `imagesToSend`); the `#`-mentions are read now, and one that cannot be read refuses the message, saying why. A send
   * from the panel carries a `requestId`: the panel is told whether the message was accepted (it then clears the
   * composer) or refused (it keeps the text, the images and the context chips).
   */
  async send(
    text: string,
    images: readonly OutgoingImage[] = [],
    requestId?: number,
    context: readonly ContextRef[] = [],
  ): Promise<void> {
    let answered = false;
    const answer = (refusal?: SendRefusal, problems?: readonly string[]) => {
      if (answered || requestId === undefined) return;
      answered = true;
      this.panel.post(
        refusal
          ? { type: 'sendResult', requestId, outcome: 'refused', reason: refusal, ...(problems ? { problems } : {}) }
          : { type: 'sendResult', requestId, outcome: 'accepted' },
      );
    };
    try {
      const taken = await this.takeTurn(async (turn) => {
        const ready = await this.preflight(turn);
        if (!ready) return answer(turn.abort.signal.aborted ? 'stopped' : 'notReady');
        const attachments = await imagesToSend(images, ready.config, this.catalog);
        if (!attachments) return answer('images');
        const attached = await resolveContext(context, turn.abort.signal, (found) => this.log.redactor.redact(found));
        if (turn.abort.signal.aborted) return answer('stopped');
        if (attached.problems.length > 0) return answer('context', attached.problems);
        const userMessage = this.conversation.addUserMessage(text, attachments, attached.items);
        this.panel.post({ type: 'messageAdded', message: this.toView(userMessage, ready.config) });
        answer();
        this.history?.setCurrent(this.conversation.id);
        void this.history?.saveNow(this.conversation);
        await this.streamReply(turn, ready);
      });
      if (!taken) answer('busy');
    } finally {
      answer('failed');
    }
  }

  /** Replaces a failed last reply by a new attempt with the same context. */
  async retry(): Promise<void> {
    if (this.conversation.messages.length === 0) return;
    await this.takeTurn(async (turn) => {
      const ready = await this.preflight(turn);
      const last = this.conversation.messages.at(-1);
      if (!ready || !last) return;
      if (last.role === 'assistant') {
        this.conversation.removeMessage(last.id);
        await this.postSnapshot();
      }
      await this.streamReply(turn, ready);
    });
  }

  /**
   * An action from a message's toolbar. Copy puts the raw text on the clipboard; regenerate replaces a reply and
   * everything after it with a new reply to the same context; delete removes a message (a question with its reply);
   * continue has a reply that the length limit cut off go on, appending to it. Checked first (see `problemWith`).
   */
  async messageAction(action: MessageAction, messageId: string): Promise<void> {
    if (!this.allowed(action, messageId)) return;
    switch (action) {
      case 'copy': {
        const message = this.conversation.find(messageId);
        if (!message) return;
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Message copied to the clipboard.'), 3000);
        return;
      }
      case 'delete':
        this.conversation.deleteMessage(messageId);
        return this.changed();
      case 'regenerate':
        return this.replyAfterChecks(action, messageId, async (turn, ready) => {
          this.conversation.truncateFrom(messageId);
          await this.changed();
          await this.streamReply(turn, ready);
        });
      case 'continue':
        return this.replyAfterChecks(action, messageId, async (turn, ready) => {
          const context = this.conversation.reopenForContinue(messageId);
          const reply = this.conversation.find(messageId);
          if (reply) await this.streamReply(turn, ready, { reply, context });
        });
      default:
        return assertNever(action);
    }
  }

  /** Edit & resend: the user message gets the new text, the turns after it go, and a new reply streams. */
  async editMessage(messageId: string, text: string): Promise<void> {
    if (!this.allowed('edit', messageId)) return;
    await this.replyAfterChecks('edit', messageId, async (turn, ready) => {
      this.conversation.replaceText(messageId, text);
      this.conversation.truncateAfter(messageId);
      await this.changed();
      await this.streamReply(turn, ready);
    });
  }

  /**
   * Takes the turn, then runs the checks a request needs and `start`, which ends in a new reply. The edit is checked
   * again after the awaits of the checks: the conversation may have changed meanwhile.
   */
  private async replyAfterChecks(
    edit: MessageEdit,
    messageId: string,
    start: (turn: Turn, ready: Ready) => Promise<void>,
  ): Promise<void> {
    await this.takeTurn(async (turn) => {
      const ready = await this.preflight(turn);
      if (ready && this.allowed(edit, messageId, turn)) await start(turn, ready);
    });
  }

  /**
   * Runs `body` as the conversation's turn, one at a time. The turn is claimed before the first await, so of two
   * requests made at once (a double click, Enter twice, a keybinding pressed twice) the second finds it taken and is
   * refused, saying so; false then. Released on every path, also when `body` refuses or throws.
   */
  private async takeTurn(body: (turn: Turn) => Promise<void>): Promise<boolean> {
    if (this.turn) {
      this.log.info('Refused a second request: a reply is already on its way.');
      void vscode.window.showInformationMessage(vscode.l10n.t('Wait for the reply to finish, or stop it first.'));
      return false;
    }
    const turn: Turn = { abort: new AbortController(), ended: false };
    this.turn = turn;
    void vscode.commands.executeCommand('setContext', STREAMING_CONTEXT, true);
    try {
      await body(turn);
    } finally {
      this.release(turn);
    }
    return true;
  }

  /**
   * Ends `turn` (once). A turn that ends without a reply (refused in its checks, cancelled, failed) sends the panel a
   * snapshot: it may have shown the turn as running, and a refusal may have changed what it should show (the no-key
   * banner).
   */
  private release(turn: Turn): void {
    if (this.turn !== turn) return;
    this.turn = undefined;
    void vscode.commands.executeCommand('setContext', STREAMING_CONTEXT, false);
    if (!turn.ended) void this.postSnapshot();
  }

  /**
   * Whether `edit` can be done to the message now; if not, tells the user why (and refreshes a stale panel). A turn
   * that runs refuses every edit but copy, except `own`, the turn the edit belongs to.
   */
  private allowed(edit: MessageEdit, messageId: string, own?: Turn): boolean {
    const busy = this.turn !== undefined && this.turn !== own;
    const problem = this.conversation.problemWith(edit, messageId, busy);
    if (!problem) return true;
    this.log.warn(`Refused "${edit}" on message ${messageId}: ${problem}`);
    if (problem === 'streaming') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Wait for the reply to finish, or stop it first.'));
    } else {
      // The panel showed something the conversation no longer has: show it what there is.
      void this.postSnapshot();
      if (problem === 'unknownMessage')
        void vscode.window.showWarningMessage(vscode.l10n.t('That message is no longer in the conversation.'));
    }
    return false;
  }

  /** After an edit of the conversation: the panel shows it, and it is saved. */
  private async changed(): Promise<void> {
    await this.postSnapshot();
    this.history?.setCurrent(this.conversation.id);
    await this.history?.saveNow(this.conversation);
  }

  /**
   * Checks that a request can go out now; otherwise tells the user why and what to do (the snapshot sent when the
   * turn is released shows the no-key banner or the setting's problem). Undefined too when Stop came meanwhile.
   */
  private preflight(turn: Turn): Promise<Ready | undefined> {
    return this.requester.preflight(turn.abort.signal);
  }

  /** The user's answer to an approval card of the panel (see `approvalRequested`). */
  decide(messageId: string, callId: string, decision: ApprovalDecisionView): void {
    const view = this.turnView;
    if (!view || !view.isAsking(messageId, callId) || !this.turn?.driver) {
      this.log.warn(`Ignored a decision for tool call ${callId}: it is not waiting for one.`);
      return;
    }
    this.log.info(`Tool call ${callId}: ${decision}.`);
    view.answered(messageId, callId);
    this.turn.driver.decide(callId, decision);
  }

  /** An approval card's words for a call the user is asked about. */
  private async describeApproval(call: ToolCall, args: unknown, vscodeToolName?: string): Promise<ApprovalView> {
    const description = await describeToolCall(
      call.function.name,
      args,
      (text) => this.log.redactor.redact(text),
      vscodeToolName,
    );
    return { callId: call.id, toolName: call.function.name, ...description };
  }

  /** Stops the turn that runs, whatever started it and wherever it is (its checks, the consent, the stream). */
  stop(): void {
    this.turn?.abort.abort();
  }

  async newChat(): Promise<void> {
    this.stop();
    this.restoring ??= Promise.resolve();
    this.conversation = new Conversation();
    this.history?.setCurrent(this.conversation.id);
    await this.postSnapshot();
  }

  /**
   * Runs a reply turn: streams a reply to the conversation's context into a new assistant message (or, with
   * `continuation`, to the given context into an existing reply, appending to its text); when the model calls tools,
   * runs them (asking the user where the policy says so) and streams the next round into a new message, until the
   * model answers without calls, the round limit, Stop or an error.
   */
  private async streamReply(
    turn: Turn,
    ready: Ready,
    continuation?: { readonly reply: ConversationMessage; readonly context: ChatMessage[] },
  ): Promise<void> {
    const { config } = ready;
    // Each round's message, for the note saying which earlier messages its request left out.
    const roundMessages = new Map<number, ConversationMessage>();
    const { catalogEntry, snapshot, stream } = await this.requester.prepare(ready, {
      systemPrompt: buildSystemPrompt(config.systemPrompt, (await this.instructions?.current()) ?? []),
      leftOut: (round, count) => {
        const message = roundMessages.get(round);
        if (message) message.leftOut = count;
      },
    });
    const { modelProfile } = snapshot;
    // The reply belongs to this conversation even if the user opens another one while it streams.
    const conversation = this.conversation;
    const tools = chatTurnTools({
      settings: config.tools,
      ...(catalogEntry ? { catalogEntry } : {}),
      modelProfile,
      allowed: this.allowedTools(conversation.id),
      runner: this.toolRunner,
      log: this.log,
      redact: (text) => this.log.redactor.redact(text),
    });
    if (tools.skipped.length) this.log.warn(`Tools not offered (names the API refuses): ${tools.skipped.join(', ')}`);
    this.lastConfig = config;
    const engine = createReplyTurn({
      transcript: conversation,
      ...(tools.toolbox ? { toolbox: tools.toolbox } : {}),
      maxRounds: config.tools.maxRounds,
      now: Date.now,
    });
    const view = new TurnView(
      this.panel,
      conversation,
      this.history,
      (message) => this.toView(message, config),
      () => void this.postSnapshot(),
      async (call) => {
        const { title, kind } = await describeToolCall(
          call.function.name,
          parseArguments(call),
          (text) => this.log.redactor.redact(text),
          tools.vscodeToolName(call.function.name),
        );
        return { title, kind };
      },
    );
    this.turnView = view;
    const driver = new TurnDriver(engine, {
      stream,
      runTool: (call, args, signal) => tools.run(call, args, signal),
      describeFailure: (error) => this.log.redactor.redact(error instanceof Error ? error.message : String(error)),
      show: (effect) => {
        if (effect.type === 'roundStarted') roundMessages.set(effect.round, effect.message);
        if (effect.type === 'allowForConversation') this.allowedTools(conversation.id).add(effect.toolName);
        else if (effect.type === 'askApproval')
          void view.ask(effect, (call, args) =>
            this.describeApproval(call, args, tools.vscodeToolName(call.function.name)),
          );
        else view.show(effect, continuation !== undefined);
      },
    });
    turn.driver = driver;
    const stop = () => driver.stop();
    turn.abort.signal.addEventListener('abort', stop);
    if (turn.abort.signal.aborted) driver.stop();
    const started = Date.now();
    let ended: TurnEnded;
    try {
      ended = await driver.run({ type: 'start', ...(continuation ? { continuation } : {}) });
    } finally {
      turn.abort.signal.removeEventListener('abort', stop);
      view.dispose();
      if (this.turnView === view) this.turnView = undefined;
    }
    const reply = ended.message;
    this.log.info(
      `Reply ${ended.status} in ${Date.now() - started} ms, ${ended.rounds} round(s)` +
        (reply ? `, ${reply.text.length} chars` : '') +
        (reply?.finishReason ? `, finish_reason=${reply.finishReason}` : ''),
    );
    await this.history?.saveNow(conversation);
    // The turn is over before the panel hears it: a message it sends on `turnEnded` must find the turn free.
    turn.ended = reply !== undefined;
    this.release(turn);
    if (!reply) return;
    const shown = this.toView(reply, config);
    const notice = ended.notice ? describeTurnNotice(ended.notice) : shown.notice;
    this.panel.post({
      type: 'turnEnded',
      messageId: reply.id,
      status: ended.status,
      ...(shown.model ? { model: shown.model } : {}),
      ...(shown.finishReason ? { finishReason: shown.finishReason } : {}),
      ...(shown.usage ? { usage: shown.usage } : {}),
      ...(shown.error ? { error: shown.error } : {}),
      ...(notice ? { notice } : {}),
      ...(shown.timing ? { timing: shown.timing } : {}),
      ...(shown.leftOut ? { leftOut: shown.leftOut } : {}),
    });
  }

  /** The tools the user allowed "for this conversation" (kept while the window lives). */
  private allowedTools(conversationId: string): Set<string> {
    let allowed = this.allowedByConversation.get(conversationId);
    if (!allowed) this.allowedByConversation.set(conversationId, (allowed = new Set()));
    return allowed;
  }

  private toView(message: ConversationMessage, config: ChatConfiguration): MessageView {
    return {
      id: message.id,
      role: message.role,
      text: message.text,
      status: message.status,
      ...(message.model ? { model: message.model } : {}),
      ...(message.finishReason ? { finishReason: message.finishReason } : {}),
      ...(message.usage ? { usage: message.usage } : {}),
      ...(message.error ? { error: describeGatewayError(message.error, this.lastConfig ?? config) } : {}),
      ...(message.reasoning ? { reasoning: message.reasoning } : {}),
      ...(message.timing ? { timing: { ...message.timing } } : {}),
      ...(message.context?.length ? { context: message.context.map(contextItemView) } : {}),
      ...(message.leftOut ? { leftOut: message.leftOut } : {}),
      ...imagesFor(message),
      ...noticeFor(message),
      ...this.toolsFor(message),
    };
  }

  /** A reply's tool calls, and the questions about them still open. */
  private toolsFor(message: ConversationMessage): Pick<MessageView, 'toolCalls' | 'approvals'> {
    const live = this.turnView;
    const toolCalls = toolCallViews(message, live?.live);
    const approvals = live?.approvalsFor(message.id);
    return { ...(toolCalls ? { toolCalls } : {}), ...(approvals ? { approvals: [...approvals] } : {}) };
  }

  dispose(): void {
    this.stop();
    this.toolRunner.dispose();
  }
}

/**
 * A user message's images for the panel's thumbnails: only data URLs (the panel loads nothing remote). Checked by
 * their head only: a full scan of ten screenshots' data URLs took ~40 ms each, on every snapshot.
 */
function imagesFor(message: ConversationMessage): Pick<MessageView, 'images'> {
  const images = (message.images ?? []).filter((image) => rasterDataUrlType(image.url) !== undefined);
  return images.length > 0 ? { images } : {};
}

/**
 * A finished reply that ended early says why (`length`, a content filter…), one that ended without anything says so;
 * the panel shows it under the text.
 */
function noticeFor(message: ConversationMessage): { notice?: string } {
  if (message.status !== 'done') return {};
  const notice =
    describeFinishReason(message.finishReason) ??
    (isEmptyReply(message) ? vscode.l10n.t('The gateway ended the reply without any text.') : undefined);
  return notice ? { notice } : {};
}

/** A call's arguments as the model sent them, parsed (`{}` when they are not JSON). */
function parseArguments(call: ToolCall): unknown {
  try {
    return JSON.parse(call.function.arguments || '{}') as unknown;
  } catch {
    return {};
  }
}

/** A sent message's context item as its chip shows it (the text the model read stays in the host). */
function contextItemView(item: ContextItem): ContextItemView {
  return {
    kind: item.kind,
    label: item.label,
    ...(item.path !== undefined ? { path: item.path } : {}),
    ...(item.range ? { range: item.range } : {}),
  };
}
