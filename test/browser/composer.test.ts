// The composer and the first-run banner of the real panel bundle, in Chromium under the production CSP.
import { strict as assert } from 'node:assert';
import { assistantMessage, snapshot, usePanelHarness, userMessage, type PanelPage } from '../support/panelPage';

interface KeyInit {
  key: string;
  isComposing?: boolean;
  /** Legacy, but what some browsers report (229) while an IME processes the key. */
  keyCode?: number;
}

/** Dispatches a synthetic keydown on the composer; returns whether the panel let the default action happen. */
function keydown(panel: PanelPage, init: KeyInit): Promise<boolean> {
  return panel.page.evaluate((eventInit) => {
    const box = document.querySelector<HTMLTextAreaElement>('textarea#composer');
    if (!box) throw new Error('no composer');
    return box.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...eventInit }));
  }, init);
}

const composerValue = (panel: PanelPage) => panel.page.inputValue('textarea#composer');

describe('panel in Chromium: composer', () => {
  const harness = usePanelHarness();

  it('says it is ready once loaded, with the composer focused and Send showing', () =>
    harness.withPanel({}, async (panel) => {
      assert.deepEqual(await panel.posted(), [{ type: 'ready' }]);
      assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'composer');
      assert.equal(
        await panel.page.getAttribute('textarea#composer', 'placeholder'),
        'Ask anything (Enter to send, Shift+Enter for a new line)',
      );
      assert.equal(await panel.page.getAttribute('textarea#composer', 'aria-label'), 'Message');
      assert.equal(await panel.page.isVisible('button#send'), true);
      assert.equal(await panel.page.isHidden('button#stop'), true);
    }));

  it('without an API key shows the banner, asks for the key on click and on Enter, and keeps the typed text', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot({ hasApiKey: false, gateway: 'https://openrouter.ai' }));
      const banner = panel.page.locator('#no-key-banner');
      assert.equal(await banner.isVisible(), true);
      assert.match(await banner.innerText(), /Set the API key of your gateway/);
      // Keys are per gateway: the banner says which one needs a key.
      assert.equal(await banner.locator('.banner-gateway').innerText(), 'https://openrouter.ai');
      const button = banner.locator('button[data-action="setApiKey"]');
      assert.equal(await button.innerText(), 'Set API Key');

      await button.click();
      assert.deepEqual(await panel.postedSince(1), [{ type: 'runAction', action: 'setApiKey' }]);

      await panel.page.locator('textarea#composer').pressSequentially('my question');
      await panel.page.keyboard.press('Enter');
      const after = await panel.postedSince(1);
      assert.equal(
        after.some((message) => message.type === 'send'),
        false,
        JSON.stringify(after),
      );
      assert.deepEqual(after, [
        { type: 'runAction', action: 'setApiKey' },
        { type: 'runAction', action: 'setApiKey' },
      ]);
      assert.equal(await composerValue(panel), 'my question');

      // Once the key is set the banner goes away and the same text can be sent.
      await panel.send(snapshot({ hasApiKey: true }));
      assert.equal(await panel.page.locator('#no-key-banner').count(), 0);
      await panel.page.keyboard.press('Enter');
      assert.deepEqual((await panel.posted()).at(-1), { type: 'send', text: 'my question' });
    }));

  it('Enter sends exactly the typed text and clears the box', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.locator('textarea#composer').pressSequentially('hello');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await panel.postedSince(1), [{ type: 'send', text: 'hello' }]);
      assert.equal(await composerValue(panel), '');
    }));

  it('Shift+Enter inserts a newline and sends nothing; the text is sent whole afterwards', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      const box = panel.page.locator('textarea#composer');
      await box.pressSequentially('first line');
      await panel.page.keyboard.press('Shift+Enter');
      await box.pressSequentially('second line');
      assert.equal(await composerValue(panel), 'first line\nsecond line');
      assert.deepEqual(await panel.postedSince(1), []);

      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await panel.postedSince(1), [{ type: 'send', text: 'first line\nsecond line' }]);
    }));

  it('Enter that confirms an IME composition sends nothing and is left to the IME', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.fill('textarea#composer', 'にほんご');
      assert.equal(await keydown(panel, { key: 'Enter', isComposing: true }), true, 'isComposing Enter was cancelled');
      assert.equal(await keydown(panel, { key: 'Enter', keyCode: 229 }), true, 'keyCode 229 Enter was cancelled');
      assert.deepEqual(await panel.postedSince(1), []);
      assert.equal(await composerValue(panel), 'にほんご');

      // A plain Enter afterwards does send.
      assert.equal(await keydown(panel, { key: 'Enter' }), false);
      assert.deepEqual(await panel.postedSince(1), [{ type: 'send', text: 'にほんご' }]);
    }));

  it('the Send button sends', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.fill('textarea#composer', 'from the button');
      await panel.page.click('button#send');
      assert.deepEqual(await panel.postedSince(1), [{ type: 'send', text: 'from the button' }]);
      assert.equal(await composerValue(panel), '');
    }));

  it('whitespace-only text is not sent, by Enter or by the button', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.fill('textarea#composer', '   \n\t ');
      await panel.page.focus('textarea#composer');
      await panel.page.keyboard.press('Enter');
      await panel.page.click('button#send');
      assert.deepEqual(await panel.postedSince(1), []);
    }));

  it('keeps the draft in webview state as the user types, and clears it once sent', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.locator('textarea#composer').pressSequentially('half a thought');
      assert.deepEqual(await panel.state(), { draft: 'half a thought' });
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await panel.state(), { draft: '' });
    }));

  it('shows the draft kept from an earlier life of the panel', () =>
    harness.withPanel({ state: { draft: 'unsent words\nover two lines' } }, async (panel) => {
      assert.equal(await composerValue(panel), 'unsent words\nover two lines');
      await panel.send(snapshot());
      assert.equal(await composerValue(panel), 'unsent words\nover two lines', 'a snapshot must not wipe the draft');
    }));

  it('grows with its content up to a limit, then scrolls', () =>
    harness.withPanel({}, async (panel) => {
      const box = panel.page.locator('textarea#composer');
      const height = () => box.evaluate((element) => element.getBoundingClientRect().height);
      await panel.page.fill('textarea#composer', 'a');
      const oneLine = await height();
      await panel.page.fill('textarea#composer', 'a\nb\nc\nd');
      const fourLines = await height();
      assert.ok(fourLines > oneLine * 2, `4 lines: ${fourLines}px, 1 line: ${oneLine}px`);
      await panel.page.fill('textarea#composer', Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n'));
      const many = await height();
      assert.ok(many <= 241, `60 lines: ${many}px`);
      assert.equal(await box.evaluate((element) => getComputedStyle(element).overflowY), 'auto');
    }));

  it('focusComposer puts the focus in the message box', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot({ hasApiKey: false }));
      await panel.page.focus('#no-key-banner button');
      assert.notEqual(await panel.page.evaluate(() => document.activeElement?.id), 'composer');
      await panel.send({ type: 'focusComposer' });
      assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'composer');
    }));

  it('with sendWith "ctrlEnter", Enter starts a new line and Ctrl+Enter sends; the placeholder says so', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot({ sendWith: 'ctrlEnter' }));
      const box = panel.page.locator('textarea#composer');
      assert.match((await box.getAttribute('placeholder')) ?? '', /Ctrl\+Enter to send/);
      await box.pressSequentially('line one');
      await panel.page.keyboard.press('Enter');
      await box.pressSequentially('line two');
      assert.deepEqual(await panel.postedSince(1), []);
      assert.equal(await composerValue(panel), 'line one\nline two');
      await panel.page.keyboard.press('Control+Enter');
      assert.deepEqual(await panel.postedSince(1), [{ type: 'send', text: 'line one\nline two' }]);
      assert.equal(await composerValue(panel), '');
    }));

  it('Ctrl+Enter also sends in the default mode', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.locator('textarea#composer').pressSequentially('quick one');
      await panel.page.keyboard.press('Control+Enter');
      assert.deepEqual(await panel.postedSince(1), [{ type: 'send', text: 'quick one' }]);
    }));

  it('Up in an empty composer brings back the last message sent, and only when the box is empty', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(
        snapshot({
          messages: [
            userMessage('u1', 'first question'),
            assistantMessage('a1', 'answer'),
            userMessage('u2', 'second question'),
          ],
        }),
      );
      const box = panel.page.locator('textarea#composer');
      await box.focus();
      await panel.page.keyboard.press('ArrowUp');
      assert.equal(await composerValue(panel), 'second question');
      await panel.page.keyboard.press('ArrowUp');
      assert.equal(
        await composerValue(panel),
        'second question',
        'Up in a box with text moves the cursor, nothing else',
      );
      await box.fill('');
      await panel.send({ type: 'messageAdded', message: userMessage('u3', 'a newer one') });
      await box.focus();
      await panel.page.keyboard.press('ArrowUp');
      assert.equal(await composerValue(panel), 'a newer one');
      assert.deepEqual(
        (await panel.posted()).filter((message) => message.type === 'send'),
        [],
        'recalling a message does not send it',
      );
    }));
});
