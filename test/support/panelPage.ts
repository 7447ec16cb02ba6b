/**
 * Loads the real chat panel bundle (dist/webview.js, dist/webview.css, dist/codicons/) in headless Chromium, in a page
 * built like the one the host renders (src/host/webviewHtml.ts): the production Content-Security-Policy with a nonce,
 * the translated strings in `data-strings` on <body>, and a nonce'd `acquireVsCodeApi()` like the one VS Code injects.
 *
 * As in VS Code, the page and the extension's files come from different origins: the page from one local server, the
 * assets from another whose origin plays the part of `webview.cspSource`. Host → panel messages are delivered with
 * `window.postMessage(message, '*')` inside the page; panel → host messages land in `window.__posted`, webview state in
 * `window.__state`, and Content-Security-Policy violations in `window.__cspViolations`.
 *
 * Needs `npm run build` first. Node built-ins and playwright-core only; Chromium is Debian's /usr/bin/chromium.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { panelHtml } from '../../src/shared/panelHtml';
import type { PanelStrings } from '../../src/shared/panelStrings';
import type {
  HostToWebview,
  MessageView,
  PanelState,
  SendRefusal,
  TurnStatus,
  WebviewToHost,
} from '../../src/shared/protocol';

/** The repository root (this file runs as out/test/support/panelPage.js). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(REPO_ROOT, 'dist');

/** The English strings, as src/host/panelStrings.ts produces them without a translation. */
export const ENGLISH_STRINGS: PanelStrings = {
  composerPlaceholderCtrlEnter: 'Ask anything (Ctrl+Enter to send, Enter for a new line)',
  composerPlaceholder: 'Ask anything (Enter to send, Shift+Enter for a new line)',
  composerLabel: 'Message',
  send: 'Send',
  stop: 'Stop',
  you: 'You',
  assistant: 'Assistant',
  emptyTitle: 'Chat with your gateway',
  emptyHint: 'Ask a question below. Earlier messages of this chat are sent as context.',
  noKeyMessage: "Set the API key of your gateway to start chatting. It is kept in VS Code's secret storage.",
  setApiKey: 'Set API Key',
  openSettings: 'Open Settings',
  retry: 'Retry',
  showLog: 'Show Log',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
  finishedBecause: 'Finish reason',
  tokens: 'tokens',
  conversationLabel: 'Conversation',
  reasoning: 'Reasoning',
  cached: 'cached',
  reasoningTokens: 'reasoning',
  selectModel: 'Select Model',
  copyCode: 'Copy code',
  insertCode: 'Insert at cursor',
  newEditorCode: 'Open in new editor',
  applyCode: 'Apply to selection',
  invisibleCharacters: 'Invisible characters',
  messageActions: 'Message actions',
  copyMessage: 'Copy',
  regenerate: 'Regenerate',
  editMessage: 'Edit and resend',
  deleteMessage: 'Delete',
  continueReply: 'Continue',
  cancel: 'Cancel',
  editLabel: 'Edit your message',
  firstToken: 'First token',
  tokensPerSecond: 'tokens/s',
  estimated: 'Estimated from the length of the text',
  attachImage: 'Attach image',
  attachScreenshot: 'Attach screenshot',
  attachedImages: 'Attached images',
  image: 'Image',
  imageDetail: 'Detail',
  imageDetailAuto: 'Auto',
  imageDetailLow: 'Low',
  imageDetailHigh: 'High',
  imageTokensEstimate: 'Estimated prompt tokens for this image',
  removeImage: 'Remove image',
  reattachImage: 'Attach again',
  imageSvgRefused: 'is an SVG image. SVG is never attached: export it as PNG first.',
  imageUnsupported: 'is not a PNG, JPEG, GIF or WebP image (checked by its content), so it cannot be attached.',
  imageUndecodable: 'could not be decoded as an image.',
  imageTooLarge: 'is still too large after downscaling',
  imageFileTooLarge: 'is too large to attach',
  imageTooManyPixels: 'has too many pixels to be decoded',
  imageTooMany: 'was not attached: a message takes at most this many images',
  dismiss: 'Dismiss',
  toolArguments: 'Arguments',
  toolResult: 'Result',
  toolForming: 'Preparing',
  toolWaiting: 'Waiting for approval',
  toolRunning: 'Running',
  toolDone: 'Done',
  toolResultCut: 'Result cut',
  toolFailed: 'Failed',
  declined: 'Declined',
  toolInvalidArguments: 'Invalid arguments',
  toolUnknown: 'No such tool',
  toolCancelled: 'Cancelled',
  toolNotRun: 'Not run',
  toolResultShown: 'Showing the first {0} of {1} characters',
  approvalLabel: 'Approval needed: {0}',
  approvalPreview: 'Preview of the change',
  allowOnce: 'Allow once',
  allowForConversation: 'Allow for this conversation',
  deny: 'Deny',
  allowed: 'Allowed',
  approvalAsks: 'Gateway Chat asks: {0}.',
  approvalChoices: 'Allow once, Allow for this conversation, or Deny.',
  approvalChoicesOnce: 'Allow once or Deny.',
  showEarlier: 'Show earlier messages',
  waitingForReply: 'Will send when the reply ends',
  waitingForPanel: 'Will send when the chat is ready',
  waitingForImages: 'Will send when the images are ready',
  cancelWaiting: 'Cancel sending',
  mentionListLabel: 'Context to attach',
  mentionFile: 'A workspace file: type part of its path, and :10-40 for lines',
  mentionSelection: 'The selection in the active editor',
  mentionProblems: 'The problems VS Code reports in the workspace',
  mentionChanges: 'The git changes of the working tree (git diff)',
  mentionEditors: 'The list of open editors',
  mentionNoFiles: 'No matching files in the workspace',
  mentionSearching: 'Searching the workspace…',
  attachedContext: 'Attached context',
  removeContext: 'Remove context',
  openContextFile: 'Open the file',
  projectInstructions: 'Project instructions',
  projectInstructionsTitle:
    'Sent to the model as system context with every message (trusted workspace). Click to open the file.',
  projectInstructionsTruncated: 'too long: only its beginning is sent',
  contextMeterTitle:
    'An estimate of the tokens the next message sends: system prompt, project instructions, the conversation, your draft and its attachments (about 4 characters a token, 1 a CJK character). Selection, problems, changes and open editors count once they are sent. The gateway reports the real count with the reply.',
  contextMeterLabel: 'Estimated context size',
  contextNearFull: "near the model's context length",
  contextOverflow: "longer than the model's context: the oldest turns will be left out",
  contextTooMany: 'was not attached: a message takes at most this many attachments',
  leftOutNotice: "{0} earlier messages were not sent: the conversation is longer than the model's context.",
};

/** A few colours of VS Code's "Dark Modern" theme, as the `--vscode-*` variables VS Code sets on the page's root. */
export const DARK_THEME: Readonly<Record<string, string>> = {
  '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, "Liberation Sans", "DejaVu Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-sideBar-background': '#181818',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-widget-border': '#313131',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-input-placeholderForeground': '#989898',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  '--vscode-editor-font-size': '12px',
  '--vscode-textCodeBlock-background': 'rgba(10, 10, 10, 0.4)',
  '--vscode-diffEditor-insertedLineBackground': 'rgba(155, 185, 85, 0.2)',
  '--vscode-diffEditor-removedLineBackground': 'rgba(255, 0, 0, 0.2)',
  '--vscode-gitDecoration-addedResourceForeground': '#81b88b',
  '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
};

export interface CspViolation {
  readonly violatedDirective: string;
  readonly effectiveDirective: string;
  readonly blockedURI: string;
  readonly sourceFile: string;
  readonly sample: string;
}

export interface PanelOptions {
  /** What `getState()` returns on load: the webview state VS Code kept from an earlier life of the panel. */
  readonly state?: unknown;
  readonly strings?: Partial<PanelStrings>;
  /** CSS custom properties set on the root element before the bundle runs, as VS Code does for the theme. */
  readonly theme?: Readonly<Record<string, string>>;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Violations the test provokes on purpose; any other one fails the test. */
  readonly allowCspViolation?: (violation: CspViolation) => boolean;
  /**
   * Serves the page cross-origin isolated (COOP + COEP), which gives `performance.now()` a 5 µs resolution instead of
   * 100 µs: for benchmarks that time sub-millisecond updates.
   */
  readonly crossOriginIsolated?: boolean;
}

/** Headers that make a page cross-origin isolated (its subresources must allow it: see `serveDist`). */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface PanelPage {
  readonly page: Page;
  /** The page's nonce (the production page makes a fresh one each time). */
  readonly nonce: string;
  /** The origin the extension's files come from: the CSP's `source`. */
  readonly assetOrigin: string;
  /** Everything the panel has posted to the host, oldest first. */
  posted(): Promise<WebviewToHost[]>;
  /** What the panel posted after the first `count` messages. */
  postedSince(count: number): Promise<WebviewToHost[]>;
  /** The last webview state the panel stored with `setState` (or the initial one). */
  state(): Promise<unknown>;
  /** Delivers host → panel messages in order and resolves once the page has dispatched the last of them. */
  send(...messages: HostToWebview[]): Promise<void>;
  cspViolations(): Promise<CspViolation[]>;
  /** Uncaught errors in the page. */
  readonly pageErrors: readonly string[];
  /** Loads that failed or answered with an HTTP error. */
  readonly failedRequests: readonly string[];
  /** Fails if the page had an uncaught error, a failed load or a CSP violation the options did not allow. */
  assertHealthy(): Promise<void>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    __posted: unknown[];
    __state: unknown;
    __cspViolations: CspViolation[];
  }
}

/** An HTTP server on 127.0.0.1 with a random port that can be closed even while the browser keeps connections open. */
export interface LocalServer {
  readonly origin: string;
  readonly port: number;
  /** Paths of every request received, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startServer(handler: http.RequestListener): Promise<LocalServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A server that only counts: stands for an attacker's host that model output might try to reach. */
export function startCountingServer(): Promise<LocalServer> {
  return startServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
    response.end();
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves dist/ read-only, with CORS like VS Code's resource loader (the font is loaded cross-origin). */
function serveDist(request: http.IncomingMessage, response: http.ServerResponse): void {
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const file = path.resolve(DIST, '.' + pathname.replace(/^\/dist(?=\/)/, ''));
  if (
    !pathname.startsWith('/dist/') ||
    !file.startsWith(DIST + path.sep) ||
    !fs.existsSync(file) ||
    !fs.statSync(file).isFile()
  ) {
    response.writeHead(404, { 'access-control-allow-origin': '*' }).end();
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'access-control-allow-origin': '*',
    // Loadable by a cross-origin-isolated page too.
    'cross-origin-resource-policy': 'cross-origin',
    'cache-control': 'no-store',
  });
  fs.createReadStream(file).pipe(response);
}

/** Runs in the page before the bundle, as VS Code's own script does: the API object, the theme and the CSP log. */
function bootstrapScript(initialState: unknown, theme: Readonly<Record<string, string>>): string {
  return `(() => {
  'use strict';
  window.__posted = [];
  window.__state = ${JSON.stringify(initialState ?? null)} ?? undefined;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push({
      violatedDirective: event.violatedDirective,
      effectiveDirective: event.effectiveDirective,
      blockedURI: event.blockedURI,
      sourceFile: event.sourceFile,
      sample: event.sample,
    });
  });
  const theme = ${JSON.stringify(theme)};
  for (const [name, value] of Object.entries(theme)) document.documentElement.style.setProperty(name, value);
  const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { window.__posted.push(clone(message)); },
      getState: () => clone(window.__state),
      setState: (value) => { window.__state = clone(value); return value; },
    });
  };
})();`;
}

/** The production page template, with the stand-in VS Code API injected first in <head> (nonce'd like the bundle). */
function testPanelHtml(assetOrigin: string, nonce: string, options: PanelOptions): string {
  const page = panelHtml({
    language: 'en',
    assetSource: assetOrigin,
    nonce,
    asset: (...parts) => `${assetOrigin}/dist/${parts.join('/')}`,
    strings: { ...ENGLISH_STRINGS, ...options.strings },
  });
  // The <script> of the bootstrap must not be closable by the state it embeds.
  const bootstrap = bootstrapScript(options.state, options.theme ?? {}).replace(/<\//g, '<\\/');
  return page.replace('<head>', `<head>\n<script nonce="${nonce}">${bootstrap}</script>`);
}

/** One browser and the two servers, shared by the tests of a suite; a fresh page per panel. */
export class PanelHarness {
  private readonly open = new Set<PanelPage>();

  private constructor(
    /** The HTML of the open panels by path, read by the page server. */
    private readonly pages: Map<string, { html: string; crossOriginIsolated: boolean }>,
    readonly browser: Browser,
    /** Serves the panel pages: the page's own origin, which the CSP does not allow anything from. */
    readonly pageServer: LocalServer,
    /** Serves dist/: the origin that plays `webview.cspSource`. */
    readonly assetServer: LocalServer,
  ) {}

  static async start(): Promise<PanelHarness> {
    if (!fs.existsSync(path.join(DIST, 'webview.js')) || !fs.existsSync(path.join(DIST, 'webview.css'))) {
      throw new Error(`${DIST}/webview.js or webview.css is missing: run \`npm run build\` first`);
    }
    const servers: LocalServer[] = [];
    try {
      const pages = new Map<string, { html: string; crossOriginIsolated: boolean }>();
      servers.push(
        await startServer((request, response) => {
          const page = pages.get(new URL(request.url ?? '/', 'http://localhost').pathname);
          if (page === undefined) {
            response.writeHead(404).end();
            return;
          }
          const isolation = page.crossOriginIsolated ? ISOLATION_HEADERS : {};
          response
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...isolation })
            .end(page.html);
        }),
      );
      servers.push(await startServer(serveDist));
      const browser = await launchChromium();
      return new PanelHarness(pages, browser, servers[0], servers[1]);
    } catch (error) {
      await Promise.all(servers.map((server) => server.close()));
      throw error;
    }
  }

  async openPanel(options: PanelOptions = {}): Promise<PanelPage> {
    const nonce = randomBytes(24).toString('hex');
    const id = `/panel/${randomBytes(8).toString('hex')}.html`;
    const assetOrigin = this.assetServer.origin;
    this.pages.set(id, {
      html: testPanelHtml(assetOrigin, nonce, options),
      crossOriginIsolated: options.crossOriginIsolated ?? false,
    });
    const page = await this.browser.newPage({ viewport: options.viewport ?? { width: 400, height: 640 } });
    const pageErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? String(error)));
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? 'failed';
      // A load the CSP blocked is reported (and judged) as a violation.
      if (!/\bcsp\b/.test(reason)) failedRequests.push(`${request.url()}: ${reason}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    });
    const allowed = options.allowCspViolation ?? (() => false);
    const cspViolations = () => page.evaluate(() => window.__cspViolations);
    const panel: PanelPage = {
      page,
      nonce,
      assetOrigin,
      posted: () => page.evaluate(() => window.__posted as WebviewToHost[]),
      postedSince: (count) => page.evaluate((from) => window.__posted.slice(from) as WebviewToHost[], count),
      state: () => page.evaluate(() => window.__state),
      send: (...messages) =>
        page.evaluate(
          (list) =>
            new Promise<void>((resolve) => {
              // The panel's listener was added first, so it has handled each message when this one sees it.
              let remaining = list.length;
              if (remaining === 0) return resolve();
              const onMessage = () => {
                if (--remaining > 0) return;
                window.removeEventListener('message', onMessage);
                resolve();
              };
              window.addEventListener('message', onMessage);
              for (const message of list) window.postMessage(message, '*');
            }),
          messages,
        ),
      cspViolations,
      pageErrors,
      failedRequests,
      assertHealthy: async () => {
        const unexpected = page.isClosed() ? [] : (await cspViolations()).filter((violation) => !allowed(violation));
        const problems = [
          ...pageErrors.map((error) => `uncaught error in the page: ${error}`),
          ...failedRequests.map((request) => `failed load: ${request}`),
          ...unexpected.map((violation) => `CSP violation: ${JSON.stringify(violation)}`),
        ];
        if (problems.length > 0) throw new Error(`The panel page was not healthy:\n  ${problems.join('\n  ')}`);
      },
      close: async () => {
        this.open.delete(panel);
        this.pages.delete(id);
        if (!page.isClosed()) await page.close();
      },
    };
    this.open.add(panel);
    try {
      // The bundle is a parser-blocking script: by the load event it has run.
      await page.goto(`${this.pageServer.origin}${id}`, { waitUntil: 'load' });
      if (!(await page.evaluate(() => document.querySelector('textarea#composer') !== null)))
        throw new Error('the bundle built no composer');
    } catch (error) {
      await panel.close();
      throw new Error(`The panel did not load: ${String(error)}\n${pageErrors.join('\n')}`);
    }
    return panel;
  }

  /**
   * Opens a fresh panel, runs the test body, then fails the test if the page had an uncaught error, a failed load or
   * an unexpected CSP violation. The page is closed whatever happens.
   */
  async withPanel(options: PanelOptions, body: (panel: PanelPage) => Promise<void>): Promise<void> {
    const panel = await this.openPanel(options);
    try {
      await body(panel);
      await panel.assertHealthy();
    } finally {
      await panel.close();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.open].map((panel) => panel.close()));
    try {
      await this.browser.close();
    } finally {
      await Promise.all([this.pageServer.close(), this.assetServer.close()]);
    }
  }
}

/**
 * Registers mocha hooks that start one harness (browser + servers) for the enclosing suite and close it afterwards.
 * Use `harness.withPanel(...)` in each test for a fresh page.
 */
export function usePanelHarness(): Pick<PanelHarness, 'withPanel' | 'openPanel'> & { readonly current: PanelHarness } {
  let harness: PanelHarness | undefined;
  before(async function () {
    this.timeout(60_000);
    harness = await PanelHarness.start();
  });
  after(async () => {
    await harness?.close();
    harness = undefined;
  });
  const current = () => {
    if (!harness)
      throw new Error('The panel harness is not running (use it inside tests of the suite that registered it)');
    return harness;
  };
  return {
    get current() {
      return current();
    },
    withPanel: (options, body) => current().withPanel(options, body),
    openPanel: (options) => current().openPanel(options),
  };
}

/** A `snapshot` message: an empty conversation with a key and a model unless overridden. */
export function snapshot(overrides: Partial<PanelState> = {}): HostToWebview {
  return {
    type: 'snapshot',
    state: {
      conversationId: 'conversation-1',
      messages: [],
      hasApiKey: true,
      streaming: false,
      model: 'openai/gpt-4o',
      sendWith: 'enter',
      imageLimits: { maxLongSide: 2048, maxShortSideHigh: 768, maxBytes: 20 * 1024 * 1024, maxCount: 10 },
      ...overrides,
    },
  };
}

export function userMessage(id: string, text: string, extra: Partial<MessageView> = {}): MessageView {
  return { id, role: 'user', text, status: 'done', ...extra };
}

export function assistantMessage(
  id: string,
  text: string,
  status: TurnStatus = 'done',
  extra: Partial<MessageView> = {},
): MessageView {
  return { id, role: 'assistant', text, status, ...extra };
}

/** What the panel posted, with each `send`'s request id checked (a positive integer) and left out, for comparing. */
export function withoutRequestIds(messages: readonly WebviewToHost[]): unknown[] {
  return messages.map((message) => {
    if (message.type !== 'send') return message;
    const { requestId, ...rest } = message;
    if (!Number.isSafeInteger(requestId) || requestId <= 0)
      throw new Error(`bad request id in ${JSON.stringify(message)}`);
    return rest;
  });
}

/** Answers the last `send` the panel posted as the host does: accepted, or refused for `reason`. */
export async function answerLastSend(panel: PanelPage, answer: 'accepted' | SendRefusal): Promise<void> {
  const sent = (await panel.posted()).filter((message) => message.type === 'send').at(-1);
  if (!sent || sent.type !== 'send') throw new Error('the panel posted no send to answer');
  await panel.send(
    answer === 'accepted'
      ? { type: 'sendResult', requestId: sent.requestId, outcome: 'accepted' }
      : { type: 'sendResult', requestId: sent.requestId, outcome: 'refused', reason: answer },
  );
}
