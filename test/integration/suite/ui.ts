/**
 * The suite's client of the runner's UI bridge. The suite runs inside the extension host (Node, real `vscode` API)
 * and cannot touch the browser; the runner (web-server route) drives the workbench page with Playwright and passes
 * the bridge's URL in GATEWAY_CHAT_UI_BRIDGE. Each call is one POST; errors come back as thrown Errors with the
 * runner's message. On the Electron route there is no bridge: UI-driven tests skip themselves (see `requireUi`).
 */
import { skipWithReason } from './skip';

const BRIDGE = process.env.GATEWAY_CHAT_UI_BRIDGE;

export function available(): boolean {
  return Boolean(BRIDGE);
}

export const NO_BRIDGE_REASON = 'needs the UI bridge, which only the default web-server route provides';

/** Skips the current test (or, from a `before` hook, the whole describe) when there is no bridge. */
export function requireUi(context: Mocha.Context): void {
  if (!available()) skipWithReason(context, NO_BRIDGE_REASON);
}

async function call<T>(action: string, ...args: unknown[]): Promise<T> {
  if (!BRIDGE) throw new Error(`UI bridge unavailable: ${NO_BRIDGE_REASON}`);
  let response: Response;
  try {
    response = await fetch(`${BRIDGE}/ui`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, args }),
    });
  } catch (error) {
    throw new Error(`UI bridge ${action}: cannot reach the runner at ${BRIDGE}: ${(error as Error).message}`);
  }
  const result = (await response.json()) as { ok: boolean; value?: T; error?: string };
  if (!result.ok)
    throw new Error(`UI bridge ${action}(${args.map((a) => JSON.stringify(a)).join(', ')}): ${result.error}`);
  return result.value as T;
}

/** Clicks the activity-bar item labelled "Gateway Chat" (unless the view is showing) and waits for the panel. */
export const openChatView = (): Promise<void> => call('openChatView');
/** Types into the panel's composer like a user; '\n' becomes Shift+Enter (a newline, not a send). */
export const typeInComposer = (text: string): Promise<void> => call('typeInComposer', text);
/** Presses a key in the panel's composer, e.g. 'Enter', 'Shift+Enter', 'Escape'; `times` times in a row. */
export const press = (key: string, times?: number): Promise<void> => call('press', key, times);
/** Clicks the first element matching `selector` inside the chat webview. */
export const click = (selector: string, timeoutMs?: number): Promise<void> => call('click', selector, timeoutMs);
/** Double-clicks the first element matching `selector` inside the chat webview. */
export const doubleClick = (selector: string, timeoutMs?: number): Promise<void> =>
  call('doubleClick', selector, timeoutMs);
/**
 * Opens the chat view (closed before) with `text` typed and Enter pressed as soon as the panel's page has run, before
 * its first snapshot can have come; says whether it had come all the same.
 */
export const openChatViewAndSend = (text: string): Promise<{ hadSnapshot: boolean }> =>
  call('openChatViewAndSend', text);
export const composerValue = (): Promise<string> => call('composerValue');
/** Rendered text of every element matching `selector` in the panel, joined by '\n' ('' when none). */
export const panelText = (selector?: string): Promise<string> => call('panelText', selector);
export const panelTexts = (selector: string): Promise<string[]> => call('panelTexts', selector);
/** Waits until an element matching `selector` contains `substring`; returns its text. */
export const waitForPanelText = (selector: string, substring: string, timeoutMs = 15_000): Promise<string> =>
  call('waitForPanelText', selector, substring, timeoutMs);
export const count = (selector: string): Promise<number> => call('count', selector);
/** An attribute of the `index`-th element matching `selector` (-1: the last); null when there is none. */
export const attribute = (selector: string, name: string, index = 0): Promise<string | null> =>
  call('attribute', selector, name, index);
export const isVisible = (selector: string): Promise<boolean> => call('isVisible', selector);
/** The natural size of every image matching `selector`, once loaded (0×0: it could not load). */
export const imageSizes = (selector: string, timeoutMs?: number): Promise<{ width: number; height: number }[]> =>
  call('imageSizes', selector, timeoutMs);
export const waitFor = (
  selector: string,
  state: 'visible' | 'hidden' | 'attached' | 'detached' = 'visible',
  timeoutMs = 15_000,
): Promise<void> => call('waitFor', selector, state, timeoutMs);
export const waitForCount = (selector: string, n: number, timeoutMs = 15_000): Promise<void> =>
  call('waitForCount', selector, n, timeoutMs);
/** The whole DOM of the chat webview as text (plus the composer's current value). */
export const webviewHtml = (): Promise<string> => call('webviewHtml');

/** Replaces the text of VS Code's open input box / quick pick (e.g. the password box of "Set API Key"). */
export const typeInQuickInput = (text: string): Promise<void> => call('typeInQuickInput', text);
export const waitForQuickInput = (timeoutMs?: number): Promise<void> => call('waitForQuickInput', timeoutMs);
/** Visible text of the open input box (title, prompt, validation message); '' when closed. */
export const quickInputText = (): Promise<string> => call('quickInputText');
export const quickInputVisible = (): Promise<boolean> => call('quickInputVisible');
export const waitForQuickInputText = (substring: string, timeoutMs?: number): Promise<string> =>
  call('waitForQuickInputText', substring, timeoutMs);
export const waitForQuickInputClosed = (timeoutMs?: number): Promise<void> =>
  call('waitForQuickInputClosed', timeoutMs);
/** Presses a key wherever the workbench focus is (e.g. 'Enter' in an input box). */
export const pressInWorkbench = (key: string): Promise<void> => call('pressInWorkbench', key);
/** F1, the command's title, Enter. */
export const runCommandFromPalette = (title: string): Promise<void> => call('runCommandFromPalette', title);
export const notifications = (): Promise<string[]> => call('notifications');
/** The addresses of the browser tabs the workbench opened (links opened by VS Code's opener). */
export const openedTabs = (): Promise<string[]> => call('openedTabs');
/** Drops files (URIs, as the Explorer gives them) on the panel, which asks the host to attach them. */
export const dropUrisOnPanel = (uris: string[]): Promise<void> => call('dropUrisOnPanel', uris);
/** Puts a link to `href` into the last message, drawn as the panel draws links, and clicks it. */
export const clickForgedLink = (href: string): Promise<void> => call('clickForgedLink', href);
/** The workbench's stored state (IndexedDB, localStorage) as text, SecretStorage's entries left out. */
export const storedState = (): Promise<string> => call('storedState');
/** Drags the side bar's edge so it is `width` px wide (for screenshots). */
export const resizeSideBar = (width: number): Promise<void> => call('resizeSideBar', width);
/** Saves test-results/screenshots/<name>.png in the repository; returns the path. */
export const screenshot = (name: string): Promise<string> => call('screenshot', name);
