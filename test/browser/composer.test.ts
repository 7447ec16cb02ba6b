// The composer and the first-run banner of the real panel bundle, in Chromium under the production CSP.
import { strict as assert } from 'node:assert';
import {
  answerLastSend,
  assistantMessage,
  snapshot,
  usePanelHarness,
  userMessage,
  withoutRequestIds,
  type PanelPage,
} from '../support/panelPage';

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
/** What the panel posted after the first `count` messages, without the request ids of its sends. */
const postedSince = async (panel: PanelPage, count: number) => withoutRequestIds(await panel.postedSince(count));

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
      assert.deepEqual(withoutRequestIds(await panel.posted()).at(-1), { type: 'send', text: 'my question' });
    }));

  it('Enter sends exactly the typed text, and the box is cleared once the host accepts it', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.locator('textarea#composer').pressSequentially('hello');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'hello' }]);
      assert.equal(await composerValue(panel), 'hello', 'cleared before the host took the message');
      assert.equal(await panel.page.getAttribute('form.composer', 'aria-busy'), 'true');
      await answerLastSend(panel, 'accepted');
      assert.equal(await composerValue(panel), '');
      assert.equal(await panel.page.getAttribute('form.composer', 'aria-busy'), 'false');
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
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'first line\nsecond line' }]);
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
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'にほんご' }]);
    }));

  it('the Send button sends', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.fill('textarea#composer', 'from the button');
      await panel.page.click('button#send');
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'from the button' }]);
      await answerLastSend(panel, 'accepted');
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
      await answerLastSend(panel, 'accepted');
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
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'line one\nline two' }]);
      await answerLastSend(panel, 'accepted');
      assert.equal(await composerValue(panel), '');
    }));

  it('Ctrl+Enter also sends in the default mode', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.page.locator('textarea#composer').pressSequentially('quick one');
      await panel.page.keyboard.press('Control+Enter');
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'quick one' }]);
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

/** Pastes a small PNG drawn in the page into the composer, and waits for its chip. */
async function pasteImage(panel: PanelPage): Promise<void> {
  await panel.page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 48);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.fillStyle = '#3366cc';
    context.fillRect(0, 0, 64, 48);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'shot.png', { type: 'image/png' }));
    const box = document.querySelector('textarea#composer');
    if (!box) throw new Error('no composer');
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  });
  await panel.page.locator('.attachment-chip').first().waitFor();
}

const waitingNote = (panel: PanelPage) => panel.page.locator('#waiting-message');
const sendsSince = async (panel: PanelPage, count: number) =>
  (await panel.postedSince(count)).filter((message) => message.type === 'send');

/** A conversation whose reply streams, all its text shown, its `turnEnded` not yet in. */
async function replyStreaming(panel: PanelPage): Promise<void> {
  await panel.send(
    snapshot(),
    { type: 'messageAdded', message: userMessage('u1', 'Tell me a story') },
    { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
    { type: 'delta', messageId: 'a1', text: 'Once upon a time, the end.' },
  );
}

describe('panel in Chromium: a message that cannot go yet', () => {
  const harness = usePanelHarness();

  it('[D10] Enter before the first snapshot keeps the message, says so, and sends it once the panel is ready', () =>
    harness.withPanel({}, async (panel) => {
      const box = panel.page.locator('textarea#composer');
      await box.pressSequentially('typed at once');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await sendsSince(panel, 0), []);
      assert.equal(await composerValue(panel), 'typed at once');
      assert.equal(await waitingNote(panel).isVisible(), true, 'nothing says the message waits');
      assert.match(await waitingNote(panel).innerText(), /Will send when the chat is ready/);

      await panel.send(snapshot());
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'typed at once' }]);
      assert.equal(await waitingNote(panel).isHidden(), true);
      await answerLastSend(panel, 'accepted');
      assert.equal(await composerValue(panel), '');
    }));

  it('[D10] Enter while a reply streams (its text all shown) queues the message under the composer; it goes when the reply ends', () =>
    harness.withPanel({}, async (panel) => {
      await replyStreaming(panel);
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').pressSequentially('next question');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await sendsSince(panel, before), []);
      assert.equal(await composerValue(panel), 'next question', 'the queued message left the composer');
      assert.equal(await waitingNote(panel).isVisible(), true, 'nothing says the message waits');
      assert.match(await waitingNote(panel).innerText(), /Will send when the reply ends/);
      const cancel = waitingNote(panel).locator('button');
      assert.equal(await cancel.innerText(), 'Cancel');
      assert.equal(await cancel.getAttribute('aria-label'), 'Cancel sending');
      const composerBox = await panel.page.locator('form.composer').boundingBox();
      const noteBox = await waitingNote(panel).boundingBox();
      assert.ok(
        composerBox && noteBox && noteBox.y >= composerBox.y + composerBox.height - 1,
        'not under the composer',
      );

      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'done' });
      assert.deepEqual(withoutRequestIds(await sendsSince(panel, before)), [{ type: 'send', text: 'next question' }]);
      assert.equal(await waitingNote(panel).isHidden(), true);
      await answerLastSend(panel, 'accepted');
      assert.equal(await composerValue(panel), '');
    }));

  it('[D10] a queued message can be cancelled: it stays in the composer and is not sent when the reply ends', () =>
    harness.withPanel({}, async (panel) => {
      await replyStreaming(panel);
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').pressSequentially('maybe later');
      await panel.page.keyboard.press('Enter');
      await waitingNote(panel).locator('button').click();
      assert.equal(await waitingNote(panel).isHidden(), true);
      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'done' });
      assert.deepEqual(await sendsSince(panel, before), []);
      assert.equal(await composerValue(panel), 'maybe later');
    }));

  it('[D10] a message queued behind a reply that fails is not sent: it stays in the composer', () =>
    harness.withPanel({}, async (panel) => {
      await replyStreaming(panel);
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').pressSequentially('and then?');
      await panel.page.keyboard.press('Enter');
      await panel.send({
        type: 'turnEnded',
        messageId: 'a1',
        status: 'error',
        error: { title: 'The gateway failed', detail: '', actions: ['retry'] },
      });
      assert.deepEqual(await sendsSince(panel, before), []);
      assert.equal(await waitingNote(panel).isHidden(), true);
      assert.equal(await composerValue(panel), 'and then?');
    }));

  it('[D10] a message still queued when the panel was reloaded goes once it learns the reply has ended', () =>
    harness.withPanel({ state: { draft: 'queued before the reload', waiting: true } }, async (panel) => {
      assert.equal(await waitingNote(panel).isVisible(), true);
      await panel.send(snapshot());
      assert.deepEqual(await postedSince(panel, 1), [{ type: 'send', text: 'queued before the reload' }]);
    }));

  it('[D11c] a refused send keeps the text and the images, also when a message of an editor command comes after', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await pasteImage(panel);
      await panel.page.locator('textarea#composer').fill('What is in this picture?');
      await panel.page.keyboard.press('Enter');
      const [sent] = await sendsSince(panel, 1);
      assert.ok(sent?.type === 'send' && sent.images?.length === 1, JSON.stringify(sent));
      // The host refuses it (the user cancels "Model … does not take images"): nothing of the draft goes.
      await answerLastSend(panel, 'images');
      assert.equal(await composerValue(panel), 'What is in this picture?');
      assert.equal(await panel.page.locator('.attachment-chip').count(), 1);
      // Then an editor command (Explain) sends its own message to the chat.
      await panel.send(
        { type: 'messageAdded', message: userMessage('u1', 'Explain what the selected code does.') },
        { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
        { type: 'turnEnded', messageId: 'a1', status: 'done' },
      );
      assert.equal(await composerValue(panel), 'What is in this picture?', 'the draft was cleared');
      assert.equal(await panel.page.locator('.attachment-chip').count(), 1, 'the image was removed');
      const kept = (await panel.state()) as { draft?: string; attachments?: unknown };
      assert.deepEqual([kept.draft, kept.attachments], ['What is in this picture?', sent.images]);

      // Sent again and accepted, it leaves the composer.
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').press('Enter');
      assert.equal((await sendsSince(panel, before)).length, 1);
      await answerLastSend(panel, 'accepted');
      assert.equal(await composerValue(panel), '');
      assert.equal(await panel.page.locator('.attachment-chip').count(), 0);
    }));

  it('[D2] Enter twice with an image attached sends one message', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await pasteImage(panel);
      await panel.page.locator('textarea#composer').fill('Twice?');
      await panel.page.keyboard.press('Enter');
      await panel.page.keyboard.press('Enter');
      await answerLastSend(panel, 'accepted');
      await panel.send(
        { type: 'messageAdded', message: userMessage('u1', 'Twice?') },
        { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
        { type: 'turnEnded', messageId: 'a1', status: 'done' },
      );
      assert.equal((await sendsSince(panel, 1)).length, 1);
      assert.equal(await waitingNote(panel).isHidden(), true);
    }));
});
