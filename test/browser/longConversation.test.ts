// A long conversation opens with only its latest messages in the page; earlier ones come in as the user scrolls up.
import { strict as assert } from 'node:assert';
import { assistantMessage, snapshot, userMessage, usePanelHarness, type PanelPage } from '../support/panelPage';
import { frames, longConversation, scrollState } from './scrolling.test';

/** The ids of the messages in the page, in order. */
function shownIds(panel: PanelPage): Promise<string[]> {
  return panel.page.$$eval('.conversation > .message', (elements) =>
    elements.map((element) => (element as HTMLElement).dataset.id ?? ''),
  );
}

function earlierButton(panel: PanelPage): Promise<string | undefined> {
  return panel.page.evaluate(() => document.querySelector('.earlier-messages button')?.textContent ?? undefined);
}

/** Where a message's top is, relative to the top of the view. */
function offsetOf(panel: PanelPage, id: string): Promise<number> {
  return panel.page.$eval(
    '.conversation',
    (view, id) => {
      const message = view.querySelector(`.message[data-id="${id}"]`);
      if (!message) throw new Error(`message ${id} is not in the page`);
      return Math.round(message.getBoundingClientRect().top - view.getBoundingClientRect().top);
    },
    id,
  );
}

/** Scrolls the view up with the mouse wheel (as the user does) until the given message is in the page. */
async function wheelUpUntilShown(panel: PanelPage, id: string): Promise<void> {
  await panel.page.mouse.move(180, 200);
  for (let turn = 0; turn < 200; turn++) {
    if ((await shownIds(panel)).includes(id)) return;
    await panel.page.mouse.wheel(0, -2000);
    await frames(panel);
  }
  assert.fail(`scrolling up never brought message ${id} into the page`);
}

describe('panel in Chromium: long conversations', function () {
  this.timeout(120_000);
  const harness = usePanelHarness();
  const messages = longConversation(1000);
  const id = (index: number) => messages[index].id;
  /** Shows the 1,000-message conversation and lets it render. */
  const open = async (panel: PanelPage) => {
    await panel.send(snapshot({ messages }));
    await frames(panel);
  };

  it('opens a 1,000-message conversation with its latest 40 messages at the bottom and a button for the 960 before them', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await open(panel);
      const shown = await shownIds(panel);
      assert.deepEqual(
        shown,
        messages.slice(960).map((message) => message.id),
      );
      assert.equal(await earlierButton(panel), 'Show earlier messages (960)');
      assert.equal((await scrollState(panel)).atBottom, true);
      await panel.assertHealthy();
    }));

  it('brings the earlier messages in as the user scrolls up, keeping what they were reading in place', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await open(panel);
      // Up to the top of what is shown, by wheel, a little at a time: the next batch comes in before the top is reached.
      await panel.page.mouse.move(180, 200);
      let turns = 0;
      while ((await shownIds(panel))[0] === id(960) && turns++ < 100) {
        await panel.page.mouse.wheel(0, -400);
        await frames(panel);
      }
      const shown = await shownIds(panel);
      assert.equal(shown[0], id(920), 'the batch of 40 before the first shown message came in');
      assert.equal(shown.length, 80);
      assert.equal(await earlierButton(panel), 'Show earlier messages (920)');
      // The message that was first before the batch came in is still on screen or just above: the view did not jump
      // to the top of the new batch (the view has not scrolled to the new messages' top).
      const top = await offsetOf(panel, id(960));
      const { top: scrollTop } = await scrollState(panel);
      assert.ok(scrollTop > 1000, `the view jumped to the top of the earlier messages (scrollTop ${scrollTop})`);
      assert.ok(
        top > -800 && top < 480,
        `message ${id(960)} moved away from where the user was reading (${top} px from the top)`,
      );

      // All the way up: every message can be reached.
      await wheelUpUntilShown(panel, id(0));
      assert.equal((await shownIds(panel)).length, 1000);
      assert.equal(await earlierButton(panel), undefined, 'no button once every message is shown');
      await panel.assertHealthy();
    }));

  it('shows the previous 40 from the button, moves focus to the first of them, and keeps the view where it was', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await open(panel);
      await panel.page.$eval('.conversation', (view) => (view.scrollTop = 0));
      await frames(panel);
      const before = await offsetOf(panel, id(960));
      await panel.page.click('.earlier-messages button');
      await frames(panel);
      assert.equal((await shownIds(panel))[0], id(920));
      assert.equal(
        await panel.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id),
        id(920),
      );
      assert.ok(
        Math.abs((await offsetOf(panel, id(960))) - before) <= 2,
        'the message the user saw stayed where it was',
      );
      // By keyboard: Tab to the button and Enter.
      await panel.page.focus('.earlier-messages button');
      await panel.page.keyboard.press('Enter');
      await frames(panel);
      assert.equal((await shownIds(panel))[0], id(880));
      await panel.assertHealthy();
    }));

  it('streams a reply at the end of a long conversation and, back at the bottom, takes the earliest messages out again', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await open(panel);
      for (let batch = 0; batch < 3; batch++) {
        await panel.page.$eval('.earlier-messages button', (button) => (button as HTMLButtonElement).click());
        await frames(panel);
      }
      assert.equal((await shownIds(panel)).length, 160);
      await panel.page.$eval('.conversation', (view) => (view.scrollTop = view.scrollHeight));
      await frames(panel);
      await panel.send(
        { type: 'messageAdded', message: userMessage('q', 'One more question') },
        { type: 'messageAdded', message: assistantMessage('r', '', 'streaming') },
        { type: 'delta', messageId: 'r', text: 'The **answer**, streamed' },
        { type: 'delta', messageId: 'r', text: ' at the end.' },
        { type: 'turnEnded', messageId: 'r', status: 'done', model: 'openai/gpt-4o' },
      );
      await frames(panel);
      const shown = await shownIds(panel);
      // The question took the page back to the latest 40 messages; the reply came after it.
      assert.equal(shown.length, 41, 'the page holds the latest batch again');
      assert.deepEqual(shown.slice(-2), ['q', 'r']);
      assert.equal(await earlierButton(panel), 'Show earlier messages (961)');
      assert.equal(
        await panel.page.$eval('.message[data-id="r"] .message-body', (body) => body.textContent),
        'The answer, streamed at the end.',
      );
      assert.equal((await scrollState(panel)).atBottom, true);
      await panel.assertHealthy();
    }));

  it('keeps the view on the same message when the same conversation is shown again (a delete), and goes to the bottom of another one', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await open(panel);
      await wheelUpUntilShown(panel, id(900));
      await panel.page.evaluate(
        (target) => document.querySelector(`.message[data-id="${target}"]`)?.scrollIntoView(),
        id(901),
      );
      await panel.page.mouse.wheel(0, -10);
      await frames(panel);
      const before = await offsetOf(panel, id(901));
      // The host shows the conversation again without message 950 (deleted); the user stays where they were reading.
      await panel.send(snapshot({ messages: messages.filter((_, index) => index !== 950) }));
      await frames(panel);
      await frames(panel);
      assert.ok((await shownIds(panel)).includes(id(900)), 'the messages the user had brought in are still there');
      assert.ok(
        Math.abs((await offsetOf(panel, id(901))) - before) <= 24,
        'the view stayed on the message the user was reading',
      );
      assert.equal((await scrollState(panel)).atBottom, false);

      // Another conversation opens at its bottom with its latest messages.
      const other = longConversation(100).map((message) => ({ ...message, id: `other-${message.id}` }));
      await panel.send(snapshot({ conversationId: 'conversation-2', messages: other }));
      await frames(panel);
      assert.equal((await shownIds(panel)).length, 40);
      assert.equal((await scrollState(panel)).atBottom, true);
      await panel.assertHealthy();
    }));

  it('restores a stored scroll position on a message older than the latest 40', () =>
    harness.withPanel(
      { viewport: { width: 360, height: 480 }, state: { scroll: { messageId: id(500), offset: 0 } } },
      async (panel) => {
        await open(panel);
        await frames(panel);
        const shown = await shownIds(panel);
        assert.equal(shown[0], id(500), 'the stored message and the ones after it are in the page');
        assert.ok(Math.abs(await offsetOf(panel, id(500))) <= 24, 'the stored message is at the top of the view');
        await panel.assertHealthy();
      },
    ));
});
