// Settled code blocks are coloured from the theme, lazily, with text that stays text; huge blocks stay plain.
import { strict as assert } from 'node:assert';
import { assistantMessage, snapshot, usePanelHarness, type PanelPage } from '../support/panelPage';

const THEME = {
  '--vscode-symbolIcon-keywordForeground': 'rgb(11, 22, 33)',
  '--vscode-debugTokenExpression-string': 'rgb(44, 55, 66)',
  '--vscode-editor-foreground': 'rgb(200, 200, 200)',
};

const fence = (language: string, code: string) => `\`\`\`${language}\n${code}\n\`\`\`\n\n`;

function waitHighlighted(panel: PanelPage, selector: string): Promise<unknown> {
  return panel.page.waitForSelector(`${selector} pre > code[data-highlighted]`, { state: 'attached' });
}

describe('panel in Chromium: syntax highlighting', function () {
  this.timeout(60_000);
  const harness = usePanelHarness();

  it('colours a TypeScript block with the theme, keeping its text and the highlighter out of the page until needed', () =>
    harness.withPanel({ theme: THEME }, async (panel) => {
      const code = 'const greeting: string = "hello";\nfunction greet() { return greeting; }';
      await panel.send(snapshot({ messages: [assistantMessage('a1', 'No code here.')] }));
      assert.equal(
        await panel.page.evaluate(
          () => (window as unknown as { gatewayChatHighlighter?: unknown }).gatewayChatHighlighter === undefined,
        ),
        true,
      );
      await panel.send(snapshot({ messages: [assistantMessage('a1', `Here:\n\n${fence('ts', code)}Done.`)] }));
      await waitHighlighted(panel, '.message[data-id="a1"]');
      const result = await panel.page.$eval('.message[data-id="a1"] pre > code', (element) => {
        const keyword = element.querySelector('.hl-keyword');
        const string = element.querySelector('.hl-string');
        return {
          text: element.textContent,
          keyword: keyword?.textContent,
          keywordColour: keyword ? getComputedStyle(keyword).color : '',
          string: string?.textContent,
          stringColour: string ? getComputedStyle(string).color : '',
        };
      });
      assert.deepEqual(result, {
        text: `${code}\n`,
        keyword: 'const',
        keywordColour: 'rgb(11, 22, 33)',
        string: '"hello"',
        stringColour: 'rgb(44, 55, 66)',
      });
      await panel.assertHealthy();
    }));

  it('[B7-7] keeps markup inside code as text: a <script> in an HTML block never runs or becomes an element', () =>
    harness.withPanel({}, async (panel) => {
      const code = '<script>window.__highlightPwned = 1</script>\n<img src=x onerror="window.__highlightPwned = 2">';
      await panel.send(snapshot({ messages: [assistantMessage('a1', fence('html', code))] }));
      await waitHighlighted(panel, '.message[data-id="a1"]');
      const result = await panel.page.$eval('.message[data-id="a1"] pre > code', (element) => ({
        text: element.textContent,
        elements: Array.from(element.querySelectorAll('*'), (child) => child.tagName).filter((tag) => tag !== 'SPAN'),
        spans: element.querySelectorAll('span').length > 0,
        pwned: (window as unknown as { __highlightPwned?: number }).__highlightPwned,
      }));
      assert.deepEqual(result, { text: `${code}\n`, elements: [], spans: true, pwned: undefined });
      await panel.assertHealthy();
    }));

  it('leaves a block over 50 KB plain, and highlights settled blocks of a streaming reply but not its open tail', () =>
    harness.withPanel({}, async (panel) => {
      const huge = Array.from({ length: 2500 }, (_, index) => `const value${index} = ${index};`).join('\n');
      await panel.send(
        snapshot({ messages: [assistantMessage('big', `${fence('js', huge)}${fence('js', 'let small = 1;')}`)] }),
      );
      await panel.page.waitForFunction(
        () => document.querySelectorAll('.message[data-id="big"] pre > code[data-highlighted]').length === 1,
      );
      const plain = await panel.page.$$eval('.message[data-id="big"] pre > code', (elements) =>
        elements.map((element) => element.childElementCount),
      );
      assert.equal(plain[0], 0);
      assert.ok(plain[1] > 0);

      await panel.send({ type: 'messageAdded', message: assistantMessage('s', '', 'streaming') });
      const settled = `${fence('ts', 'const first = 1;')}Some text.\n\nMore text.\n\n`;
      await panel.send({ type: 'delta', messageId: 's', text: `${settled}\`\`\`ts\nconst open = 2;\n` });
      await waitHighlighted(panel, '.message[data-id="s"]');
      const whileStreaming = await panel.page.$$eval('.message[data-id="s"] pre > code', (elements) =>
        elements.map((element) => element.hasAttribute('data-highlighted')),
      );
      assert.deepEqual(whileStreaming, [true, false]);
      await panel.send(
        { type: 'delta', messageId: 's', text: '```\n' },
        { type: 'turnEnded', messageId: 's', status: 'done' },
      );
      await panel.page.waitForFunction(
        () => document.querySelectorAll('.message[data-id="s"] pre > code[data-highlighted]').length === 2,
      );
      await panel.assertHealthy();
    }));
});
