// Per-message actions, code-block actions, Continue, the reply's timing and the live region, in the real panel bundle.
import { strict as assert } from 'node:assert';
import { assistantMessage, snapshot, usePanelHarness, userMessage, type PanelPage } from '../support/panelPage';

const message = (panel: PanelPage, id: string) => panel.page.locator(`.message[data-id="${id}"]`);
const actionButton = (panel: PanelPage, id: string, action: string) =>
  message(panel, id).locator(`[data-message-action="${action}"]`);

/** A finished two-turn conversation: u1 → a1, u2 → a2. */
async function twoTurns(panel: PanelPage): Promise<void> {
  await panel.send(
    snapshot({
      messages: [
        userMessage('u1', 'First **question**'),
        assistantMessage('a1', 'First *answer*'),
        userMessage('u2', 'Second question'),
        assistantMessage('a2', 'Second answer'),
      ],
    }),
  );
}

/** Records every text the live region is given, in order. */
async function recordAnnouncements(panel: PanelPage): Promise<void> {
  await panel.page.evaluate(() => {
    const region = document.querySelector('[aria-live="polite"]');
    const said: string[] = [];
    (window as unknown as { __said: string[] }).__said = said;
    if (region)
      new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
      });
  });
}

const announcements = (panel: PanelPage) =>
  panel.page.evaluate(() => (window as unknown as { __said: string[] }).__said.filter((text) => text !== ''));

describe('panel in Chromium: message and code-block actions', () => {
  const harness = usePanelHarness();

  it('gives each message a labelled toolbar: copy, regenerate (replies) or edit (questions), delete', () =>
    harness.withPanel({}, async (panel) => {
      await twoTurns(panel);
      const labels = (id: string) =>
        message(panel, id)
          .locator('.message-toolbar button')
          .evaluateAll((buttons) =>
            buttons.map((button) => [
              button.getAttribute('data-message-action'),
              button.getAttribute('aria-label'),
              button.getAttribute('title'),
            ]),
          );
      assert.deepEqual(await labels('u1'), [
        ['copy', 'Copy', 'Copy'],
        ['edit', 'Edit and resend', 'Edit and resend'],
        ['delete', 'Delete', 'Delete'],
      ]);
      assert.deepEqual(await labels('a1'), [
        ['copy', 'Copy', 'Copy'],
        ['regenerate', 'Regenerate', 'Regenerate'],
        ['delete', 'Delete', 'Delete'],
      ]);
      assert.equal(await message(panel, 'a1').locator('.message-toolbar').getAttribute('role'), 'toolbar');
      await panel.assertHealthy();
    }));

  it('toolbar buttons post the action with the message id, by mouse and by keyboard', () =>
    harness.withPanel({}, async (panel) => {
      await twoTurns(panel);
      const before = (await panel.posted()).length;
      await message(panel, 'a1').hover();
      await actionButton(panel, 'a1', 'copy').click();
      await actionButton(panel, 'a2', 'regenerate').click();
      await actionButton(panel, 'u2', 'delete').click();
      // Keyboard only: focus the copy button of u1, Tab to the next toolbar button (edit), then Tab to delete; Enter.
      await actionButton(panel, 'u1', 'copy').focus();
      assert.equal(
        await message(panel, 'u1')
          .locator('.message-toolbar')
          .evaluate((toolbar) => getComputedStyle(toolbar).opacity),
        '1',
      );
      await panel.page.keyboard.press('Tab');
      await panel.page.keyboard.press('Tab');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await panel.postedSince(before), [
        { type: 'messageAction', action: 'copy', messageId: 'a1' },
        { type: 'messageAction', action: 'regenerate', messageId: 'a2' },
        { type: 'messageAction', action: 'delete', messageId: 'u2' },
        { type: 'messageAction', action: 'delete', messageId: 'u1' },
      ]);
    }));

  it('edit & resend: the question becomes a text box; Send posts editMessage, Escape cancels and keeps the text', () =>
    harness.withPanel({}, async (panel) => {
      await twoTurns(panel);
      const before = (await panel.posted()).length;
      await message(panel, 'u1').hover();
      await actionButton(panel, 'u1', 'edit').click();
      const box = message(panel, 'u1').locator('textarea');
      assert.equal(await box.inputValue(), 'First **question**');
      assert.equal(await box.evaluate((element) => element === document.activeElement), true);
      assert.equal(await box.getAttribute('aria-label'), 'Edit your message');
      await panel.page.keyboard.press('Escape');
      assert.equal(await box.count(), 0);
      assert.equal(await message(panel, 'u1').locator('.message-body').textContent(), 'First **question**');
      assert.equal(await message(panel, 'u1').locator('.message-body').isVisible(), true);
      assert.deepEqual(await panel.postedSince(before), []);

      await actionButton(panel, 'u1', 'edit').click();
      await box.fill('Edited question');
      await message(panel, 'u1').getByRole('button', { name: 'Send', exact: true }).click();
      await actionButton(panel, 'u1', 'edit').click();
      await box.fill('Edited with Enter\nline 2');
      await box.press('Enter');
      // An empty text is not sent.
      await box.fill('   ');
      await box.press('Enter');
      assert.deepEqual(await panel.postedSince(before), [
        { type: 'editMessage', messageId: 'u1', text: 'Edited question' },
        { type: 'editMessage', messageId: 'u1', text: 'Edited with Enter\nline 2' },
      ]);
      // The host's snapshot shows the result: the edited question, the later turns gone.
      await panel.send(
        snapshot({
          messages: [userMessage('u1', 'Edited question'), assistantMessage('a3', '', 'streaming')],
          streaming: true,
        }),
      );
      assert.equal(await message(panel, 'u1').locator('textarea').count(), 0);
      assert.equal(await message(panel, 'u1').locator('.message-body').textContent(), 'Edited question');
      assert.equal(await message(panel, 'u2').count(), 0);
    }));

  it('code-block buttons post codeAction with the exact raw code and the fence language', () =>
    harness.withPanel({}, async (panel) => {
      const python = 'def f(x):\n    return x < 2 and "<b>" or \'&amp;\'\n';
      const plain = '  spaces kept\n\ttab\n';
      const reply = ['Two blocks:', '', '```python', python + '```', '', '```', plain + '```'].join('\n');
      await panel.send(snapshot({ messages: [userMessage('u1', 'code please'), assistantMessage('a1', reply)] }));
      const before = (await panel.posted()).length;
      const pres = message(panel, 'a1').locator('pre');
      for (const action of ['copy', 'insert', 'newEditor', 'apply']) {
        await pres.nth(0).hover();
        await pres.nth(0).locator(`[data-code-action="${action}"]`).click();
      }
      await pres.nth(1).hover();
      await pres.nth(1).locator('[data-code-action="insert"]').click();
      assert.deepEqual(await panel.postedSince(before), [
        { type: 'codeAction', action: 'copy', code: python, language: 'python' },
        { type: 'codeAction', action: 'insert', code: python, language: 'python' },
        { type: 'codeAction', action: 'newEditor', code: python, language: 'python' },
        { type: 'codeAction', action: 'apply', code: python, language: 'python' },
        { type: 'codeAction', action: 'insert', code: plain },
      ]);
    }));

  it('[B7-40] offers Continue only under a reply that the length limit cut off, and it posts continue', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(
        snapshot({
          messages: [
            userMessage('u1', 'Long poem'),
            assistantMessage('a1', 'Roses are', 'done', { finishReason: 'length' }),
            userMessage('u2', 'Short'),
            assistantMessage('a2', 'Ok.', 'done', { finishReason: 'stop' }),
            assistantMessage('a3', 'Filtered', 'done', { finishReason: 'content_filter' }),
          ],
        }),
      );
      assert.equal(await panel.page.locator('.continue-reply').count(), 1);
      const continueButton = message(panel, 'a1').locator('.message-footer button[data-message-action="continue"]');
      assert.equal(await continueButton.innerText(), 'Continue');
      const before = (await panel.posted()).length;
      await continueButton.click();
      assert.deepEqual(await panel.postedSince(before), [
        { type: 'messageAction', action: 'continue', messageId: 'a1' },
      ]);

      // A streamed reply that ends with `length` gets it too; a stopped one does not.
      await panel.send(
        { type: 'messageAdded', message: assistantMessage('a4', '', 'streaming') },
        { type: 'delta', messageId: 'a4', text: 'Cut' },
        { type: 'turnEnded', messageId: 'a4', status: 'done', finishReason: 'length' },
        { type: 'messageAdded', message: assistantMessage('a5', '', 'streaming') },
        { type: 'turnEnded', messageId: 'a5', status: 'stopped' },
      );
      assert.equal(await message(panel, 'a4').locator('.continue-reply').count(), 1);
      assert.equal(await message(panel, 'a5').locator('.continue-reply').count(), 0);
    }));

  it('shows time to first token and tokens per second in the footer, estimated with ~ without usage', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(
        snapshot({
          messages: [
            userMessage('u1', 'Q'),
            assistantMessage('a1', 'Restored answer', 'done', {
              usage: { promptTokens: 10, completionTokens: 50 },
              timing: { firstTokenMs: 420, totalMs: 2420 },
            }),
          ],
        }),
        { type: 'messageAdded', message: assistantMessage('a2', '', 'streaming') },
        { type: 'delta', messageId: 'a2', text: 'x'.repeat(400) },
        { type: 'turnEnded', messageId: 'a2', status: 'done', timing: { firstTokenMs: 1500, totalMs: 11_500 } },
      );
      const footer = (id: string) => message(panel, id).locator('.message-footer .meta').allTextContents();
      assert.deepEqual(await footer('a1'), ['10 → 50 tokens', 'First token 420 ms', '25 tokens/s']);
      // 400 characters ≈ 100 tokens over 10 s of streaming.
      assert.deepEqual(await footer('a2'), ['First token 1.5 s', '~10 tokens/s']);
      assert.equal(
        await message(panel, 'a2').locator('.timing-rate').getAttribute('title'),
        'Estimated from the length of the text',
      );
    }));

  it('announces a streamed reply in sentence-sized pieces through the polite live region, the rest at the end', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot({ messages: [userMessage('u1', 'Q')] }), {
        type: 'messageAdded',
        message: assistantMessage('a1', '', 'streaming'),
      });
      await recordAnnouncements(panel);
      const text = 'The **capital** is Paris. It has 2.1 million people! Wh';
      const deltas = [];
      for (let at = 0; at < text.length; at += 4)
        deltas.push({ type: 'delta' as const, messageId: 'a1', text: text.slice(at, at + 4) });
      await panel.send(...deltas);
      await panel.send({ type: 'delta', messageId: 'a1', text: 'y?\nBecause' });
      assert.deepEqual(await announcements(panel), ['The capital is Paris.', 'It has 2.1 million people!', 'Why?']);
      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'done' });
      assert.deepEqual(await announcements(panel), [
        'The capital is Paris.',
        'It has 2.1 million people!',
        'Why?',
        'Because',
      ]);
    }));
});
