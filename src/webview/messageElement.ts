import type { PanelStrings } from '../shared/panelStrings';
import type { ErrorView, MessageView, PanelAction, UsageView } from '../shared/protocol';
import { messageContextChips } from './attachments/contextChips';
import { messageImages } from './attachments/messageImages';
import { el, icon } from './dom';
import { StreamingMarkdown, highlightSettled } from './markdown';
import { footerTiming } from './replyTiming';
import { MessageTools, type MessageToolsContext } from './tools/messageTools';

/** One message in the page: its element and the parts that change while it streams or ends. */
export interface RenderedMessage {
  readonly root: HTMLElement;
  /** A user's text as typed, or an assistant's reply rendered from markdown. */
  readonly body: Text | StreamingMarkdown;
  readonly footer: HTMLElement;
  readonly notice: HTMLElement;
  /** Created when the first reasoning text arrives. */
  reasoning?: Text;
  /** How many characters the text has (for a tokens-per-second estimate when the gateway reports no usage). */
  textLength: number;
  /** A reply's tool calls and approval cards, created with the first of them. */
  tools?: MessageTools;
}

/** A button of a message's toolbar or footer: `button[data-message-action=…]`. */
export type MessageButton = 'copy' | 'regenerate' | 'edit' | 'delete' | 'continue';

/** What a message element needs from the view that shows it. */
export interface MessageElementContext {
  readonly strings: PanelStrings;
  /** Wraps each render of a streamed reply (the view keeps following the bottom). */
  readonly keepFollowing: (render: () => void) => void;
  /** The buttons of an error (Set API Key, Retry, ...). */
  readonly onAction: (action: PanelAction) => void;
  /** What the tool calls and approval cards of reply `messageId` need (their state is kept by the view). */
  readonly tools?: (messageId: string) => MessageToolsContext;
}

/** Builds a message's element, not yet in the page. */
export function renderMessage(message: MessageView, context: MessageElementContext): RenderedMessage {
  const { strings } = context;
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
      around: (render) => (bodyElement.isConnected ? context.keepFollowing(render) : render()),
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
      attrs: {
        'data-role': message.role,
        'data-id': message.id,
        'aria-label': isUser ? strings.you : strings.assistant,
      },
    },
    el(
      'header',
      { className: 'message-header' },
      icon(isUser ? 'account' : 'sparkle'),
      el('span', { text: isUser ? strings.you : strings.assistant }),
      toolbar(isUser, strings),
    ),
    ...(isUser && message.context?.length ? [messageContextChips(message.context, strings)] : []),
    ...(!isUser && message.leftOut ? [leftOutNote(message.leftOut, strings)] : []),
    bodyElement,
    ...(isUser && message.images?.length ? [messageImages(message.images, strings)] : []),
    notice,
    footer,
  );
  const rendered: RenderedMessage = { root, body, footer, notice, textLength: message.text.length };
  if (message.reasoning) appendReasoning(rendered, message.reasoning, strings);
  if (!isUser && (message.toolCalls?.length || message.approvals?.length)) {
    const tools = toolsOf(rendered, message.id, context);
    for (const call of message.toolCalls ?? []) tools?.update(call);
    if (message.approvals?.length) tools?.addApprovals(message.approvals);
  }
  applyStatus(rendered, message, context);
  return rendered;
}

/** Shows, once the reply ends, that its request left out earlier messages (the note goes above the reply's text). */
export function showLeftOut(message: RenderedMessage, count: number, strings: PanelStrings): void {
  if (message.root.querySelector(':scope > .message-left-out')) return;
  message.root.querySelector(':scope > .message-body')?.before(leftOutNote(count, strings));
}

/** Earlier messages were left out of this reply's request: the model did not see them. */
function leftOutNote(count: number, strings: PanelStrings): HTMLElement {
  return el(
    'div',
    { className: 'message-left-out', attrs: { role: 'note' } },
    icon('info'),
    el('span', { text: strings.leftOutNotice.replace('{0}', String(count)) }),
  );
}

/** Reasoning goes into a collapsed block above the reply, created on its first text. */
export function appendReasoning(message: RenderedMessage, text: string, strings: PanelStrings): void {
  if (!message.reasoning) {
    message.reasoning = document.createTextNode('');
    const block = el(
      'details',
      { className: 'reasoning' },
      el('summary', {}, icon('lightbulb'), el('span', { text: strings.reasoning })),
      el('div', { className: 'reasoning-body' }, message.reasoning),
    );
    message.root.querySelector('.message-body')?.before(block);
  }
  message.reasoning.appendData(text);
}

/** The tool calls and approval cards of a reply, created (below its text) on the first call. */
export function toolsOf(
  message: RenderedMessage,
  messageId: string,
  context: MessageElementContext,
): MessageTools | undefined {
  if (!message.tools && context.tools) {
    message.tools = new MessageTools(context.tools(messageId));
    message.notice.before(message.tools.element);
  }
  return message.tools;
}

/** The message's status, footer (model, tokens, timing, finish reason, Continue) and error. */
export function applyStatus(
  message: RenderedMessage,
  update: Pick<MessageView, 'status' | 'model' | 'usage' | 'finishReason' | 'error' | 'notice' | 'timing'>,
  context: MessageElementContext,
): void {
  const { strings } = context;
  message.root.dataset.status = update.status;
  message.notice.textContent = update.notice ?? '';
  message.root.setAttribute('aria-busy', String(update.status === 'streaming'));
  const parts: Node[] = [];
  if (update.status === 'stopped') parts.push(el('span', { className: 'badge', text: strings.stopped }));
  if (update.status === 'interrupted')
    parts.push(el('span', { className: 'badge warning', text: strings.interrupted }));
  if (update.model) parts.push(el('span', { className: 'meta', text: update.model }));
  const tokens = usageText(update.usage, strings);
  if (tokens) parts.push(el('span', { className: 'meta', text: `${tokens} ${strings.tokens}` }));
  parts.push(...footerTiming(update.timing, update.usage, message.textLength, strings));
  // A reply that called tools shows its calls: "tool_calls" would only repeat that.
  const toolCallsShown = update.finishReason === 'tool_calls' && message.tools?.hasCalls === true;
  if (update.finishReason && update.finishReason !== 'stop' && !toolCallsShown) {
    parts.push(el('span', { className: 'meta', text: `${strings.finishedBecause}: ${update.finishReason}` }));
  }
  if (update.status === 'done' && update.finishReason === 'length') {
    parts.push(
      el(
        'button',
        { className: 'secondary continue-reply', attrs: { type: 'button', 'data-message-action': 'continue' } },
        icon('debug-continue'),
        el('span', { text: strings.continueReply }),
      ),
    );
  }
  message.footer.replaceChildren(...parts);
  message.root.querySelector('.message-error')?.remove();
  if (update.error) message.root.append(renderError(update.error, context));
}

/** A message's toolbar: copy, then regenerate (replies) or edit (user messages), then delete. */
function toolbar(isUser: boolean, strings: PanelStrings): HTMLElement {
  const buttons: [MessageButton, string, string][] = [
    ['copy', 'copy', strings.copyMessage],
    isUser ? ['edit', 'edit', strings.editMessage] : ['regenerate', 'refresh', strings.regenerate],
    ['delete', 'trash', strings.deleteMessage],
  ];
  return el(
    'div',
    { className: 'message-toolbar', attrs: { role: 'toolbar', 'aria-label': strings.messageActions } },
    ...buttons.map(([action, codicon, label]) =>
      el(
        'button',
        {
          className: 'message-action',
          attrs: { type: 'button', 'data-message-action': action, title: label, 'aria-label': label },
        },
        icon(codicon),
      ),
    ),
  );
}

function renderError(error: ErrorView, context: MessageElementContext): HTMLElement {
  const { strings } = context;
  const labels: Record<PanelAction, string> = {
    setApiKey: strings.setApiKey,
    openSettings: strings.openSettings,
    retry: strings.retry,
    showLog: strings.showLog,
    selectModel: strings.selectModel,
  };
  const buttons = error.actions.map((action) => {
    const button = el('button', {
      className: 'secondary',
      text: labels[action],
      attrs: { type: 'button', 'data-action': action },
    });
    button.addEventListener('click', () => context.onAction(action));
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

function usageText(usage: UsageView | undefined, strings: PanelStrings): string {
  if (!usage) return '';
  const { promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens } = usage;
  if (promptTokens === undefined || completionTokens === undefined)
    return totalTokens !== undefined ? String(totalTokens) : '';
  const prompt = cachedTokens ? `${promptTokens} (${cachedTokens} ${strings.cached})` : String(promptTokens);
  const completion = reasoningTokens
    ? `${completionTokens} (${reasoningTokens} ${strings.reasoningTokens})`
    : String(completionTokens);
  return `${prompt} → ${completion}`;
}
