import type { PanelStrings } from '../shared/panelStrings';
import type { PanelAction, ErrorView, HostToWebview, MessageView, UsageView } from '../shared/protocol';
import { messageImages } from './attachments/messageImages';
import { el, icon } from './dom';
import { COPY_BUTTON_CLASS, LINK_CLASS, StreamingMarkdown } from './markdown';

type TurnEnded = Extract<HostToWebview, { type: 'turnEnded' }>;

interface RenderedMessage {
  readonly root: HTMLElement;
  /** A user's text as typed, or an assistant's reply rendered from markdown. */
  readonly body: Text | StreamingMarkdown;
  readonly footer: HTMLElement;
  readonly notice: HTMLElement;
  /** Created when the first reasoning text arrives. */
  reasoning?: Text;
}

/** Pixels from the bottom within which the view keeps following new text. */
const STICK_TO_BOTTOM_PX = 40;

/**
 * The list of messages. A user's message is a text node. A reply is markdown rendered into DOM nodes built from
 * markdown-it's tokens (never HTML strings), incrementally while it streams (see `StreamingMarkdown`), so the cost of
 * a delta does not grow with the length of the reply. Links are posted to the host, which checks them; images never
 * load.
 */
export class ConversationView {
  private readonly rendered = new Map<string, RenderedMessage>();
  private readonly empty: HTMLElement;

  constructor(
    private readonly container: HTMLElement,
    private readonly strings: PanelStrings,
    private readonly onAction: (action: PanelAction) => void,
    private readonly onOpenLink: (href: string) => void = () => undefined,
  ) {
    container.addEventListener('click', (event) => this.onClick(event));
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
    for (const message of this.rendered.values()) if (message.body instanceof StreamingMarkdown) message.body.dispose();
    this.rendered.clear();
    this.container.replaceChildren();
    if (messages.length === 0) this.container.append(this.empty);
    for (const message of messages) this.add(message, false);
    this.scrollToBottom();
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
      const markdown = new StreamingMarkdown(bodyElement, { around: (render) => (bodyElement.isConnected ? this.keepFollowing(render) : render()) });
      markdown.append(message.text);
      markdown.flush();
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
      el('header', { className: 'message-header' }, icon(isUser ? 'account' : 'sparkle'), el('span', { text: isUser ? this.strings.you : this.strings.assistant })),
      bodyElement,
      ...(isUser && message.images?.length ? [messageImages(message.images, this.strings)] : []),
      notice,
      footer,
    );
    const rendered: RenderedMessage = { root, body, footer, notice };
    this.rendered.set(message.id, rendered);
    this.container.append(root);
    if (message.reasoning) this.appendReasoning(message.id, message.reasoning);
    this.applyStatus(rendered, message);
    if (follow) this.scrollToBottom();
  }

  appendText(messageId: string, text: string): void {
    const message = this.rendered.get(messageId);
    if (!message) return;
    if (message.body instanceof StreamingMarkdown) {
      message.body.append(text);
      return;
    }
    this.keepFollowing(() => (message.body as Text).appendData(text));
  }

  /** Runs a change to the content, keeping the view at the bottom if it was there. */
  private keepFollowing(change: () => void): void {
    const follow = this.isNearBottom();
    change();
    if (follow) this.scrollToBottom();
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
    const copy = target?.closest<HTMLElement>(`.${COPY_BUTTON_CLASS}`);
    if (copy && this.container.contains(copy)) {
      const code = copy.closest('pre')?.querySelector('code')?.textContent ?? '';
      try {
        void navigator.clipboard.writeText(code).catch(() => undefined);
      } catch {
        // No clipboard in this context: nothing to do.
      }
    }
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
    if (message.body instanceof StreamingMarkdown) message.body.flush();
    const follow = this.isNearBottom();
    this.applyStatus(message, update);
    if (follow) this.scrollToBottom();
  }

  private applyStatus(
    message: RenderedMessage,
    update: Pick<MessageView, 'status' | 'model' | 'usage' | 'finishReason' | 'error' | 'notice'>,
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
    if (update.finishReason && update.finishReason !== 'stop') {
      parts.push(el('span', { className: 'meta', text: `${this.strings.finishedBecause}: ${update.finishReason}` }));
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

  private isNearBottom(): boolean {
    const box = this.container;
    return box.scrollHeight - box.scrollTop - box.clientHeight <= STICK_TO_BOTTOM_PX;
  }

  private scrollToBottom(): void {
    this.container.scrollTop = this.container.scrollHeight;
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
