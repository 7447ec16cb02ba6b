import type { PanelStrings } from '../shared/panelStrings';
import type { PanelAction, ErrorView, HostToWebview, MessageView, SendWith, UsageView, WebviewToHost } from '../shared/protocol';
import { messageImages } from './attachments/messageImages';
import { el, icon } from './dom';
import { CODE_ACTION_CLASS, CODE_ACTIONS, type CodeActionName, LINK_CLASS, StreamingMarkdown, highlightSettled } from './markdown';
import { footerTiming } from './replyTiming';
import type { ScrollMemory } from './vscodeApi';

type TurnEnded = Extract<HostToWebview, { type: 'turnEnded' }>;

/** Where the view keeps its scroll position across reloads (the webview state). */
export interface ScrollStore {
  load(): ScrollMemory | undefined;
  save(memory: ScrollMemory | undefined): void;
}

interface RenderedMessage {
  readonly root: HTMLElement;
  /** A user's text as typed, or an assistant's reply rendered from markdown. */
  readonly body: Text | StreamingMarkdown;
  readonly footer: HTMLElement;
  readonly notice: HTMLElement;
  /** Created when the first reasoning text arrives. */
  reasoning?: Text;
  /** How many characters the text has (for a tokens-per-second estimate when the gateway reports no usage). */
  textLength: number;
}

/** A button of a message's toolbar or footer: `button[data-message-action=…]`. */
type MessageButton = 'copy' | 'regenerate' | 'edit' | 'delete' | 'continue';

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
 */
export class ConversationView {
  private readonly rendered = new Map<string, RenderedMessage>();
  private readonly empty: HTMLElement;
  /** Whether the view is at (or near) the bottom, kept from scroll events so an update never has to measure. */
  private following = true;
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

  constructor(
    private readonly container: HTMLElement,
    private readonly strings: PanelStrings,
    private readonly onAction: (action: PanelAction) => void,
    private readonly onOpenLink: (href: string) => void = () => undefined,
    /** Where message and code-block actions go (to the host, which checks and does them). */
    private readonly toHost: (message: WebviewToHost) => void = () => undefined,
    private readonly scrollStore?: ScrollStore,
  ) {
    container.addEventListener('click', (event) => this.onClick(event));
    container.addEventListener('scroll', () => this.onScroll(), { passive: true });
    const byUser = () => (this.userScrolledAt = performance.now());
    for (const type of ['wheel', 'touchmove', 'keydown'] as const) container.addEventListener(type, byUser, { passive: true });
    container.addEventListener('pointerdown', () => ((this.pointerHeld = true), byUser()), { passive: true });
    window.addEventListener('pointerup', () => (this.pointerHeld = false), { passive: true });
    if (typeof ResizeObserver === 'function') {
      this.afterLayout = new ResizeObserver(() => this.scrollNow());
      this.sizeWatch = new ResizeObserver(() => this.scrollNow());
      this.sizeWatch.observe(container);
    }
    container.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof Element && event.target.classList.contains(LINK_CLASS)) this.onClick(event);
    });
    this.empty = el(
      'div',
      { className: 'empty-state' },
      icon('comment-discussion'),
      el('h2', { text: strings.emptyTitle }),
      el('p', { text: strings.emptyHint }),
    );
  }

  replaceAll(messages: readonly MessageView[]): void {
    if (!this.restored) {
      this.restored = true;
      const memory = this.scrollStore?.load();
      if (memory && messages.some((message) => message.id === memory.messageId)) this.restore = memory;
    }
    for (const message of this.rendered.values()) if (message.body instanceof StreamingMarkdown) message.body.dispose();
    this.rendered.clear();
    this.container.replaceChildren();
    if (messages.length === 0) this.container.append(this.empty);
    for (const message of messages) this.add(message, false);
    this.scrollToBottom();
    if (this.restore) this.following = false;
  }

  add(message: MessageView, follow = true): void {
    this.empty.remove();
    const isUser = message.role === 'user';
    const bodyElement = el('div', { className: 'message-body' });
    let body: Text | StreamingMarkdown;
    if (isUser) {
      body = document.createTextNode(message.text);
      bodyElement.append(body);
    } else {
      bodyElement.classList.add('markdown');
      // Not yet in the page (e.g. while a snapshot is restored), a render needs no scrolling and forces no layout.
      const markdown = new StreamingMarkdown(bodyElement, {
        around: (render) => (bodyElement.isConnected ? this.keepFollowing(render) : render()),
        onSettled: highlightSettled,
      });
      markdown.append(message.text);
      if (message.status === 'streaming') markdown.flush();
      else markdown.settle();
      body = markdown;
    }
    const footer = el('div', { className: 'message-footer' });
    const notice = el('div', { className: 'message-notice', attrs: { role: 'status' } });
    const root = el(
      'article',
      {
        className: 'message',
        attrs: { 'data-role': message.role, 'data-id': message.id, 'aria-label': isUser ? this.strings.you : this.strings.assistant },
      },
      el(
        'header',
        { className: 'message-header' },
        icon(isUser ? 'account' : 'sparkle'),
        el('span', { text: isUser ? this.strings.you : this.strings.assistant }),
        this.toolbar(isUser),
      ),
      bodyElement,
      ...(isUser && message.images?.length ? [messageImages(message.images, this.strings)] : []),
      notice,
      footer,
    );
    const rendered: RenderedMessage = { root, body, footer, notice, textLength: message.text.length };
    this.rendered.set(message.id, rendered);
    this.container.append(root);
    if (message.reasoning) this.appendReasoning(message.id, message.reasoning);
    this.applyStatus(rendered, message);
    if (follow) this.scrollToBottom();
  }

  appendText(messageId: string, text: string): void {
    const message = this.rendered.get(messageId);
    if (!message) return;
    message.textLength += text.length;
    if (message.body instanceof StreamingMarkdown) {
      message.body.append(text);
      return;
    }
    this.keepFollowing(() => (message.body as Text).appendData(text));
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

  /** A message's toolbar: copy, then regenerate (replies) or edit (user messages), then delete. */
  private toolbar(isUser: boolean): HTMLElement {
    const buttons: [MessageButton, string, string][] = [
      ['copy', 'copy', this.strings.copyMessage],
      isUser ? ['edit', 'edit', this.strings.editMessage] : ['regenerate', 'refresh', this.strings.regenerate],
      ['delete', 'trash', this.strings.deleteMessage],
    ];
    return el(
      'div',
      { className: 'message-toolbar', attrs: { role: 'toolbar', 'aria-label': this.strings.messageActions } },
      ...buttons.map(([action, codicon, label]) =>
        el('button', { className: 'message-action', attrs: { type: 'button', 'data-message-action': action, title: label, 'aria-label': label } }, icon(codicon)),
      ),
    );
  }

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
    const message = this.rendered.get(messageId);
    if (!message || message.body instanceof StreamingMarkdown) return;
    const existing = message.root.querySelector<HTMLTextAreaElement>('.message-edit textarea');
    if (existing) {
      existing.focus();
      return;
    }
    const bodyElement = message.root.querySelector<HTMLElement>('.message-body');
    if (!bodyElement) return;
    const textarea = el('textarea', { className: 'message-edit-text', attrs: { 'aria-label': this.strings.editLabel, rows: '3' } });
    textarea.value = message.body.data;
    const send = el('button', { className: 'message-edit-send', text: this.strings.send, attrs: { type: 'submit' } });
    const cancel = el('button', { className: 'secondary message-edit-cancel', text: this.strings.cancel, attrs: { type: 'button' } });
    const form = el('form', { className: 'message-edit' }, textarea, el('div', { className: 'message-edit-actions' }, cancel, send));
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

  /** Reasoning goes into a collapsed block above the reply, created on its first text. */
  appendReasoning(messageId: string, text: string): void {
    const message = this.rendered.get(messageId);
    if (!message) return;
    if (!message.reasoning) {
      message.reasoning = document.createTextNode('');
      const block = el(
        'details',
        { className: 'reasoning' },
        el('summary', {}, icon('lightbulb'), el('span', { text: this.strings.reasoning })),
        el('div', { className: 'reasoning-body' }, message.reasoning),
      );
      message.root.querySelector('.message-body')?.before(block);
    }
    message.reasoning.appendData(text);
  }

  showNotice(messageId: string, text: string): void {
    const message = this.rendered.get(messageId);
    if (message) message.notice.textContent = text;
  }

  end(update: TurnEnded): void {
    const message = this.rendered.get(update.messageId);
    if (!message) return;
    // The turn is over: render what is pending now, not on the next frame.
    if (message.body instanceof StreamingMarkdown) message.body.settle();
    this.keepFollowing(() => this.applyStatus(message, update));
  }

  private applyStatus(
    message: RenderedMessage,
    update: Pick<MessageView, 'status' | 'model' | 'usage' | 'finishReason' | 'error' | 'notice' | 'timing'>,
  ): void {
    message.root.dataset.status = update.status;
    message.notice.textContent = update.notice ?? '';
    message.root.setAttribute('aria-busy', String(update.status === 'streaming'));
    const parts: Node[] = [];
    if (update.status === 'stopped') parts.push(el('span', { className: 'badge', text: this.strings.stopped }));
    if (update.status === 'interrupted') parts.push(el('span', { className: 'badge warning', text: this.strings.interrupted }));
    if (update.model) parts.push(el('span', { className: 'meta', text: update.model }));
    const tokens = usageText(update.usage, this.strings);
    if (tokens) parts.push(el('span', { className: 'meta', text: `${tokens} ${this.strings.tokens}` }));
    parts.push(...footerTiming(update.timing, update.usage, message.textLength, this.strings));
    if (update.finishReason && update.finishReason !== 'stop') {
      parts.push(el('span', { className: 'meta', text: `${this.strings.finishedBecause}: ${update.finishReason}` }));
    }
    if (update.status === 'done' && update.finishReason === 'length') {
      parts.push(
        el('button', { className: 'secondary continue-reply', attrs: { type: 'button', 'data-message-action': 'continue' } }, icon('debug-continue'), el('span', { text: this.strings.continueReply })),
      );
    }
    message.footer.replaceChildren(...parts);
    message.root.querySelector('.message-error')?.remove();
    if (update.error) message.root.append(this.renderError(update.error));
  }

  private renderError(error: ErrorView): HTMLElement {
    const labels: Record<PanelAction, string> = {
      setApiKey: this.strings.setApiKey,
      openSettings: this.strings.openSettings,
      retry: this.strings.retry,
      showLog: this.strings.showLog,
      selectModel: this.strings.selectModel,
    };
    const buttons = error.actions.map((action) => {
      const button = el('button', { className: 'secondary', text: labels[action], attrs: { type: 'button', 'data-action': action } });
      button.addEventListener('click', () => this.onAction(action));
      return button;
    });
    return el(
      'div',
      { className: 'message-error', attrs: { role: 'alert' } },
      el('div', { className: 'error-title' }, icon('error'), el('span', { text: error.title })),
      el('div', { className: 'error-detail', text: error.detail }),
      ...(buttons.length ? [el('div', { className: 'error-actions' }, ...buttons)] : []),
    );
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
    if (this.isNearBottom()) this.following = true;
    // Only a move up by the user stops following: text growing below, or the view's own scrolls, never do.
    else if (movedUp && (this.pointerHeld || performance.now() - this.userScrolledAt < USER_SCROLL_MS)) this.following = false;
    if (!this.scrollStore) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.scrollStore?.save(this.following ? undefined : this.scrollMemory()), SAVE_SCROLL_MS);
  }

  /** The first message whose bottom is below the top of the view, and where its top is. */
  private scrollMemory(): ScrollMemory | undefined {
    const top = this.container.getBoundingClientRect().top;
    for (const [messageId, message] of this.rendered) {
      const box = message.root.getBoundingClientRect();
      if (box.bottom > top) return { messageId, offset: Math.round(box.top - top) };
    }
    return undefined;
  }

  private restoreScroll(memory: ScrollMemory): void {
    const message = this.rendered.get(memory.messageId);
    if (!message) return;
    const offset = message.root.getBoundingClientRect().top - this.container.getBoundingClientRect().top;
    this.container.scrollTop += offset - memory.offset;
    this.following = this.isNearBottom();
  }
}

function usageText(usage: UsageView | undefined, strings: PanelStrings): string {
  if (!usage) return '';
  const { promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens } = usage;
  if (promptTokens === undefined || completionTokens === undefined) return totalTokens !== undefined ? String(totalTokens) : '';
  const prompt = cachedTokens ? `${promptTokens} (${cachedTokens} ${strings.cached})` : String(promptTokens);
  const completion = reasoningTokens ? `${completionTokens} (${reasoningTokens} ${strings.reasoningTokens})` : String(completionTokens);
  return `${prompt} → ${completion}`;
}
