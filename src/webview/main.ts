import './chat.css';
import { PANEL_STRING_KEYS, type PanelStrings } from '../shared/panelStrings';
import {
  assertNever,
  parseOutgoingImage,
  type ImageView,
  type PanelAction,
  type HostToWebview,
  isStoredImageView,
  type PanelState,
  type OutgoingImage,
  type ContextInfo,
  type ContextRef,
  type ApprovalView,
} from '../shared/protocol';
import { base64ToBytes } from '../shared/imageSniff';
import { estimateImageTokens } from '../shared/imageSizing';
import { parseContextRef, type FileMatch } from '../shared/contextRefs';
import { estimateTextTokens } from '../shared/tokenEstimate';
import { AttachmentTray, type ImageSource } from './attachments/attachmentTray';
import { ContextChips, OPEN_CONTEXT_EVENT, type OpenContextDetail } from './attachments/contextChips';
import { ContextMeter } from './context/contextMeter';
import { InstructionsChips } from './context/instructionsChips';
import { MentionCompletion } from './context/mentionCompletion';
import { listenForImages } from './attachments/imageInput';
import { REATTACH_EVENT } from './attachments/messageImages';
import { Composer } from './composer';
import { ConversationView } from './conversationView';
import { el, icon } from './dom';
import { LiveAnnouncer } from './liveAnnouncer';
import { setRendererLabels } from './markdown';
import { Outbox, type OutgoingMessage, type WaitReason } from './outbox';
import { approvalAnnouncement } from './tools/approvalCard';
import { connectToHost } from './vscodeApi';

/** Attached images are kept in webview state up to this many characters of data URLs together (about 6 MB). */
const MAX_KEPT_ATTACHMENT_CHARS = 8_000_000;

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
const conversationElement = el('section', {
  className: 'conversation',
  attrs: { 'aria-label': strings.conversationLabel },
});
const conversation = new ConversationView(
  conversationElement,
  strings,
  runAction,
  (href) => host.postMessage({ type: 'openLink', href }),
  (message) => host.postMessage(message),
  {
    load: () => host.getState()?.scroll,
    save: (scroll) => host.setState({ scroll }),
  },
);
const textarea = el('textarea', {
  attrs: { id: 'composer', rows: '1', placeholder: strings.composerPlaceholder, 'aria-label': strings.composerLabel },
});
const sendButton = el(
  'button',
  { attrs: { id: 'send', type: 'submit', title: strings.send, 'aria-label': strings.send } },
  icon('send'),
);
const stopButton = el(
  'button',
  { attrs: { id: 'stop', type: 'button', title: strings.stop, 'aria-label': strings.stop } },
  icon('debug-stop'),
);
const modelButton = el('button', {
  className: 'model-chip',
  attrs: { id: 'model', type: 'button', title: strings.selectModel },
});
modelButton.addEventListener('click', () => runAction('selectModel'));
const form = el(
  'form',
  { className: 'composer' },
  textarea,
  el('div', { className: 'composer-actions' }, stopButton, sendButton),
);
const attachButton = el(
  'button',
  {
    className: 'icon-button',
    attrs: { id: 'attach-image', type: 'button', title: strings.attachImage, 'aria-label': strings.attachImage },
  },
  icon('attach'),
);
attachButton.addEventListener('click', () => host.postMessage({ type: 'attach', source: 'file' }));
const screenshotButton = el(
  'button',
  {
    className: 'icon-button',
    attrs: {
      id: 'attach-screenshot',
      type: 'button',
      title: strings.attachScreenshot,
      'aria-label': strings.attachScreenshot,
    },
  },
  icon('device-camera'),
);
screenshotButton.addEventListener('click', () => host.postMessage({ type: 'attach', source: 'screenshot' }));
const meter = new ContextMeter(strings);
const toolbar = el(
  'div',
  { className: 'composer-toolbar' },
  modelButton,
  attachButton,
  screenshotButton,
  meter.element,
);
const tray = new AttachmentTray(strings);
const contextChips = new ContextChips(strings);
const instructionsChips = new InstructionsChips(strings, (path) => host.postMessage({ type: 'openContextFile', path }));
/** The `#file` searches asked of the host, by request id, until it answers. */
const fileSearches = new Map<number, (files: readonly FileMatch[]) => void>();
let nextFileSearch = Math.floor(Math.random() * 2 ** 40) + 1;
const completion = new MentionCompletion(textarea, strings, {
  findFiles: (query) =>
    new Promise((resolve) => {
      const requestId = nextFileSearch++;
      // Only the newest search matters: an older one still waiting is answered with nothing.
      for (const [id, pending] of fileSearches) {
        fileSearches.delete(id);
        pending([]);
      }
      fileSearches.set(requestId, resolve);
      host.postMessage({ type: 'findFiles', requestId, query });
    }),
  choose: (ref, tokens) => contextChips.add(ref, tokens),
});
const outbox = new Outbox(
  strings,
  (request) => host.postMessage(request),
  (waiting) => host.setState({ waiting }),
);
const announcer = el('div', { className: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
const liveAnnouncer = new LiveAnnouncer(announcer);

/** What holds the message in the composer back for now, if anything. */
function waitReason(): WaitReason | undefined {
  if (!state) return 'panel';
  if (state.streaming || outbox.sending) return 'reply';
  if (tray.busy) return 'images';
  return undefined;
}

/**
 * The user asked to send the composer's message. It waits (saying so) while something holds it back; otherwise it
 * goes to the host, and stays in the composer until the host accepts it (see `sendResult`).
 */
function submit(text: string): void {
  const reason = waitReason();
  if (reason) return outbox.wait(reason);
  if (!state?.hasApiKey) return runAction('setApiKey');
  if (state.configProblem) {
    // Nothing can be sent until the setting is fixed: keep the text and point at the banner that says why.
    banner.querySelector<HTMLButtonElement>('#config-banner button')?.focus();
    return;
  }
  outbox.send({ text, images: tray.images(), context: contextChips.refs() });
  form.setAttribute('aria-busy', 'true');
}

/** A waiting message goes as soon as nothing holds it back (the first snapshot, the end of a reply, its images). */
function sendWaiting(): void {
  if (!outbox.waiting) return;
  if (!composer.text.trim() && !hasAttachments()) return outbox.cancel();
  const reason = waitReason();
  if (reason) return outbox.wait(reason);
  outbox.cancel();
  composer.submit();
}

const composer = new Composer(textarea, {
  onSubmit: (text) => {
    submit(text);
    // The text stays until the host accepts the message.
    return false;
  },
  onDraftChange: (draft) => {
    host.setState({ draft });
    measureDraftSoon();
    // Nothing left to send: nothing waits.
    if (!draft.trim() && !hasAttachments()) outbox.cancel();
  },
  lastSent: () => lastUserText,
  hasAttachments: () => hasAttachments(),
  interceptKey: (event) => completion.handleKey(event),
});

function hasAttachments(): boolean {
  return tray.count > 0 || contextChips.count > 0;
}

/** The draft's estimate for the meter: its text, images and chips (after typing pauses: one pass over the text). */
let measureTimer: ReturnType<typeof setTimeout> | undefined;
function measureDraftSoon(): void {
  if (measureTimer) clearTimeout(measureTimer);
  measureTimer = setTimeout(() => {
    measureTimer = undefined;
    const images = tray.images().reduce((sum, image) => sum + estimateImageTokens(image, image.detail), 0);
    meter.setDraftTokens(estimateTextTokens(composer.text) + images + contextChips.tokens);
  }, 100);
}

/** Attaches images; a message that waited for them goes once they are ready. */
async function addImages(sources: readonly ImageSource[]): Promise<void> {
  await tray.add(sources);
  sendWaiting();
}

/** The host took the message (clear what the user has not changed since) or refused it (keep it all). */
function onSendResult(sent: OutgoingMessage, accepted: boolean, problems?: readonly string[]): void {
  if (!accepted) {
    // Refused: it stays in the composer, and does not go later by itself either.
    outbox.cancel();
    // Context that could not be read: its chips stay, with the reasons.
    if (problems?.length) contextChips.showProblems(problems);
    return;
  }
  if (composer.text === sent.text) {
    composer.text = '';
    host.setState({ draft: '' });
  }
  const urls = (images: readonly OutgoingImage[]) => images.map((image) => image.url).join('\n');
  if (sent.images.length > 0 && urls(tray.images()) === urls(sent.images)) tray.clear();
  const mentions = (refs: readonly ContextRef[]) => JSON.stringify(refs);
  if (sent.context.length > 0 && mentions(contextChips.refs()) === mentions(sent.context)) contextChips.clear();
  measureDraftSoon();
  // Its reply is on its way: the next message waits for it, and Stop stops it.
  setStreaming(true);
  sendWaiting();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  composer.submit();
});
stopButton.addEventListener('click', () => host.postMessage({ type: 'stop' }));
const app = el(
  'main',
  { className: 'app' },
  banner,
  conversationElement,
  toolbar,
  instructionsChips.element,
  contextChips.element,
  tray.element,
  completion.element,
  form,
  outbox.element,
  announcer,
);
document.body.append(app);
listenForImages(textarea, app, {
  attach: (sources) => void addImages(sources),
  attachUris: (uris) => host.postMessage({ type: 'attachUris', uris }),
});
/** Attaches an image again from its data URL (a sent message's image, or one kept in webview state). */
function attachAgain(images: readonly Pick<ImageView, 'url' | 'name' | 'detail'>[]): void {
  void addImages(
    images.map((image) => ({
      bytes: base64ToBytes(image.url.slice(image.url.indexOf(',') + 1)),
      name: image.name ?? strings.image,
      ...(image.detail ? { detail: image.detail } : {}),
    })),
  );
}
conversationElement.addEventListener(OPEN_CONTEXT_EVENT, (event) => {
  const { path, range } = (event as CustomEvent<OpenContextDetail>).detail;
  host.postMessage({ type: 'openContextFile', path, ...(range ? { range } : {}) });
});
conversationElement.addEventListener(REATTACH_EVENT, (event) => {
  const image = (event as CustomEvent<ImageView>).detail;
  // A stored image is only an address here: the host sends its data back to attach.
  if (image.key && isStoredImageView(image))
    host.postMessage({ type: 'reattachImage', key: image.key, ...(image.name ? { name: image.name } : {}) });
  else attachAgain([image]);
});
composer.text = host.getState()?.draft ?? '';
// The draft's images come back too (checked: webview state is only data), then every change is kept.
const keptImages = host.getState()?.attachments;
if (Array.isArray(keptImages)) attachAgain(keptImages.map(parseOutgoingImage).filter((image) => image !== undefined));
// A message that was waiting when the panel was last hidden or reloaded still waits (for the first snapshot now).
if (host.getState()?.waiting) outbox.wait('panel');
tray.onChange = (images) => {
  const size = images.reduce((sum, image) => sum + image.url.length, 0);
  host.setState({ attachments: size <= MAX_KEPT_ATTACHMENT_CHARS ? images : [] });
  measureDraftSoon();
};
// The draft's chips come back too (checked: webview state is only data), then every change is kept.
const keptChips = host.getState()?.contextChips;
if (Array.isArray(keptChips))
  for (const kept of keptChips as unknown[]) {
    const ref =
      typeof kept === 'object' && kept !== null ? parseContextRef((kept as { ref?: unknown }).ref) : undefined;
    const tokens = (kept as { tokens?: unknown } | null)?.tokens;
    if (ref) contextChips.add(ref, typeof tokens === 'number' && tokens >= 0 ? tokens : undefined);
  }
contextChips.onChange = (chips) => {
  host.setState({ contextChips: chips });
  measureDraftSoon();
};
measureDraftSoon();

function showContextInfo(info: ContextInfo): void {
  instructionsChips.show(info.projectInstructions);
  meter.setHostEstimate(info.estimate);
}

function setStreaming(streaming: boolean): void {
  if (state) state = { ...state, streaming };
  stopButton.hidden = !streaming;
  sendButton.hidden = streaming;
}

function renderBanner(current: PanelState): void {
  const items: HTMLElement[] = [];
  if (current.configProblem) {
    const open = el('button', {
      className: 'secondary',
      text: strings.openSettings,
      attrs: { type: 'button', 'data-action': 'openSettings' },
    });
    open.addEventListener('click', () => runAction('openSettings'));
    items.push(
      el(
        'div',
        { className: 'banner error', attrs: { id: 'config-banner', role: 'alert' } },
        icon('warning'),
        el('p', { text: current.configProblem }),
        open,
      ),
    );
  }
  if (!current.hasApiKey) {
    const setKey = el('button', { text: strings.setApiKey, attrs: { type: 'button', 'data-action': 'setApiKey' } });
    setKey.addEventListener('click', () => runAction('setApiKey'));
    const gateway = current.gateway
      ? [el('br'), el('span', { className: 'banner-gateway', text: current.gateway })]
      : [];
    items.push(
      el(
        'div',
        { className: 'banner', attrs: { id: 'no-key-banner' } },
        icon('key'),
        el('p', { text: strings.noKeyMessage }, ...gateway),
        setKey,
      ),
    );
  }
  banner.replaceChildren(...items);
}

/** Whether the user is typing somewhere in the panel (the composer, or an edited message, with text in it). */
function typing(): boolean {
  const active = document.activeElement;
  if (active instanceof HTMLTextAreaElement) return active.value.length > 0;
  if (active instanceof HTMLInputElement) return /^(?:text|search)$/.test(active.type) && active.value.length > 0;
  return active instanceof HTMLElement && active.isContentEditable;
}

/** Keys that only change what the next key types. */
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock']);

/**
 * Shows the approval cards and says so to screen readers. The first card's Allow button gets keyboard focus unless
 * the user is typing (or the panel does not have focus): a question never takes the keys of a sentence being
 * written. Should the user start typing on the button focus moved to, the keys go back to the composer.
 */
function askApproval(messageId: string, approvals: readonly ApprovalView[]): void {
  const cards = conversation.requestApprovals(messageId, approvals);
  if (cards.length === 0) return;
  liveAnnouncer.say(cards.map((card) => approvalAnnouncement(card.approval, strings)).join(' '));
  const first = cards.find((card) => card.pending);
  const button = first?.firstButton;
  if (!first || !button || typing() || !document.hasFocus()) return;
  first.focus();
  // Only the first key pressed there counts (Shift for a capital letter does not count).
  const backToComposer = (event: KeyboardEvent) => {
    if (MODIFIER_KEYS.has(event.key)) return;
    button.removeEventListener('keydown', backToComposer);
    // Space and Enter are the button's own keys: they decide.
    const printable = event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (printable) composer.focus();
  };
  button.addEventListener('keydown', backToComposer);
  button.addEventListener('blur', () => button.removeEventListener('keydown', backToComposer), { once: true });
}

function onMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot': {
      const sameConversation = state?.conversationId === message.state.conversationId;
      state = message.state;
      tray.limits = message.state.imageLimits;
      lastUserText = message.state.messages.filter((shown) => shown.role === 'user').at(-1)?.text;
      composer.sendWith = message.state.sendWith;
      conversation.sendWith = message.state.sendWith;
      textarea.placeholder =
        message.state.sendWith === 'ctrlEnter' ? strings.composerPlaceholderCtrlEnter : strings.composerPlaceholder;
      modelButton.replaceChildren(icon('symbol-class'), el('span', { text: message.state.model }));
      modelButton.setAttribute('aria-label', `${strings.selectModel}: ${message.state.model}`);
      renderBanner(message.state);
      if (message.state.context) showContextInfo(message.state.context);
      conversation.replaceAll(message.state.messages, sameConversation);
      setStreaming(message.state.streaming);
      sendWaiting();
      return;
    }
    case 'messageAdded':
      conversation.add(message.message);
      if (message.message.role === 'user') lastUserText = message.message.text;
      if (message.message.status === 'streaming') setStreaming(true);
      return;
    case 'delta':
      conversation.appendText(message.messageId, message.text);
      liveAnnouncer.text(message.messageId, message.text);
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
      liveAnnouncer.end(message.messageId, message.error?.title);
      // Back to the composer for the next question, unless the user is selecting text of the conversation.
      if (!document.getSelection()?.toString()) composer.focus();
      // A message waiting for this reply goes now; after a failed reply it stays in the composer (Retry comes first).
      if (message.status === 'error' || message.status === 'interrupted') outbox.cancel();
      else sendWaiting();
      return;
    case 'roundEnded':
      // One reply of the turn is over; the turn goes on (its tool calls are answered, the next reply follows).
      conversation.end(message);
      liveAnnouncer.end(message.messageId);
      return;
    case 'toolCallDelta':
      conversation.formToolCall(message.messageId, message);
      return;
    case 'toolCallUpdated':
      conversation.updateToolCall(message.messageId, message.call);
      return;
    case 'approvalRequested':
      askApproval(message.messageId, message.approvals);
      return;
    case 'approvalWithdrawn':
      conversation.withdrawApprovals(message.messageId, message.callIds);
      return;
    case 'sendResult': {
      const sent = outbox.answer(message);
      if (!sent) return;
      // The composer is busy from the send until the host has answered it.
      form.setAttribute('aria-busy', 'false');
      onSendResult(sent, message.outcome === 'accepted', message.outcome === 'refused' ? message.problems : undefined);
      return;
    }
    case 'fileMatches': {
      const pending = fileSearches.get(message.requestId);
      fileSearches.delete(message.requestId);
      pending?.(message.files);
      return;
    }
    case 'attachContext':
      for (const file of message.files) contextChips.add({ kind: 'file', path: file.path }, file.tokens);
      composer.focus();
      return;
    case 'contextInfo':
      showContextInfo(message.info);
      return;
    case 'focusComposer':
      composer.focus();
      return;
    case 'insertText':
      composer.insertAtCursor(message.text);
      composer.focus();
      return;
    case 'attachImages':
      void addImages(
        message.images.map((image) => ({
          bytes: base64ToBytes(image.url.slice(image.url.indexOf(',') + 1)),
          name: image.name,
        })),
      ).then(() => {
        if (message.thenSend === undefined || tray.count === 0) return;
        composer.text = message.thenSend;
        composer.submit();
      });
      return;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => onMessage(event.data));
setStreaming(false);
host.postMessage({ type: 'ready' });
composer.focus();
