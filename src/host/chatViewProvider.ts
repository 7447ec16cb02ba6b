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
import { affectsChatConfiguration, readConfiguration } from './configuration';
import { droppedContextFiles, findFilesForMention, isImageName } from './context/contextFiles';
import { contextInfoFor, contextViewOf } from './context/contextInfo';
import { ProjectInstructions } from './context/projectInstructions';
import type { ConversationHistory } from './conversationHistory';
import { ATTACH_IMAGE_COMMAND, attachFiles, type ImagePanel } from './images/attachImages';
import { parseDroppedUris } from './images/imageFiles';
import { checkWorkspacePath } from '../core/tools/workspacePath';
import type { ContextInfo, FileMatch, LineRange, MessageView } from '../shared/protocol';
import { LinkGuard } from './tools/linkGuard';
import { resolvePath, workspaceFolders } from './tools/workspaceUris';
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
  /** The `#file` search running for the completion (a newer query cancels it). */
  private fileSearch: vscode.CancellationTokenSource | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    keys: ApiKeyStore,
    private readonly log: ExtensionLog,
    private readonly catalog: ModelCatalogService,
    private readonly history?: ConversationHistory,
    tools?: { readonly proposals?: ProposalReview },
    /** `AGENTS.md` and the like, sent as system context; read once the panel shows. */
    readonly instructions: ProjectInstructions = new ProjectInstructions(),
  ) {
    this.session = new ChatSession(keys, log, this, catalog, history, tools, instructions);
    this.codeActions = new CodeBlockActions(log);
    this.disposables.push(
      this.session,
      instructions,
      instructions.onDidChange(() => this.postContextInfo()),
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
    // The panel shows: the project instructions are read (and watched) now, never at activation.
    void this.instructions.current().then(() => this.postContextInfo());
  }

  post(message: HostToWebview): void {
    if (this.view && this.pageReady) {
      const shown = this.withContext(this.withStoredImages(message, this.view.webview));
      void this.view.webview.postMessage(shown);
      // The estimate of what the next message sends changes with each message and each reply.
      if (message.type === 'turnEnded' || (message.type === 'messageAdded' && message.message.role === 'user'))
        this.postContextInfo();
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

  /** The project instructions sent and the estimate of the context, for the chips and the meter. */
  private contextInfo(): ContextInfo {
    const config = readConfiguration();
    const contextLength = this.catalog.knownEntry(config.baseUrl, config.model)?.contextLength;
    return contextInfoFor(this.session.current, config.systemPrompt, this.instructions.known, contextLength);
  }

  private postContextInfo(): void {
    if (this.view && this.pageReady)
      void this.view.webview.postMessage({ type: 'contextInfo', info: this.contextInfo() });
  }

  /** Snapshots carry the context chips of sent messages and the context info; an added message its chips. */
  private withContext(message: HostToWebview): HostToWebview {
    const withChips = (shown: MessageView): MessageView => {
      const stored = this.session.current.find(shown.id);
      return stored ? { ...shown, ...contextViewOf(stored) } : shown;
    };
    if (message.type === 'messageAdded') return { ...message, message: withChips(message.message) };
    if (message.type !== 'snapshot') return message;
    return {
      ...message,
      state: { ...message.state, messages: message.state.messages.map(withChips), context: this.contextInfo() },
    };
  }

  /** The `#file` completion: the matching workspace files, for the request `requestId` of the panel. */
  private async findFiles(requestId: number, query: string): Promise<void> {
    this.fileSearch?.cancel();
    const search = new vscode.CancellationTokenSource();
    this.fileSearch = search;
    let files: FileMatch[] = [];
    try {
      files = await findFilesForMention(query, search.token);
    } catch (error) {
      if (error instanceof vscode.CancellationError) return;
      this.log.warn(`The file search for #file failed: ${String(error)}`);
    } finally {
      if (this.fileSearch === search) this.fileSearch = undefined;
      search.dispose();
    }
    this.post({ type: 'fileMatches', requestId, files });
  }

  /** Files dropped from the Explorer: images as today, any other file as a `#file` context chip. */
  private async attachDropped(raw: readonly string[]): Promise<void> {
    const { uris, problems } = parseDroppedUris(raw);
    const images = uris.filter(isImageName);
    const others = uris.filter((uri) => !isImageName(uri));
    const context = await droppedContextFiles(others);
    if (context.files.length > 0) {
      this.post({ type: 'attachContext', files: context.files });
      await this.reveal();
    }
    return attachFiles(this, images, [...problems, ...context.problems]);
  }

  /** Opens a workspace file from a chip (a context item, project instructions), at its lines. */
  private async openContextFile(path: string, range: LineRange | undefined): Promise<void> {
    const checked = checkWorkspacePath(path, workspaceFolders());
    try {
      if (!checked.ok) throw new Error(checked.problem);
      const target = resolvePath(checked);
      await new LinkGuard().assertInside(target.uri, target.folder.uri, target.shown);
      const selection = range ? new vscode.Range(range.start - 1, 0, range.end - 1, 0) : undefined;
      await vscode.window.showTextDocument(target.uri, { preview: true, ...(selection ? { selection } : {}) });
    } catch (error) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} could not be opened: {1}', path, error instanceof Error ? error.message : String(error)),
      );
    }
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
        return this.session.send(message.text, message.images, message.requestId, message.context);
      case 'findFiles':
        return this.findFiles(message.requestId, message.query);
      case 'openContextFile':
        return this.openContextFile(message.path, message.range);
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
      case 'attachUris':
        return this.attachDropped(message.uris);
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
  return (
    message.type === 'insertText' ||
    message.type === 'attachImages' ||
    message.type === 'attachContext' ||
    message.type === 'focusComposer'
  );
}

function describe(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
