import type { PanelStrings } from '../shared/panelStrings';
import type { PanelAction, ErrorView, HostToWebview, MessageView, UsageView } from '../shared/protocol';
import { el, icon } from './dom';

type TurnEnded = Extract<HostToWebview, { type: 'turnEnded' }>;

interface RenderedMessage {
  readonly root: HTMLElement;
  readonly body: Text;
  readonly footer: HTMLElement;
  readonly notice: HTMLElement;
  /** Created when the first reasoning text arrives. */
  reasoning?: Text;
}

/** Pixels from the bottom within which the view keeps following new text. */
const STICK_TO_BOTTOM_PX = 40;

/**
 * The list of messages. Reply text is appended to a text node as it arrives, so the cost of a delta does not grow
 * with the length of the reply, and model output is only ever text, never markup.
 */
export class ConversationView {
  private readonly rendered = new Map<string, RenderedMessage>();
  private readonly empty: HTMLElement;

  constructor(
    private readonly container: HTMLElement,
    private readonly strings: PanelStrings,
    private readonly onAction: (action: PanelAction) => void,
  ) {
    this.empty = el(
      'div',
      { className: 'empty-state' },
      icon('comment-discussion'),
      el('h2', { text: strings.emptyTitle }),
      el('p', { text: strings.emptyHint }),
    );
  }

  replaceAll(messages: readonly MessageView[]): void {
    this.rendered.clear();
    this.container.replaceChildren();
    if (messages.length === 0) this.container.append(this.empty);
    for (const message of messages) this.add(message, false);
    this.scrollToBottom();
  }

  add(message: MessageView, follow = true): void {
    this.empty.remove();
    const body = document.createTextNode(message.text);
    const footer = el('div', { className: 'message-footer' });
    const notice = el('div', { className: 'message-notice', attrs: { role: 'status' } });
    const isUser = message.role === 'user';
    const root = el(
      'article',
      {
        className: 'message',
        attrs: { 'data-role': message.role, 'data-id': message.id, 'aria-label': isUser ? this.strings.you : this.strings.assistant },
      },
      el('header', { className: 'message-header' }, icon(isUser ? 'account' : 'sparkle'), el('span', { text: isUser ? this.strings.you : this.strings.assistant })),
      el('div', { className: 'message-body' }, body),
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
    const follow = this.isNearBottom();
    message.body.appendData(text);
    if (follow) this.scrollToBottom();
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
