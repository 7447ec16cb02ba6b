/**
 * Drives the VS Code web workbench and the Gateway Chat panel in a Playwright page the way a user does: the
 * activity bar, the command palette, VS Code's input boxes, and the chat webview (whose DOM lives in nested
 * iframes). Used by the integration runner's UI bridge and by the .vsix e2e check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

export const VIEW_CONTAINER_TITLE = 'Gateway Chat';
const COMPOSER = 'textarea#composer';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';

export type WaitState = 'visible' | 'hidden' | 'attached' | 'detached';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class WorkbenchDriver {
  /** Addresses of the browser tabs the workbench opened (links opened with VS Code's opener), in order. */
  private readonly opened: string[] = [];

  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {
    page.context().on('page', (tab) => {
      this.opened.push(tab.url());
      tab.on('framenavigated', (frame) => {
        if (frame === tab.mainFrame()) this.opened.push(frame.url());
      });
    });
  }

  /** Waits until the workbench shows its activity bar. */
  async waitForWorkbench(timeoutMs = 60_000): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench .activitybar', { state: 'visible', timeout: timeoutMs });
  }

  private activityItem(): Locator {
    return this.page.locator(`.activitybar .action-item:has(a[aria-label^="${VIEW_CONTAINER_TITLE}"])`).first();
  }

  /** Clicks the "Gateway Chat" activity-bar item (unless its view is already showing) and waits for the panel. */
  async openChatView(timeoutMs = 30_000): Promise<void> {
    const item = this.activityItem();
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    const checked = /\bchecked\b/.test((await item.getAttribute('class')) ?? '');
    const frame = checked ? await this.findChatFrame() : undefined;
    if (
      !checked ||
      !frame ||
      !(await frame
        .locator(COMPOSER)
        .isVisible()
        .catch(() => false))
    ) {
      if (checked) {
        // Open but the panel is not visible (e.g. sidebar hidden): close and re-open.
        await item.locator('a').first().click();
        await sleep(200);
      }
      await item.locator('a').first().click();
    }
    await this.chatFrame(timeoutMs);
  }

  /** The webview frame whose document has the composer, if there is one right now. */
  async findChatFrame(): Promise<Frame | undefined> {
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      try {
        if (await frame.$(COMPOSER)) return frame;
      } catch {
        // frame navigating or detached
      }
    }
    return undefined;
  }

  /** Waits for the chat webview frame. */
  async chatFrame(timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.findChatFrame();
      if (frame) return frame;
      if (Date.now() > deadline) {
        throw new Error(
          `no chat webview frame (with ${COMPOSER}) appeared within ${timeoutMs} ms; is the Gateway Chat view open?`,
        );
      }
      await sleep(150);
    }
  }

  private async panel(selector: string): Promise<Locator> {
    return (await this.chatFrame()).locator(selector);
  }

  /** Types into the composer like a user (Shift+Enter between lines, so nothing is sent). */
  async typeInComposer(text: string): Promise<void> {
    const composer = await this.panel(COMPOSER);
    await composer.click();
    await composer.press('Control+End'); // the click put the caret where it landed: continue at the end
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) await composer.press('Shift+Enter');
      if (lines[i]) await composer.pressSequentially(lines[i]);
    }
  }

  /** Presses a key in the composer (focuses it first), `times` times in a row as fast as a user can. */
  async press(key: string, times = 1): Promise<void> {
    const composer = await this.panel(COMPOSER);
    await composer.focus();
    for (let i = 0; i < times; i++) await composer.press(key);
  }

  /** Clicks the first visible element matching `selector` in the chat panel. */
  async click(selector: string, timeoutMs = 10_000): Promise<void> {
    const target = (await this.panel(selector)).first();
    await target.click({ timeout: timeoutMs });
  }

  /** Double-clicks the first visible element matching `selector` in the chat panel (two clicks, as a mouse sends). */
  async doubleClick(selector: string, timeoutMs = 10_000): Promise<void> {
    const target = (await this.panel(selector)).first();
    await target.dblclick({ timeout: timeoutMs });
  }

  /**
   * Opens the chat view with `text` typed into its composer and Enter pressed the moment the panel's page has run its
   * script, before the host can have answered its `ready` with a first snapshot: a user who types at once, faster
   * than any bridge round trip could. (A script Playwright adds to every new frame does it, in the page that has the
   * composer, as soon as the composer is there; it does nothing in frames made once `timeoutMs` has passed.) Resolves
   * with what the page showed at that moment: whether it had had its first snapshot (the model chip is empty before).
   */
  async openChatViewAndSend(text: string, timeoutMs = 20_000): Promise<{ hadSnapshot: boolean }> {
    if (await this.findChatFrame()) throw new Error('the chat view is open: close it first, so that a new page loads');
    await this.page.addInitScript(
      ({ text, until }) => {
        if (Date.now() > until) return;
        // The webview's frame starts as about:blank, becomes VS Code's fake.html (the same window), and then has the
        // panel's page written into it (document.open/write): watch every document opened in this window.
        const typeOnce = (observer: MutationObserver, document: Document) => {
          const box = document.querySelector<HTMLTextAreaElement>('textarea#composer');
          if (!box) return;
          observer.disconnect();
          (window as unknown as { __typedAtOnce?: unknown }).__typedAtOnce = {
            hadSnapshot: (document.querySelector('#model')?.childElementCount ?? 0) > 0,
          };
          box.value = text;
          box.dispatchEvent(new Event('input', { bubbles: true }));
          box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        };
        const watch = (document: Document) => {
          const observer = new MutationObserver(() => typeOnce(observer, document));
          observer.observe(document, { childList: true, subtree: true });
        };
        const open = Document.prototype.open;
        Document.prototype.open = function (this: Document, ...args: unknown[]) {
          const opened = (open as (...a: unknown[]) => Document).apply(this, args);
          watch(this);
          return opened;
        } as typeof Document.prototype.open;
      },
      { text, until: Date.now() + timeoutMs },
    );
    const item = this.activityItem();
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    await item.locator('a').first().click();
    const frame = await this.chatFrame(timeoutMs);
    const seen = await frame.waitForFunction(
      () => (window as unknown as { __typedAtOnce?: { hadSnapshot: boolean } }).__typedAtOnce,
      undefined,
      { timeout: timeoutMs },
    );
    return (await seen.jsonValue()) as { hadSnapshot: boolean };
  }

  async composerValue(): Promise<string> {
    return (await this.panel(COMPOSER)).inputValue();
  }

  /** The rendered text of every element matching `selector` in the panel, joined by newlines ('' when none). */
  async panelText(selector = 'body'): Promise<string> {
    const texts = await (await this.panel(selector)).allInnerTexts();
    return texts.join('\n');
  }

  async panelTexts(selector: string): Promise<string[]> {
    return (await this.panel(selector)).allInnerTexts();
  }

  async count(selector: string): Promise<number> {
    return (await this.panel(selector)).count();
  }

  /** An attribute of the `index`-th element matching `selector` (-1: the last); null when there is none. */
  async attribute(selector: string, name: string, index = 0): Promise<string | null> {
    const all = await this.panel(selector);
    const locator = index < 0 ? all.nth((await all.count()) + index) : all.nth(index);
    if ((await locator.count()) === 0) return null;
    return locator.getAttribute(name, { timeout: 2000 });
  }

  /** The natural size of every image matching `selector` once it has loaded (0×0 for one that could not load). */
  async imageSizes(selector: string, timeoutMs = 10_000): Promise<{ width: number; height: number }[]> {
    const all = await this.panel(selector);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sizes = await all.evaluateAll((images) =>
        images.map((image) => {
          const img = image as HTMLImageElement;
          return { complete: img.complete, width: img.naturalWidth, height: img.naturalHeight };
        }),
      );
      if (sizes.every((size) => size.complete) || Date.now() > deadline)
        return sizes.map(({ width, height }) => ({ width, height }));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async isVisible(selector: string): Promise<boolean> {
    return (await this.panel(selector)).first().isVisible();
  }

  /** Waits until some element matching `selector` has text containing `substring`; returns that text. */
  async waitForPanelText(selector: string, substring: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const texts = await (
          await this.chatFrame(Math.max(1000, deadline - Date.now()))
        )
          .locator(selector)
          .allInnerTexts();
        const hit = texts.find((text) => text.includes(substring));
        if (hit !== undefined) return hit;
        last = texts.join(' | ');
      } catch (error) {
        last = `(${(error as Error).message.split('\n')[0]})`;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${selector} to contain ${JSON.stringify(substring)}; it shows: ${JSON.stringify(last.slice(0, 800))}`,
        );
      }
      await sleep(100);
    }
  }

  /** Waits for the first element matching `selector` in the panel to reach `state`. */
  async waitFor(selector: string, state: WaitState = 'visible', timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.chatFrame(Math.max(1000, deadline - Date.now()));
      try {
        await frame
          .locator(selector)
          .first()
          .waitFor({ state, timeout: Math.min(2000, Math.max(100, deadline - Date.now())) });
        return;
      } catch (error) {
        // The webview can be replaced while we wait; retry on the new frame until the deadline.
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${selector} to be ${state}: ${(error as Error).message.split('\n')[0]}`,
          );
        }
      }
    }
  }

  /** Waits until `selector` matches exactly `n` elements in the panel. */
  async waitForCount(selector: string, n: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    for (;;) {
      try {
        last = await (await this.chatFrame(Math.max(1000, deadline - Date.now()))).locator(selector).count();
        if (last === n) return;
      } catch {
        // retry
      }
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} × ${selector} (have ${last})`);
      await sleep(100);
    }
  }

  /** The whole DOM of the chat webview (its own document and the frame hosting it), as HTML text. */
  async webviewHtml(): Promise<string> {
    const frame = await this.chatFrame();
    const parts = [await frame.content()];
    const parent = frame.parentFrame();
    if (parent && parent !== this.page.mainFrame()) parts.push(await parent.content());
    // Also the textarea's live value, which the serialized DOM does not include.
    parts.push(
      await frame
        .locator(COMPOSER)
        .inputValue()
        .catch(() => ''),
    );
    return parts.join('\n');
  }

  /** The addresses of the browser tabs the workbench has opened so far (what a user would see open). */
  async openedTabs(): Promise<string[]> {
    return [...this.opened];
  }

  /**
   * Drops `uris` on the panel the way VS Code's Explorer hands files over (a `text/uri-list`); the panel asks the host
   * to read and attach them.
   */
  async dropUrisOnPanel(uris: string[]): Promise<void> {
    const frame = await this.chatFrame();
    await frame.evaluate((list) => {
      const target = document.querySelector('main.app');
      if (!target) throw new Error('the panel has no main.app to drop on');
      const transfer = new DataTransfer();
      transfer.setData('text/uri-list', list.join('\r\n'));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
    }, uris);
  }

  /**
   * Puts a link to `href` into the last message body, built as the panel builds a link (`a.md-link[data-href]`), and
   * clicks it: what a panel with a rendering bug would post, so that the host's own check of links can be seen.
   */
  async clickForgedLink(href: string): Promise<void> {
    const frame = await this.chatFrame();
    await frame.evaluate((target) => {
      const bodies = document.querySelectorAll('.message .message-body');
      const body = bodies[bodies.length - 1];
      if (!body) throw new Error('the panel shows no message to put a link in');
      const link = document.createElement('a');
      link.className = 'md-link';
      link.dataset.href = target;
      link.id = 'forged-link';
      link.textContent = 'forged link';
      body.append(link);
    }, href);
    await frame.locator('#forged-link').click();
    await frame.evaluate(() => document.getElementById('forged-link')?.remove());
  }

  /**
   * Everything the workbench page keeps in IndexedDB and localStorage, as text (`database/store/key = value`): the web
   * workbench keeps extensions' globalState and workspaceState and the views' state (a webview's `setState`) there.
   * SecretStorage's own entries (keys starting `secret://`), where API keys belong, are left out.
   */
  async storedState(): Promise<string> {
    return this.page.evaluate(async () => {
      const text = (value: unknown): string => {
        if (typeof value === 'string') return value;
        if (value instanceof Uint8Array || value instanceof ArrayBuffer) return new TextDecoder().decode(value);
        try {
          return JSON.stringify(value) ?? String(value);
        } catch {
          return String(value);
        }
      };
      const request = <T>(req: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      const lines: string[] = [];
      for (const { name } of await indexedDB.databases()) {
        if (!name) continue;
        const db = await request(indexedDB.open(name));
        try {
          for (const storeName of Array.from(db.objectStoreNames)) {
            const store = db.transaction(storeName, 'readonly').objectStore(storeName);
            const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
            keys.forEach((key, index) => {
              const keyText = text(key);
              if (!keyText.startsWith('secret://'))
                lines.push(`${name}/${storeName}/${keyText} = ${text(values[index])}`);
            });
          }
        } finally {
          db.close();
        }
      }
      for (let index = 0; index < localStorage.length; index++) {
        const key = localStorage.key(index) ?? '';
        if (!key.startsWith('secret://')) lines.push(`localStorage/${key} = ${localStorage.getItem(key)}`);
      }
      return lines.join('\n');
    });
  }

  // ---- VS Code's own UI -------------------------------------------------------------------------------------

  async waitForQuickInput(timeoutMs = 10_000): Promise<void> {
    await this.page.locator(QUICK_INPUT_BOX).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Replaces the text in the open quick input / input box (e.g. the password box of "Set API Key"). */
  async typeInQuickInput(text: string): Promise<void> {
    await this.waitForQuickInput();
    const input = this.page.locator(QUICK_INPUT_BOX).first();
    await input.fill('');
    if (text) await input.pressSequentially(text);
  }

  /** Text of the open quick input: title, prompt or validation message. '' when it is closed. */
  async quickInputText(): Promise<string> {
    const widget = this.page.locator(QUICK_INPUT).first();
    if (!(await widget.isVisible().catch(() => false))) return '';
    return widget.innerText();
  }

  async quickInputVisible(): Promise<boolean> {
    return this.page
      .locator(QUICK_INPUT_BOX)
      .first()
      .isVisible()
      .catch(() => false);
  }

  /** Waits until the quick input widget shows `substring` (e.g. a validation message). */
  async waitForQuickInputText(substring: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = await this.quickInputText().catch(() => '');
      if (last.includes(substring)) return last;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for the input box to show ${JSON.stringify(substring)}; it shows ${JSON.stringify(last)}`,
        );
      }
      await sleep(100);
    }
  }

  async waitForQuickInputClosed(timeoutMs = 10_000): Promise<void> {
    await this.page.locator(QUICK_INPUT_BOX).first().waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** Presses a key wherever the workbench focus is (e.g. Enter in an input box). */
  async pressInWorkbench(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /**
   * F1, types the command title, waits for it to be the highlighted entry, Enter. The palette lists the commands
   * known when it opens, so if the entry is missing (extensions still registering) it is closed and reopened.
   */
  async runCommandFromPalette(title: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let label = '';
    for (;;) {
      await this.page.keyboard.press('F1');
      await this.waitForQuickInput(Math.max(1000, deadline - Date.now()));
      await this.page.locator(QUICK_INPUT_BOX).first().fill(`>${title}`);
      const row = this.page.locator('.quick-input-list .monaco-list-row.focused').first();
      const attemptEnd = Math.min(deadline, Date.now() + 2000);
      for (;;) {
        label = (await row.getAttribute('aria-label', { timeout: 500 }).catch(() => null)) ?? '';
        if (label.includes(title)) {
          await this.page.keyboard.press('Enter');
          return;
        }
        if (Date.now() > attemptEnd) break;
        await sleep(100);
      }
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) {
        throw new Error(
          `the command palette has no entry ${JSON.stringify(title)} (highlighted: ${JSON.stringify(label)})`,
        );
      }
      await sleep(500);
    }
  }

  /** Texts of the notification toasts now visible, and of the notification center's list when it is open. */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item')
      .allInnerTexts();
  }

  /** Drags the sash on the side bar's right edge so the side bar is `width` px wide (for screenshots). */
  async resizeSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').first().boundingBox();
    if (!box) throw new Error('the side bar is not visible');
    const y = box.y + box.height / 2;
    const fromX = box.x + box.width;
    await this.page.mouse.move(fromX, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
    // Park the pointer over the editor area so the sash is not drawn highlighted in a screenshot.
    const viewport = this.page.viewportSize();
    if (viewport) await this.page.mouse.move(viewport.width - 40, viewport.height / 2);
    await sleep(300);
  }

  async screenshot(name: string): Promise<string> {
    const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-');
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${safe}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/** The methods the UI bridge exposes to the suite (names → driver calls). */
export const BRIDGE_ACTIONS = [
  'openChatView',
  'typeInComposer',
  'press',
  'click',
  'doubleClick',
  'openChatViewAndSend',
  'composerValue',
  'panelText',
  'panelTexts',
  'count',
  'attribute',
  'isVisible',
  'imageSizes',
  'waitForPanelText',
  'waitFor',
  'waitForCount',
  'webviewHtml',
  'typeInQuickInput',
  'quickInputText',
  'quickInputVisible',
  'waitForQuickInputText',
  'waitForQuickInputClosed',
  'waitForQuickInput',
  'pressInWorkbench',
  'runCommandFromPalette',
  'notifications',
  'openedTabs',
  'dropUrisOnPanel',
  'clickForgedLink',
  'storedState',
  'resizeSideBar',
  'screenshot',
] as const;
export type BridgeAction = (typeof BRIDGE_ACTIONS)[number];
