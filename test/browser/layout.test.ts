// The panel's layout in a VS Code-like dark theme, at a sidebar's size, plus a screenshot to look at.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  assistantMessage,
  DARK_THEME,
  REPO_ROOT,
  snapshot,
  usePanelHarness,
  userMessage,
  type PanelPage,
} from '../support/panelPage';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  width: number;
  height: number;
}

function box(panel: PanelPage, selector: string): Promise<Box> {
  return panel.page.$eval(selector, (element) => {
    const { top, bottom, left, right, width, height } = element.getBoundingClientRect();
    return { top, bottom, left, right, width, height };
  });
}

const inside = (inner: Box, outer: Box) =>
  inner.left >= outer.left - 0.5 &&
  inner.right <= outer.right + 0.5 &&
  inner.top >= outer.top - 0.5 &&
  inner.bottom <= outer.bottom + 0.5;

async function assertSoundLayout(panel: PanelPage): Promise<void> {
  const viewport = panel.page.viewportSize();
  assert.ok(viewport);
  const composer = await box(panel, 'form.composer');
  const conversation = await box(panel, '.conversation');
  // The composer sits at the bottom, the conversation above it, and the page itself never scrolls.
  assert.ok(
    viewport.height - composer.bottom >= 0 && viewport.height - composer.bottom <= 16,
    `composer bottom ${composer.bottom} of ${viewport.height}`,
  );
  assert.ok(conversation.bottom <= composer.top + 0.5, 'the conversation overlaps the composer');
  const page = await panel.page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    width: document.documentElement.clientWidth,
    height: document.documentElement.clientHeight,
  }));
  assert.ok(page.scrollWidth <= page.width, `horizontal overflow: ${page.scrollWidth} > ${page.width}`);
  assert.ok(page.scrollHeight <= page.height, `the page scrolls: ${page.scrollHeight} > ${page.height}`);
  // The visible composer button is a usable target inside the composer.
  const button = await box(panel, (await panel.page.isVisible('button#send')) ? 'button#send' : 'button#stop');
  assert.ok(inside(button, composer), `button ${JSON.stringify(button)} outside composer ${JSON.stringify(composer)}`);
  assert.ok(button.width >= 20 && button.height >= 20, `button is ${button.width}×${button.height}`);
  // Every message fits the width of the conversation.
  const widths = await panel.page.$$eval('.message, .message-body, .message-error', (elements) =>
    elements.map((element) => element.scrollWidth - element.clientWidth),
  );
  assert.deepEqual(
    widths.filter((overflow) => overflow > 0),
    [],
    'a message overflows horizontally',
  );
}

describe('panel in Chromium: layout', () => {
  const harness = usePanelHarness();

  before(() => fs.mkdirSync(SCREENSHOTS, { recursive: true }));

  it('lays out a representative conversation sensibly in a dark sidebar (screenshot: test-results/screenshots/panel-browser.png)', () =>
    harness.withPanel({ theme: DARK_THEME, viewport: { width: 380, height: 720 } }, async (panel) => {
      const longLine =
        'https://gateway.example.test/v1/chat/completions?' + 'averyveryverylongunbrokenparameter'.repeat(4);
      await panel.send(
        snapshot({
          messages: [
            userMessage('m1', 'How do I read a file line by line in Node.js?'),
            assistantMessage(
              'm2',
              "Use the readline module with a file stream:\n\nconst rl = readline.createInterface({ input: fs.createReadStream('in.txt') });\nfor await (const line of rl) console.log(line);\n\nIt handles files of any size without loading them whole.",
              'done',
              { model: 'openai/gpt-4o', usage: { promptTokens: 18, completionTokens: 54 } },
            ),
            userMessage('m3', `And this URL?\n${longLine}`),
            assistantMessage('m4', 'That URL points at the chat completions endpoint of', 'stopped'),
            userMessage('m5', 'Try again'),
            assistantMessage('m6', '', 'error', {
              error: {
                title: 'The gateway refused the API key',
                detail: 'HTTP 401 Unauthorized from gateway.example.test.',
                actions: ['setApiKey', 'retry'],
              },
            }),
            userMessage('m7', 'Write a haiku about streams'),
          ],
        }),
        { type: 'messageAdded', message: assistantMessage('m8', '', 'streaming') },
        { type: 'delta', messageId: 'm8', text: 'Bytes drift like rain,\n' },
        { type: 'delta', messageId: 'm8', text: 'each chunk a small promise kept' },
      );
      await panel.page.fill('textarea#composer', 'A follow-up question');
      await panel.page.evaluate(() => document.fonts.ready);

      await assertSoundLayout(panel);
      // A long conversation scrolls inside its own area and follows the newest text.
      const scroll = await panel.page.$eval('.conversation', (element) => ({
        overflow: element.scrollHeight > element.clientHeight,
        atBottom: element.scrollHeight - element.scrollTop - element.clientHeight <= 2,
      }));
      assert.deepEqual(scroll, { overflow: true, atBottom: true });
      // Text is readable: theme colours apply, and the body is not the same colour as the background.
      const colours = await panel.page.$eval('.message[data-id="m8"] .message-body', (element) => ({
        text: getComputedStyle(element).color,
        background: getComputedStyle(document.body).backgroundColor,
      }));
      assert.deepEqual(colours, { text: 'rgb(204, 204, 204)', background: 'rgb(24, 24, 24)' });

      await panel.page.screenshot({ path: path.join(SCREENSHOTS, 'panel-browser.png') });
    }));

  it('keeps the banners and an empty conversation in place on a narrow panel (screenshot: panel-browser-empty.png)', () =>
    harness.withPanel({ theme: DARK_THEME, viewport: { width: 260, height: 520 } }, async (panel) => {
      await panel.send(
        snapshot({ hasApiKey: false, configProblem: 'The base URL "ftp://x" must start with http:// or https://.' }),
      );
      await assertSoundLayout(panel);
      const banner = await box(panel, '#no-key-banner');
      const setKey = await box(panel, '#no-key-banner button');
      assert.ok(inside(setKey, banner), 'the Set API Key button leaves its banner');
      assert.ok((await box(panel, '#config-banner')).bottom <= banner.top, 'the banners overlap');
      assert.equal(await panel.page.isVisible('.empty-state'), true);
      await panel.page.screenshot({ path: path.join(SCREENSHOTS, 'panel-browser-empty.png') });
    }));
});
