import type { PanelStrings } from '../shared/panelStrings';
import type {
  ApprovalDecisionView,
  ApprovalView,
  PanelAction,
  MessageView,
  ReplyEnd,
  SendWith,
  ToolCallView,
  WebviewToHost,
} from '../shared/protocol';
import { el, icon } from './dom';
import { CODE_ACTION_CLASS, CODE_ACTIONS, type CodeActionName, LINK_CLASS, StreamingMarkdown } from './markdown';
import {
  appendReasoning,
  applyStatus,
  type MessageButton,
  type MessageElementContext,
  type RenderedMessage,
  renderMessage,
  showLeftOut,
  toolsOf,
} from './messageElement';
import type { ApprovalCard } from './tools/approvalCard';
import type { MessageToolsContext } from './tools/messageTools';
import type { ScrollMemory } from './vscodeApi';

type TurnEnded = ReplyEnd;

/** Where the view keeps its scroll position across reloads (the webview state). */
export interface ScrollStore {
  load(): ScrollMemory | undefined;
  save(memory: ScrollMemory | undefined): void;
}

/** A message of the conversation: what it says now (kept up to date while it streams), and its element when shown. */
interface Entry {
  view: Mutable<MessageView>;
  rendered?: RenderedMessage;
  /** The tool-call rows the user opened (by call index), kept when the message is rendered again. */
  openCalls?: Set<number>;
}

/** A piece of a tool call as it forms in the stream (see `toolCallDelta`). */
export interface ToolCallPiece {
  readonly index: number;
  readonly id?: string;
  readonly name?: string;
  readonly argumentsDelta: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How many of the latest messages are in the page when a conversation opens; earlier ones come in batches this big. */
export const MESSAGE_BATCH = 40;
/** While the view follows the bottom, messages beyond this many are taken out of the page again (oldest first). */
const MAX_RENDERED = 3 * MESSAGE_BATCH;
/** Pixels from the bottom within which the view keeps following new text. */
const STICK_TO_BOTTOM_PX = 40;
/** How long after a wheel turn, a touch or a key press scroll events are taken as the user's. */
const USER_SCROLL_MS = 1000;
/** The position is stored once scrolling has paused this long. */
const SAVE_SCROLL_MS = 250;

/**
 * The list of messages. A user's message is a text node. A reply is markdown rendered into DOM nodes built from
 * markdown-it's tokens (never HTML strings), incrementally while it streams (see `StreamingMarkdown`), so the cost of
 * a delta does not grow with the length of the reply. Links are posted to the host, which checks them; images never
 * load.
 *
 * Only the latest messages are in the page (a window of `MESSAGE_BATCH`, growing by a batch each time the user
 * scrolls up to its top or presses "Show earlier messages"), so opening a long conversation and streaming at its end
 * cost the same as in a short one.
 */
export class ConversationView {
  private entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  /** Index in `entries` of the first message in the page; the ones before it are not rendered. */
  private firstShown = 0;
  private readonly empty: HTMLElement;
  /** Above the first message shown when there are earlier ones: a button that shows them. */
  private readonly earlier: HTMLElement;
  private readonly earlierButton: HTMLButtonElement;
  private readonly elementContext: MessageElementContext;
  /** Whether the view is at (or near) the bottom, kept from scroll events so an update never has to measure. */
  private followingBottom = true;
  /** Scrolls to the bottom right after the next layout (a newly observed element is always reported once). */
  private readonly afterLayout: ResizeObserver | undefined;
  private scrollPending = false;
  /** Keeps following when the view or its last message changes size for other reasons (fonts, the composer). */
  private readonly sizeWatch: ResizeObserver | undefined;
  private watchedLast: Element | null = null;
  /** When the user last used the wheel, a touch, the scroll bar or a key: scroll events soon after are theirs. */
  private userScrolledAt = Number.NEGATIVE_INFINITY;
  /** Where the last scroll event left the view, to tell a move up from a move down. */
  private lastScrollTop = 0;
  private pointerHeld = false;
  /** A stored position to go back to after the first snapshot (the panel was recreated, e.g. by a reload). */
  private restore: ScrollMemory | undefined;
  private restored = false;
  private restorePasses = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The decisions made on approval cards still shown (`messageId`, newline, `callId`), across re-renders. */
  private readonly decisions = new Map<string, ApprovalDecisionView>();

  constructor(
    private readonly container: HTMLElement,
    private readonly strings: PanelStrings,
    onAction: (action: PanelAction) => void,
    private readonly onOpenLink: (href: string) => void = () => undefined,
    /** Where message and code-block actions go (to the host, which checks and does them). */
    private readonly toHost: (message: WebviewToHost) => void = () => undefined,
    private readonly scrollStore?: ScrollStore,
  ) {
    this.elementContext = {
      strings,
      onAction,
      keepFollowing: (render) => this.keepFollowing(render),
      tools: (messageId) => this.toolsContext(messageId),
    };
    container.addEventListener('click', (event) => this.onClick(event));
    container.addEventListener('scroll', () => this.onScroll(), { passive: true });
    const byUser = () => (this.userScrolledAt = performance.now());
    for (const type of ['wheel', 'touchmove', 'keydown'] as const)
      container.addEventListener(type, byUser, { passive: true });
    container.addEventListener('pointerdown', () => ((this.pointerHeld = true), byUser()), { passive: true });
    window.addEventListener('pointerup', () => (this.pointerHeld = false), { passive: true });
    if (typeof ResizeObserver === 'function') {
      this.afterLayout = new ResizeObserver(() => this.scrollNow());
      this.sizeWatch = new ResizeObserver(() => this.scrollNow());
      this.sizeWatch.observe(container);
    }
    container.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof Element && event.target.classList.contains(LINK_CLASS))
        this.onClick(event);
    });
    this.empty = el(
      'div',
      { className: 'empty-state' },
      icon('comment-discussion'),
      el('h2', { text: strings.emptyTitle }),
      el('p', { text: strings.emptyHint }),
    );
    this.earlierButton = el('button', { className: 'secondary', attrs: { type: 'button' } });
    this.earlierButton.addEventListener('click', () => this.showEarlier(true));
    this.earlier = el('div', { className: 'earlier-messages' }, this.earlierButton);
  }

  private get following(): boolean {
    return this.followingBottom;
  }

  /**
   * Reading above (not following), a streaming reply below the view is laid out only once it comes into view
   * (`.reading-above` in chat.css), so its updates cost nothing however long the conversation is.
   */
  private set following(value: boolean) {
    if (value === this.followingBottom) return;
    this.followingBottom = value;
    this.container.classList.toggle('reading-above', !value);
  }

  /**
   * Shows a conversation. The same conversation again (after an edit, a delete, a change of model) keeps the messages
   * the user had brought into the page and, unless the view was following the bottom, the scroll position.
   */
  replaceAll(messages: readonly MessageView[], sameConversation = false): void {
    let keepFrom: string | undefined;
    if (sameConversation && this.entries.length > 0) {
      keepFrom = this.entries[this.firstShown]?.view.id;
      if (!this.following) {
        this.restore = this.scrollMemory();
        this.restorePasses = 0;
      }
    }
    if (!this.restored) {
      this.restored = true;
      const memory = this.scrollStore?.load();
      if (memory && messages.some((message) => message.id === memory.messageId)) this.restore = memory;
    }
    // The page is cleared below at once: only pending renders need stopping here.
    for (const { rendered } of this.entries) if (rendered?.body instanceof StreamingMarkdown) rendered.body.dispose();
    const openCalls = new Map(this.entries.map((entry) => [entry.view.id, entry.openCalls]));
    if (!sameConversation) this.decisions.clear();
    this.entries = messages.map((message) => ({
      view: { ...message },
      ...(sameConversation && openCalls.get(message.id) ? { openCalls: openCalls.get(message.id) } : {}),
    }));
    this.byId.clear();
    for (const entry of this.entries) this.byId.set(entry.view.id, entry);
    // A decision is kept only while its card is still open.
    const open = new Set(
      this.entries.flatMap(({ view }) => (view.approvals ?? []).map((a) => this.decisionKey(view.id, a.callId))),
    );
    for (const key of [...this.decisions.keys()]) if (!open.has(key)) this.decisions.delete(key);
    let first = Math.max(0, this.entries.length - MESSAGE_BATCH);
    for (const id of [keepFrom, this.restore?.messageId]) {
      const index = id === undefined ? -1 : this.entries.findIndex((entry) => entry.view.id === id);
      if (index !== -1) first = Math.min(first, index);
    }
    if (this.restore && !this.byId.has(this.restore.messageId)) this.restore = undefined;
    this.firstShown = first;
    this.container.replaceChildren();
    if (this.entries.length === 0) this.container.append(this.empty);
    this.container.append(this.renderRange(first, this.entries.length));
    this.updateEarlier();
    this.scrollToBottom();
    if (this.restore) this.following = false;
  }

  add(message: MessageView, follow = true): void {
    this.empty.remove();
    const entry: Entry = { view: { ...message } };
    this.entries.push(entry);
    this.byId.set(message.id, entry);
    this.container.append(this.renderRange(this.entries.length - 1, this.entries.length));
    if (this.following && this.entries.length - this.firstShown > MAX_RENDERED) this.dropEarliest();
    if (follow) this.scrollToBottom();
  }

  appendText(messageId: string, text: string): void {
    const entry = this.byId.get(messageId);
    if (!entry) return;
    entry.view.text += text;
    const message = entry.rendered;
    if (!message) return;
    message.textLength += text.length;
    if (message.body instanceof StreamingMarkdown) {
      message.body.append(text);
      return;
    }
    this.keepFollowing(() => (message.body as Text).appendData(text));
  }

  /** Reasoning goes into a collapsed block above the reply, created on its first text. */
  appendReasoning(messageId: string, text: string): void {
    const entry = this.byId.get(messageId);
    if (!entry) return;
    entry.view.reasoning = (entry.view.reasoning ?? '') + text;
    if (entry.rendered) appendReasoning(entry.rendered, text, this.strings);
  }

  showNotice(messageId: string, text: string): void {
    const entry = this.byId.get(messageId);
    if (!entry) return;
    entry.view.notice = text;
    if (entry.rendered) entry.rendered.notice.textContent = text;
  }

  end(update: TurnEnded): void {
    const entry = this.byId.get(update.messageId);
    if (!entry) return;
    const { status, model, finishReason, usage, error, notice, timing } = update;
    Object.assign(entry.view, { status, model, finishReason, usage, error, notice, timing });
    if (update.leftOut) entry.view.leftOut = update.leftOut;
    const message = entry.rendered;
    if (!message) return;
    if (update.leftOut) showLeftOut(message, update.leftOut, this.elementContext.strings);
    // The turn is over: render what is pending now, not on the next frame.
    if (message.body instanceof StreamingMarkdown) message.body.settle();
    this.keepFollowing(() => applyStatus(message, update, this.elementContext));
  }

  /** A piece of a tool call taking shape in the stream: its arguments grow (appended, nothing re-rendered). */
  formToolCall(messageId: string, piece: ToolCallPiece): void {
    const entry = this.byId.get(messageId);
    if (!entry) return;
    const calls = [...(entry.view.toolCalls ?? [])];
    const at = calls.findIndex((call) => call.index === piece.index);
    const existing: ToolCallView =
      at === -1 ? { id: '', index: piece.index, name: '', arguments: '', stage: 'forming' } : calls[at];
    const call: ToolCallView = {
      ...existing,
      id: existing.id || piece.id || '',
      name: existing.name || piece.name || '',
      arguments: existing.arguments + piece.argumentsDelta,
    };
    if (at === -1) calls.push(call);
    else calls[at] = call;
    entry.view.toolCalls = calls;
    const message = entry.rendered;
    if (!message) return;
    this.keepFollowing(() => toolsOf(message, messageId, this.elementContext)?.form(call, piece.argumentsDelta));
  }

  /** A tool call changed (complete, waiting, running, answered): it replaces the one with the same index. */
  updateToolCall(messageId: string, call: ToolCallView): void {
    const entry = this.byId.get(messageId);
    if (!entry) return;
    const calls = [...(entry.view.toolCalls ?? [])];
    const at = calls.findIndex((existing) => existing.index === call.index);
    if (at === -1) calls.push(call);
    else calls[at] = call;
    entry.view.toolCalls = calls.sort((a, b) => a.index - b.index);
    // Running or answered, it waits for nobody: its question is over.
    if (call.id && (call.stage === 'running' || call.stage === 'answered')) this.forgetApprovals(entry, [call.id]);
    const message = entry.rendered;
    if (!message) return;
    const firstCall = !message.tools?.hasCalls;
    this.keepFollowing(() => toolsOf(message, messageId, this.elementContext)?.update(call));
    // The footer leaves out a "tool_calls" finish reason once the calls are shown.
    if (firstCall && entry.view.status !== 'streaming' && entry.view.finishReason === 'tool_calls')
      applyStatus(message, entry.view, this.elementContext);
  }

  /** Shows a card for each call the user is asked about; returns the cards shown (none if the reply is not). */
  requestApprovals(messageId: string, approvals: readonly ApprovalView[]): ApprovalCard[] {
    const entry = this.byId.get(messageId);
    if (!entry || approvals.length === 0) return [];
    const asked = new Set(approvals.map((approval) => approval.callId));
    entry.view.approvals = [...(entry.view.approvals ?? []).filter((open) => !asked.has(open.callId)), ...approvals];
    for (const callId of asked) this.decisions.delete(this.decisionKey(messageId, callId));
    const message = entry.rendered;
    if (!message) return [];
    let cards: ApprovalCard[] = [];
    this.keepFollowing(() => (cards = toolsOf(message, messageId, this.elementContext)?.addApprovals(approvals) ?? []));
    return cards;
  }

  /** The questions are over (Stop came, or another window answered): their cards go. */
  withdrawApprovals(messageId: string, callIds: readonly string[]): void {
    const entry = this.byId.get(messageId);
    if (entry) this.forgetApprovals(entry, callIds);
  }

  private forgetApprovals(entry: Entry, callIds: readonly string[]): void {
    const gone = new Set(callIds);
    if (entry.view.approvals?.some((approval) => gone.has(approval.callId))) {
      entry.view.approvals = entry.view.approvals.filter((approval) => !gone.has(approval.callId));
    }
    for (const callId of callIds) this.decisions.delete(this.decisionKey(entry.view.id, callId));
    entry.rendered?.tools?.removeApprovals(callIds);
  }

  private decisionKey(messageId: string, callId: string): string {
    return `${messageId}\n${callId}`;
  }

  private toolsContext(messageId: string): MessageToolsContext {
    const entry = () => this.byId.get(messageId);
    return {
      strings: this.strings,
      isOpen: (index) => entry()?.openCalls?.has(index) ?? false,
      onToggle: (index, open) => {
        const current = entry();
        if (!current) return;
        current.openCalls ??= new Set();
        if (open) current.openCalls.add(index);
        else current.openCalls.delete(index);
      },
      decisionOf: (callId) => this.decisions.get(this.decisionKey(messageId, callId)),
      onDecide: (callId, decision) => {
        this.decisions.set(this.decisionKey(messageId, callId), decision);
        this.toHost({ type: 'toolDecision', messageId, callId, decision });
      },
    };
  }

  /** The elements of `entries[from, to)`, rendered now, in a fragment to put into the page. */
  private renderRange(from: number, to: number): DocumentFragment {
    const fragment = document.createDocumentFragment();
    for (const entry of this.entries.slice(from, to)) {
      entry.rendered = renderMessage(entry.view, this.elementContext);
      fragment.append(entry.rendered.root);
    }
    return fragment;
  }

  private unrender(entry: Entry): void {
    if (!entry.rendered) return;
    if (entry.rendered.body instanceof StreamingMarkdown) entry.rendered.body.dispose();
    entry.rendered.root.remove();
    entry.rendered = undefined;
  }

  /**
   * Brings the previous batch of messages into the page, above the first one shown, keeping what the user sees where
   * it is. From the button, focus moves to the first message brought in.
   */
  showEarlier(fromButton = false): void {
    if (this.firstShown === 0) return;
    const anchor = this.entries[this.firstShown].rendered?.root;
    const before = anchor?.getBoundingClientRect().top ?? 0;
    const from = Math.max(0, this.firstShown - MESSAGE_BATCH);
    const fragment = this.renderRange(from, this.firstShown);
    const firstNew = fragment.firstElementChild;
    this.earlier.after(fragment);
    this.firstShown = from;
    this.updateEarlier();
    // The browser's scroll anchoring may have kept the position already; whatever it left is corrected here.
    if (anchor) this.container.scrollTop += anchor.getBoundingClientRect().top - before;
    if (fromButton && firstNew instanceof HTMLElement) {
      firstNew.tabIndex = -1;
      firstNew.focus({ preventScroll: true });
    }
  }

  /** Takes the oldest messages out of the page, leaving the latest batch (only while the view follows the bottom). */
  private dropEarliest(): void {
    const keepFrom = this.entries.length - MESSAGE_BATCH;
    for (let index = this.firstShown; index < keepFrom; index++) this.unrender(this.entries[index]);
    this.firstShown = keepFrom;
    this.updateEarlier();
  }

  private updateEarlier(): void {
    if (this.firstShown === 0) {
      this.earlier.remove();
      return;
    }
    this.earlierButton.replaceChildren(
      icon('fold-up'),
      el('span', { text: `${this.strings.showEarlier} (${this.firstShown})` }),
    );
    if (this.container.firstChild !== this.earlier) this.container.prepend(this.earlier);
  }

  /**
   * Runs a change to the content, keeping the view at the bottom if it was there. Nothing is measured here: whether
   * the view follows is known from scroll events, and the scroll itself waits for the layout the next frame does
   * anyway, so a streamed update never forces a layout of the whole conversation.
   */
  private keepFollowing(change: () => void): void {
    change();
    if (this.following) this.scrollToBottom();
  }

  private onClick(event: Event): void {
    const target = event.target instanceof Element ? event.target : null;
    const link = target?.closest<HTMLElement>(`.${LINK_CLASS}`);
    if (link && this.container.contains(link)) {
      event.preventDefault();
      const href = link.dataset.href;
      if (href) this.onOpenLink(href);
      return;
    }
    const codeButton = target?.closest<HTMLElement>(`.${CODE_ACTION_CLASS}`);
    if (codeButton && this.container.contains(codeButton)) {
      this.codeAction(codeButton);
      return;
    }
    const messageButton = target?.closest<HTMLElement>('[data-message-action]');
    const messageId = messageButton?.closest<HTMLElement>('.message')?.dataset.id;
    if (messageButton && messageId && this.container.contains(messageButton)) {
      this.messageAction(messageButton.dataset.messageAction as MessageButton, messageId);
    }
  }

  /** Which key sends an edited message (as in the composer). */
  sendWith: SendWith = 'enter';

  private messageAction(action: MessageButton, messageId: string): void {
    if (action === 'edit') {
      this.startEditing(messageId);
      return;
    }
    this.toHost({ type: 'messageAction', action, messageId });
  }

  /** A code block's button: its raw code (the text of `pre > code`, whatever highlighting is inside) and language. */
  private codeAction(button: HTMLElement): void {
    const action = button.dataset.codeAction;
    if (!CODE_ACTIONS.includes(action as CodeActionName)) return;
    const pre = button.closest('pre');
    const code = pre?.querySelector(':scope > code')?.textContent ?? '';
    const language = pre?.dataset.language;
    this.toHost({ type: 'codeAction', action: action as CodeActionName, code, ...(language ? { language } : {}) });
  }

  /**
   * Edit & resend: the user message becomes a text box with Send and Cancel. Send asks the host to replace the text
   * and drop the turns after it; the host's snapshot then shows the result (a refused edit keeps the box open).
   */
  private startEditing(messageId: string): void {
    const message = this.byId.get(messageId)?.rendered;
    if (!message || message.body instanceof StreamingMarkdown) return;
    const existing = message.root.querySelector<HTMLTextAreaElement>('.message-edit textarea');
    if (existing) {
      existing.focus();
      return;
    }
    const bodyElement = message.root.querySelector<HTMLElement>('.message-body');
    if (!bodyElement) return;
    const textarea = el('textarea', {
      className: 'message-edit-text',
      attrs: { 'aria-label': this.strings.editLabel, rows: '3' },
    });
    textarea.value = message.body.data;
    const send = el('button', { className: 'message-edit-send', text: this.strings.send, attrs: { type: 'submit' } });
    const cancel = el('button', {
      className: 'secondary message-edit-cancel',
      text: this.strings.cancel,
      attrs: { type: 'button' },
    });
    const form = el(
      'form',
      { className: 'message-edit' },
      textarea,
      el('div', { className: 'message-edit-actions' }, cancel, send),
    );
    const close = () => {
      form.remove();
      bodyElement.hidden = false;
      message.root.querySelector<HTMLElement>('[data-message-action="edit"]')?.focus();
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = textarea.value;
      if (text.trim().length === 0) return;
      this.toHost({ type: 'editMessage', messageId, text });
    });
    cancel.addEventListener('click', close);
    textarea.addEventListener('keydown', (event) => {
      if (event.isComposing || event.keyCode === 229) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
        return;
      }
      const modifier = event.ctrlKey || event.metaKey;
      if (event.key === 'Enter' && !event.shiftKey && (modifier || this.sendWith === 'enter')) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    bodyElement.hidden = true;
    bodyElement.after(form);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }

  /** Measures: only for scroll events, when the layout is already done. */
  private isNearBottom(): boolean {
    const box = this.container;
    return box.scrollHeight - box.scrollTop - box.clientHeight <= STICK_TO_BOTTOM_PX;
  }

  /** Scrolls to the bottom after the next layout, before it is painted. */
  private scrollToBottom(): void {
    this.following = true;
    if (!this.afterLayout) {
      this.scrollNow();
      return;
    }
    if (this.scrollPending) return;
    this.scrollPending = true;
    this.afterLayout.observe(this.container);
  }

  /** Runs after a layout (from the observers): the measures are up to date, so reading them costs nothing. */
  private scrollNow(): void {
    if (this.scrollPending) this.afterLayout?.unobserve(this.container);
    this.scrollPending = false;
    if (this.restore) {
      this.restoreScroll(this.restore);
      // Messages that come into view get their real sizes in the next layout: correct once more after it.
      if (this.restorePasses++ === 0) {
        this.scrollPending = true;
        this.afterLayout?.observe(this.container);
      } else this.restore = undefined;
      return;
    }
    const last = this.container.lastElementChild;
    if (this.sizeWatch && last !== this.watchedLast) {
      if (this.watchedLast) this.sizeWatch.unobserve(this.watchedLast);
      if (last) this.sizeWatch.observe(last);
      this.watchedLast = last;
    }
    if (!this.following) return;
    this.container.scrollTop = this.container.scrollHeight;
  }

  /**
   * At the bottom, the view follows new text again. Above it, it stops following only when the user scrolled: the
   * view's own scrolls, and the browser's scroll anchoring as settled messages get their real sizes, do not count.
   */
  private onScroll(): void {
    const top = this.container.scrollTop;
    const movedUp = top < this.lastScrollTop;
    this.lastScrollTop = top;
    const byUser = this.pointerHeld || performance.now() - this.userScrolledAt < USER_SCROLL_MS;
    if (this.isNearBottom()) this.following = true;
    // Only a move up by the user stops following: text growing below, or the view's own scrolls, never do.
    else if (movedUp && byUser) this.following = false;
    // The user nears the top of what is shown: the earlier messages come in before they get there (not while the
    // button has focus: a keyboard user on it decides with Enter).
    if (
      byUser &&
      movedUp &&
      this.firstShown > 0 &&
      top < this.container.clientHeight &&
      document.activeElement !== this.earlierButton
    )
      this.showEarlier();
    if (!this.scrollStore) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(
      () => this.scrollStore?.save(this.following ? undefined : this.scrollMemory()),
      SAVE_SCROLL_MS,
    );
  }

  /** The first message whose bottom is below the top of the view, and where its top is. */
  private scrollMemory(): ScrollMemory | undefined {
    const top = this.container.getBoundingClientRect().top;
    for (const { view, rendered } of this.entries.slice(this.firstShown)) {
      const box = rendered?.root.getBoundingClientRect();
      if (box && box.bottom > top) return { messageId: view.id, offset: Math.round(box.top - top) };
    }
    return undefined;
  }

  private restoreScroll(memory: ScrollMemory): void {
    const message = this.byId.get(memory.messageId)?.rendered;
    if (!message) return;
    const offset = message.root.getBoundingClientRect().top - this.container.getBoundingClientRect().top;
    this.container.scrollTop += offset - memory.offset;
    this.following = this.isNearBottom();
  }
}
