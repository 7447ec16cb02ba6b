import * as vscode from 'vscode';
import type { ProposalReview } from './tools/workspaceToolRunner';
import {
  assertNever,
  isOpenableLink,
  type IncomingImage,
  type PanelAction,
  parseWebviewMessage,
  type HostToWebview,
  type WebviewToHost,
} from '../shared/protocol';
import type { ApiKeyStore } from './apiKeyStore';
import { ChatSession, type PanelPort } from './chatSession';
import { CodeBlockActions } from './codeBlockActions';
import { affectsChatConfiguration } from './configuration';
import type { ConversationHistory } from './conversationHistory';
import { ATTACH_IMAGE_COMMAND, attachFiles, type ImagePanel } from './images/attachImages';
import { parseDroppedUris } from './images/imageFiles';
import type { ExtensionLog } from './log';
import type { ModelCatalogService } from './modelCatalogService';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

export const CHAT_VIEW_ID = 'gatewayChat.chat';

/**
 * The sidebar chat view. The page is a projection of the session: it asks for a snapshot when it loads (`ready`) and
 * gets one again whenever it becomes visible, so nothing depends on it staying alive while hidden.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, PanelPort, ImagePanel, vscode.Disposable {
  readonly session: ChatSession;
  private view: vscode.WebviewView | undefined;
  /** Whether the page has loaded and asked for its first snapshot (`ready`); before that, posts are not delivered. */
  private pageReady = false;
  /** User requests for the page (text to put in the composer, images to attach) made before it was ready. */
  private waiting: HostToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly codeActions: CodeBlockActions;

  constructor(
    private readonly extensionUri: vscode.Uri,
    keys: ApiKeyStore,
    private readonly log: ExtensionLog,
    private readonly catalog: ModelCatalogService,
    private readonly history?: ConversationHistory,
    tools?: { readonly proposals?: ProposalReview },
  ) {
    this.session = new ChatSession(keys, log, this, catalog, history, tools);
    this.codeActions = new CodeBlockActions(log);
    this.disposables.push(
      this.session,
      keys.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsChatConfiguration(event)) this.refresh();
      }),
    );
    // Another window's turns were merged into the open conversation: show them.
    if (history) this.disposables.push(history.onDidMerge((id) => id === this.session.current.id && this.refresh()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.pageReady = false;
    view.webview.options = webviewOptions(this.extensionUri, this.history ? [this.history.store.imagesFolder] : []);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri);
    const subscriptions = [
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.refresh();
      }),
    ];
    view.onDidDispose(() => {
      subscriptions.forEach((subscription) => subscription.dispose());
      if (this.view === view) this.view = undefined;
    });
  }

  post(message: HostToWebview): void {
    if (this.view && this.pageReady) {
      void this.view.webview.postMessage(this.withStoredImages(message, this.view.webview));
      return;
    }
    // The conversation's state comes again with the snapshot on `ready`; what the user asked the page to do does not.
    if (isUserRequest(message) && this.waiting.length < MAX_WAITING) this.waiting.push(message);
  }

  /** Brings the view into sight and puts the cursor in the composer. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    this.post({ type: 'focusComposer' });
  }

  /** Shows the panel and hands it images to prepare and attach (and, with `thenSend`, to send with that text). */
  async attachImages(images: readonly IncomingImage[], thenSend?: string): Promise<void> {
    const message: HostToWebview = { type: 'attachImages', images, ...(thenSend ? { thenSend } : {}) };
    this.post(message);
    await this.reveal();
  }

  /**
   * A snapshot comes on every load and show of the panel: images the store has on disk go as webview addresses of
   * their files, not as data URLs (ten screenshots would be tens of megabytes posted each time).
   */
  private withStoredImages(message: HostToWebview, webview: vscode.Webview): HostToWebview {
    const store = this.history?.store;
    if (message.type !== 'snapshot' || !store) return message;
    const messages = message.state.messages.map((shown) => {
      if (!shown.images?.length) return shown;
      const images = shown.images.map((image) => {
        const key = store.imageKeyOf(image.url);
        return key ? { ...image, key, url: webview.asWebviewUri(store.imageFile(key)).toString() } : image;
      });
      return { ...shown, images };
    });
    return { ...message, state: { ...message.state, messages } };
  }

  /** A stored image of an earlier message, attached again to the message being written. */
  private async reattach(key: string, name: string | undefined): Promise<void> {
    const url = await this.history?.store.readImage(key);
    if (!url) {
      void vscode.window.showWarningMessage(vscode.l10n.t('That image is no longer stored.'));
      return;
    }
    await this.attachImages([{ url, name: name ?? vscode.l10n.t('Image') }]);
  }

  private refresh(): void {
    if (this.view) void this.session.postSnapshot();
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`Ignored an invalid message from the chat panel: ${describe(raw)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) =>
      this.log.error(`Handling "${message.type}" failed: ${String(error)}`),
    );
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        // The user is looking at the chat: a good moment to learn how the gateway's models take parameters.
        this.catalog.prefetch();
        // The first time the view opens, the conversation that was open before the window closed comes back.
        await this.session.restoreLast();
        this.pageReady = true;
        await this.session.postSnapshot();
        for (const waiting of this.waiting.splice(0)) this.post(waiting);
        return;
      case 'send':
        return this.session.send(message.text, message.images, message.requestId);
      case 'stop':
        return this.session.stop();
      case 'newChat':
        return this.session.newChat();
      case 'openLink':
        return this.openLink(message.href);
      case 'attach':
        return void (await vscode.commands.executeCommand(
          message.source === 'file' ? ATTACH_IMAGE_COMMAND : 'gatewayChat.attachScreenshot',
        ));
      case 'attachUris': {
        const { uris, problems } = parseDroppedUris(message.uris);
        return attachFiles(this, uris, problems);
      }
      case 'messageAction':
        return this.session.messageAction(message.action, message.messageId);
      case 'editMessage':
        return this.session.editMessage(message.messageId, message.text);
      case 'codeAction':
        return this.codeActions.run(message.action, message.code, message.language);
      case 'runAction':
        return this.runAction(message.action);
      case 'reattachImage':
        return this.reattach(message.key, message.name);
      case 'toolDecision':
        return this.session.decide(message.messageId, message.callId, message.decision);
      default:
        return assertNever(message);
    }
  }

  private async runAction(action: PanelAction): Promise<void> {
    switch (action) {
      case 'setApiKey':
        return void (await vscode.commands.executeCommand('gatewayChat.setApiKey'));
      case 'openSettings':
        return void (await vscode.commands.executeCommand(
          'workbench.action.openSettings',
          '@ext:gateway-chat.gateway-chat',
        ));
      case 'retry':
        return this.session.retry();
      case 'showLog':
        return this.log.show();
      case 'selectModel':
        return this.catalog.pickModel();
      default:
        return assertNever(action);
    }
  }

  /** Links in replies come from the model: only web and mail links are opened, through VS Code's own opener. */
  private async openLink(href: string): Promise<void> {
    if (!isOpenableLink(href)) {
      this.log.warn(`Refused to open a link from a reply: ${href.slice(0, 200)}`);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Gateway Chat only opens http, https and mailto links from replies.'),
      );
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(href, true));
  }

  dispose(): void {
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}

const MAX_WAITING = 20;

function isUserRequest(message: HostToWebview): boolean {
  return message.type === 'insertText' || message.type === 'attachImages' || message.type === 'focusComposer';
}

function describe(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
