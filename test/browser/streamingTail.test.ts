// While a reply streams, what has not changed stays put: a selection, a hovered button or a focused one survive updates.
import { strict as assert } from 'node:assert';
import { assistantMessage, snapshot, userMessage, usePanelHarness, type PanelPage } from '../support/panelPage';
import { frames } from './scrolling.test';

async function selectText(panel: PanelPage, selector: string): Promise<string> {
  return panel.page.$eval(selector, (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return selection?.toString() ?? '';
  });
}

/** A question, then reply `a1` streaming with its first text, rendered. */
async function startReply(panel: PanelPage, text: string): Promise<void> {
  await panel.send(
    snapshot({ messages: [userMessage('u1', 'Show me code')] }),
    { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
    { type: 'delta', messageId: 'a1', text },
  );
  await frames(panel);
}

describe('panel in Chromium: the streaming tail', function () {
  this.timeout(60_000);
  const harness = usePanelHarness();

  it('keeps a selection in the open part of a reply while more text streams into the code block after it', () =>
    harness.withPanel({}, async (panel) => {
      await startReply(
        panel,
        'Here is the **function** you asked for:\n\n```ts\nfunction add(a: number, b: number) {\n',
      );
      const selected = await selectText(panel, '.message[data-id="a1"] .message-body > p');
      assert.equal(selected, 'Here is the function you asked for:');
      for (const line of ['  const sum = a + b;\n', '  return sum;\n', '}\n']) {
        await panel.send({ type: 'delta', messageId: 'a1', text: line });
        await frames(panel);
      }
      assert.equal(
        await panel.page.evaluate(() => window.getSelection()?.toString()),
        selected,
        'the selection was lost by an update',
      );
      assert.equal(
        await panel.page.$eval('.message[data-id="a1"] pre code', (code) => code.textContent),
        'function add(a: number, b: number) {\n  const sum = a + b;\n  return sum;\n}\n',
      );
      await panel.send(
        { type: 'delta', messageId: 'a1', text: '```\n\nDone.' },
        { type: 'turnEnded', messageId: 'a1', status: 'done' },
      );
      assert.equal(
        await panel.page.evaluate(() => window.getSelection()?.toString()),
        selected,
        'the selection was lost when the reply ended',
      );
      await panel.assertHealthy();
    }));

  it('keeps the focus on a code block button of the open part while the reply goes on', () =>
    harness.withPanel({}, async (panel) => {
      await startReply(panel, '```py\nprint("hi")\n```\n\nNow the explanation');
      await panel.page.focus('.message[data-id="a1"] pre .md-code-action[data-code-action="copy"]');
      for (const part of [' goes', ' on and', ' on.']) {
        await panel.send({ type: 'delta', messageId: 'a1', text: part });
        await frames(panel);
      }
      assert.equal(
        await panel.page.evaluate(() => document.activeElement?.getAttribute('data-code-action')),
        'copy',
        'the focused button was replaced',
      );
      await panel.page.keyboard.press('Enter');
      const posted = await panel.posted();
      assert.deepEqual(
        posted.filter((message) => message.type === 'codeAction'),
        [{ type: 'codeAction', action: 'copy', code: 'print("hi")\n', language: 'py' }],
      );
      await panel.assertHealthy();
    }));
});
