// Streaming replies, Stop, errors and snapshots, as the user sees them in the real panel bundle.
import { strict as assert } from 'node:assert';
import type { ErrorView } from '../../src/shared/protocol';
import {
  assistantMessage,
  snapshot,
  usePanelHarness,
  userMessage,
  withoutRequestIds,
  type PanelPage,
} from '../support/panelPage';

const assistantBody = (panel: PanelPage, id: string) =>
  panel.page.locator(`.message[data-role="assistant"][data-id="${id}"] .message-body`);

/** The text of a reply once the panel has rendered what it received (replies are rendered once per frame). */
async function bodyText(panel: PanelPage, id: string): Promise<string | null> {
  await panel.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  return assistantBody(panel, id).textContent();
}

/** What the user sees of each message: role, status, body text and the footer badges. */
function shownMessages(panel: PanelPage) {
  return panel.page.$$eval('.conversation .message', (elements) =>
    elements.map((element) => ({
      role: element.getAttribute('data-role'),
      status: element.getAttribute('data-status'),
      text: element.querySelector('.message-body')?.textContent,
      badges: Array.from(element.querySelectorAll('.message-footer .badge'), (badge) => badge.textContent),
    })),
  );
}

async function startTurn(panel: PanelPage, prompt = 'Tell me a story'): Promise<void> {
  await panel.send(
    snapshot(),
    { type: 'messageAdded', message: userMessage('u1', prompt) },
    { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
  );
}

describe('panel in Chromium: conversation', () => {
  const harness = usePanelHarness();

  it('streams a reply as deltas arrive, with Stop instead of Send', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel);
      await panel.send({ type: 'delta', messageId: 'a1', text: 'Once ' });
      // A reply is rendered as markdown, which drops a paragraph's trailing space.
      assert.equal(await bodyText(panel, 'a1'), 'Once');
      await panel.send(
        { type: 'delta', messageId: 'a1', text: 'upon a ' },
        { type: 'delta', messageId: 'a1', text: 'time,\n' },
        { type: 'delta', messageId: 'a1', text: 'there was a panel.' },
      );
      assert.equal(await bodyText(panel, 'a1'), 'Once upon a time,\nthere was a panel.');
      assert.deepEqual(await shownMessages(panel), [
        { role: 'user', status: 'done', text: 'Tell me a story', badges: [] },
        { role: 'assistant', status: 'streaming', text: 'Once upon a time,\nthere was a panel.', badges: [] },
      ]);
      assert.equal(await panel.page.getAttribute('.message[data-id="a1"]', 'aria-busy'), 'true');
      assert.equal(await panel.page.isVisible('button#stop'), true);
      assert.equal(await panel.page.isHidden('button#send'), true);

      // While a reply streams, Enter keeps the next question in the box (it waits for the reply: see composer.test).
      await panel.page.locator('textarea#composer').pressSequentially('next question');
      await panel.page.keyboard.press('Enter');
      assert.equal(
        (await panel.posted()).some((message) => message.type === 'send'),
        false,
      );
      assert.equal(await panel.page.inputValue('textarea#composer'), 'next question');
    }));

  it('[B7-44] Stop asks the host to stop; a stopped turn keeps its text, shows a badge and brings Send back', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel);
      await panel.send(
        { type: 'delta', messageId: 'a1', text: 'Partial ' },
        { type: 'delta', messageId: 'a1', text: 'answer' },
      );
      await panel.page.click('button#stop');
      assert.deepEqual(await panel.postedSince(1), [{ type: 'stop' }]);

      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'stopped' });
      const message = panel.page.locator('.message[data-id="a1"]');
      assert.equal(await message.getAttribute('data-status'), 'stopped');
      assert.equal(await message.getAttribute('aria-busy'), 'false');
      assert.equal(await message.locator('.message-footer .badge').innerText(), 'Stopped');
      assert.equal(await bodyText(panel, 'a1'), 'Partial answer');
      assert.equal(await panel.page.isHidden('button#stop'), true);
      assert.equal(await panel.page.isVisible('button#send'), true);

      // Sending works again.
      await panel.page.locator('textarea#composer').pressSequentially('go on');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(withoutRequestIds(await panel.posted()).at(-1), { type: 'send', text: 'go on' });
    }));

  it('[B7-40] a finished reply shows the model, the token usage and an unusual finish reason', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel);
      await panel.send(
        { type: 'delta', messageId: 'a1', text: 'Short.' },
        {
          type: 'turnEnded',
          messageId: 'a1',
          status: 'done',
          model: 'openai/gpt-4o-2024-08-06',
          finishReason: 'length',
          usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 },
        },
      );
      const footer = panel.page.locator('.message[data-id="a1"] .message-footer');
      assert.deepEqual(await footer.locator('.meta').allInnerTexts(), [
        'openai/gpt-4o-2024-08-06',
        '12 → 3 tokens',
        'Finish reason: length',
      ]);
      assert.equal(await footer.locator('.badge').count(), 0);
      assert.equal(await panel.page.getAttribute('.message[data-id="a1"]', 'data-status'), 'done');
      assert.equal(await panel.page.isVisible('button#send'), true);
    }));

  it('an error shows its title, detail and action buttons that ask the host to act', () =>
    harness.withPanel({}, async (panel) => {
      const error: ErrorView = {
        title: 'The gateway refused the API key',
        detail: 'HTTP 401 from api.example.test: invalid key.',
        actions: ['setApiKey', 'retry'],
      };
      await startTurn(panel);
      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'error', error });
      const box = panel.page.locator('.message[data-id="a1"] .message-error');
      assert.equal(await box.isVisible(), true);
      assert.equal(await box.getAttribute('role'), 'alert');
      assert.equal(await box.locator('.error-title').innerText(), error.title);
      assert.equal(await box.locator('.error-detail').innerText(), error.detail);
      assert.deepEqual(await box.locator('button[data-action]').allInnerTexts(), ['Set API Key', 'Retry']);
      assert.equal(await panel.page.getAttribute('.message[data-id="a1"]', 'data-status'), 'error');
      assert.equal(await panel.page.isVisible('button#send'), true);
      assert.equal(await panel.page.isHidden('button#stop'), true);
      // Screen readers hear the error.
      assert.equal(await panel.page.locator('[aria-live="polite"]').textContent(), error.title);

      await box.locator('button[data-action="retry"]').click();
      await box.locator('button[data-action="setApiKey"]').click();
      assert.deepEqual(await panel.postedSince(1), [
        { type: 'runAction', action: 'retry' },
        { type: 'runAction', action: 'setApiKey' },
      ]);
    }));

  it('[B7-36] an interrupted reply keeps the partial text and says so', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel);
      await panel.send(
        { type: 'delta', messageId: 'a1', text: 'The first half' },
        { type: 'turnEnded', messageId: 'a1', status: 'interrupted' },
      );
      const message = panel.page.locator('.message[data-id="a1"]');
      assert.equal(await message.getAttribute('data-status'), 'interrupted');
      assert.equal(await message.locator('.message-footer .badge').innerText(), 'Interrupted');
      assert.equal(await bodyText(panel, 'a1'), 'The first half');
      assert.equal(await panel.page.isVisible('button#send'), true);
    }));

  it('a snapshot restores the conversation and replaces what was shown; an empty one shows the empty state', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, 'an old question');
      await panel.send({ type: 'delta', messageId: 'a1', text: 'an old answer' });

      await panel.send(
        snapshot({
          conversationId: 'conversation-2',
          messages: [
            userMessage('m1', 'What is 2 + 2?'),
            assistantMessage('m2', '4', 'done', { model: 'openai/gpt-4o' }),
            userMessage('m3', 'And a long essay?'),
            assistantMessage('m4', 'Essays are', 'stopped'),
            userMessage('m5', 'Once more'),
            assistantMessage('m6', 'It was', 'interrupted'),
            userMessage('m7', 'Again'),
            assistantMessage('m8', '', 'error', {
              error: {
                title: 'Could not reach the gateway',
                detail: 'ECONNREFUSED',
                actions: ['openSettings', 'showLog'],
              },
            }),
          ],
        }),
      );
      assert.deepEqual(await shownMessages(panel), [
        { role: 'user', status: 'done', text: 'What is 2 + 2?', badges: [] },
        { role: 'assistant', status: 'done', text: '4', badges: [] },
        { role: 'user', status: 'done', text: 'And a long essay?', badges: [] },
        { role: 'assistant', status: 'stopped', text: 'Essays are', badges: ['Stopped'] },
        { role: 'user', status: 'done', text: 'Once more', badges: [] },
        { role: 'assistant', status: 'interrupted', text: 'It was', badges: ['Interrupted'] },
        { role: 'user', status: 'done', text: 'Again', badges: [] },
        { role: 'assistant', status: 'error', text: '', badges: [] },
      ]);
      assert.equal(
        await panel.page.locator('.message[data-id="m2"] .message-footer .meta').innerText(),
        'openai/gpt-4o',
      );
      assert.deepEqual(await panel.page.locator('.message[data-id="m8"] .message-error button').allInnerTexts(), [
        'Open Settings',
        'Show Log',
      ]);
      await panel.page.click('.message[data-id="m8"] button[data-action="showLog"]');
      assert.deepEqual((await panel.posted()).at(-1), { type: 'runAction', action: 'showLog' });
      assert.equal(await panel.page.locator('.empty-state').count(), 0);
      // The snapshot said nothing is streaming: Send is back.
      assert.equal(await panel.page.isVisible('button#send'), true);
      assert.equal(await panel.page.isHidden('button#stop'), true);

      // A delta for a message of the replaced conversation changes nothing.
      await panel.send({ type: 'delta', messageId: 'a1', text: 'late' });
      assert.equal(await panel.page.locator('.message').count(), 8);

      await panel.send(snapshot({ conversationId: 'conversation-3', messages: [] }));
      assert.equal(await panel.page.locator('.message').count(), 0);
      const empty = panel.page.locator('.empty-state');
      assert.equal(await empty.isVisible(), true);
      assert.equal(await empty.locator('h2').innerText(), 'Chat with your gateway');
      assert.match(await empty.innerText(), /Ask a question below/);
    }));

  it('a snapshot taken while a reply streams shows Stop and lets the deltas continue', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(
        snapshot({ streaming: true, messages: [userMessage('u1', 'hi'), assistantMessage('a1', 'Hel', 'streaming')] }),
        { type: 'delta', messageId: 'a1', text: 'lo!' },
      );
      assert.equal(await bodyText(panel, 'a1'), 'Hello!');
      assert.equal(await panel.page.isVisible('button#stop'), true);
      assert.equal(await panel.page.isHidden('button#send'), true);
      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'done' });
      assert.equal(await panel.page.isVisible('button#send'), true);
    }));

  it('shows reasoning in a collapsed block apart from the reply, and restores it from a snapshot', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, 'Why is the sky blue?');
      await panel.send(
        { type: 'reasoningDelta', messageId: 'a1', text: 'Rayleigh scattering ' },
        { type: 'reasoningDelta', messageId: 'a1', text: 'favours short wavelengths.' },
        { type: 'delta', messageId: 'a1', text: 'Because blue light scatters more.' },
      );
      const reasoning = panel.page.locator('.message[data-id="a1"] details.reasoning');
      assert.equal(await reasoning.count(), 1);
      assert.equal(await reasoning.getAttribute('open'), null, 'reasoning starts collapsed');
      assert.equal(
        await reasoning.locator('.reasoning-body').textContent(),
        'Rayleigh scattering favours short wavelengths.',
      );
      assert.equal(await bodyText(panel, 'a1'), 'Because blue light scatters more.');
      await reasoning.locator('summary').click();
      assert.equal(await reasoning.locator('.reasoning-body').isVisible(), true);

      await panel.send(snapshot({ messages: [assistantMessage('a2', 'Answer', 'done', { reasoning: 'Thought' })] }));
      assert.equal(await panel.page.locator('.message[data-id="a2"] .reasoning-body').textContent(), 'Thought');
    }));

  it('shows what happens to a turn (a retry being waited out) and why a reply ended early', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel);
      await panel.send({ type: 'notice', messageId: 'a1', text: 'HTTP 503. Retrying in 2 s (attempt 1)…' });
      const notice = panel.page.locator('.message[data-id="a1"] .message-notice');
      assert.equal(await notice.textContent(), 'HTTP 503. Retrying in 2 s (attempt 1)…');
      await panel.send(
        { type: 'notice', messageId: 'a1', text: '' },
        { type: 'delta', messageId: 'a1', text: 'Hello' },
      );
      assert.equal(await notice.isVisible(), false);
      await panel.send({
        type: 'turnEnded',
        messageId: 'a1',
        status: 'done',
        finishReason: 'length',
        notice: 'The reply reached the token limit and was cut off.',
      });
      assert.equal(await notice.textContent(), 'The reply reached the token limit and was cut off.');
      assert.equal(await bodyText(panel, 'a1'), 'Hello');
    }));

  it('shows the model in use; clicking it asks the host to pick another', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot({ model: 'deepseek/deepseek-r1' }));
      const chip = panel.page.locator('button#model');
      assert.equal((await chip.textContent())?.trim(), 'deepseek/deepseek-r1');
      await chip.click();
      assert.deepEqual((await panel.posted()).at(-1), { type: 'runAction', action: 'selectModel' });
    }));
});
