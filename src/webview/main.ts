import './chat.css';
import { PANEL_STRING_KEYS, type PanelStrings } from '../shared/panelStrings';
import { assertNever, type PanelAction, type HostToWebview, type PanelState } from '../shared/protocol';
import { Composer } from './composer';
import { ConversationView } from './conversationView';
import { el, icon } from './dom';
import { setRendererLabels } from './markdown';
import { connectToHost } from './vscodeApi';

function readStrings(): PanelStrings {
  const parsed = JSON.parse(document.body.dataset.strings ?? '{}') as Partial<Record<keyof PanelStrings, unknown>>;
  const strings = {} as Record<keyof PanelStrings, string>;
  for (const key of PANEL_STRING_KEYS) strings[key] = typeof parsed[key] === 'string' ? parsed[key] : key;
  return strings;
}

const host = connectToHost();
const strings = readStrings();
setRendererLabels(strings);
let state: PanelState | undefined;
/** The last message the user sent in the conversation shown, for Up in an empty composer. */
let lastUserText: string | undefined;

const runAction = (action: PanelAction) => host.postMessage({ type: 'runAction', action });

const banner = el('div', { className: 'banner-area' });
const conversationElement = el('section', { className: 'conversation', attrs: { 'aria-label': strings.conversationLabel } });
const conversation = new ConversationView(conversationElement, strings, runAction, (href) => host.postMessage({ type: 'openLink', href }), {
  load: () => host.getState()?.scroll,
  save: (scroll) => host.setState({ scroll }),
});
const textarea = el('textarea', {
  attrs: { id: 'composer', rows: '1', placeholder: strings.composerPlaceholder, 'aria-label': strings.composerLabel },
});
const sendButton = el('button', { attrs: { id: 'send', type: 'submit', title: strings.send, 'aria-label': strings.send } }, icon('send'));
const stopButton = el('button', { attrs: { id: 'stop', type: 'button', title: strings.stop, 'aria-label': strings.stop } }, icon('debug-stop'));
const modelButton = el('button', { className: 'model-chip', attrs: { id: 'model', type: 'button', title: strings.selectModel } });
modelButton.addEventListener('click', () => runAction('selectModel'));
const form = el('form', { className: 'composer' }, textarea, el('div', { className: 'composer-actions' }, stopButton, sendButton));
const toolbar = el('div', { className: 'composer-toolbar' }, modelButton);
const announcer = el('div', { className: 'visually-hidden', attrs: { 'aria-live': 'polite' } });

const composer = new Composer(textarea, {
  onSubmit: (text) => {
    if (!state || state.streaming) return false;
    if (!state.hasApiKey) {
      runAction('setApiKey');
      return false;
    }
    if (state.configProblem) {
      // Nothing can be sent until the setting is fixed: keep the text and point at the banner that says why.
      banner.querySelector<HTMLButtonElement>('#config-banner button')?.focus();
      return false;
    }
    host.postMessage({ type: 'send', text });
    return true;
  },
  onDraftChange: (draft) => host.setState({ draft }),
  lastSent: () => lastUserText,
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  composer.submit();
});
stopButton.addEventListener('click', () => host.postMessage({ type: 'stop' }));
document.body.append(el('main', { className: 'app' }, banner, conversationElement, toolbar, form, announcer));
composer.text = host.getState()?.draft ?? '';

function setStreaming(streaming: boolean): void {
  if (state) state = { ...state, streaming };
  stopButton.hidden = !streaming;
  sendButton.hidden = streaming;
}

function renderBanner(current: PanelState): void {
  const items: HTMLElement[] = [];
  if (current.configProblem) {
    const open = el('button', { className: 'secondary', text: strings.openSettings, attrs: { type: 'button', 'data-action': 'openSettings' } });
    open.addEventListener('click', () => runAction('openSettings'));
    items.push(el('div', { className: 'banner error', attrs: { id: 'config-banner', role: 'alert' } }, icon('warning'), el('p', { text: current.configProblem }), open));
  }
  if (!current.hasApiKey) {
    const setKey = el('button', { text: strings.setApiKey, attrs: { type: 'button', 'data-action': 'setApiKey' } });
    setKey.addEventListener('click', () => runAction('setApiKey'));
    items.push(el('div', { className: 'banner', attrs: { id: 'no-key-banner' } }, icon('key'), el('p', { text: strings.noKeyMessage }), setKey));
  }
  banner.replaceChildren(...items);
}

function onMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot':
      state = message.state;
      lastUserText = message.state.messages.filter((shown) => shown.role === 'user').at(-1)?.text;
      composer.sendWith = message.state.sendWith;
      textarea.placeholder = message.state.sendWith === 'ctrlEnter' ? strings.composerPlaceholderCtrlEnter : strings.composerPlaceholder;
      modelButton.replaceChildren(icon('symbol-class'), el('span', { text: message.state.model }));
      modelButton.setAttribute('aria-label', `${strings.selectModel}: ${message.state.model}`);
      renderBanner(message.state);
      conversation.replaceAll(message.state.messages);
      setStreaming(message.state.streaming);
      return;
    case 'messageAdded':
      conversation.add(message.message);
      if (message.message.role === 'user') lastUserText = message.message.text;
      if (message.message.status === 'streaming') setStreaming(true);
      return;
    case 'delta':
      conversation.appendText(message.messageId, message.text);
      return;
    case 'reasoningDelta':
      conversation.appendReasoning(message.messageId, message.text);
      return;
    case 'notice':
      conversation.showNotice(message.messageId, message.text);
      return;
    case 'turnEnded':
      conversation.end(message);
      setStreaming(false);
      announcer.textContent = message.error ? message.error.title : '';
      // Back to the composer for the next question, unless the user is selecting text of the conversation.
      if (!document.getSelection()?.toString()) composer.focus();
      return;
    case 'focusComposer':
      composer.focus();
      return;
    case 'insertText':
    case 'attachImages':
      // Not handled yet.
      return;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => onMessage(event.data));
setStreaming(false);
host.postMessage({ type: 'ready' });
composer.focus();
