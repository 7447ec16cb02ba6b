// The panel keeps its scroll position in webview state, so a recreated panel (a reload) shows the same place.
import { strict as assert } from 'node:assert';
import { snapshot, usePanelHarness, type PanelPage } from '../support/panelPage';
import { frames, longConversation, scrollState } from './scrolling.test';

interface Memory {
  draft?: string;
  scroll?: { messageId: string; offset: number };
}

/** The message at the top of the view and how far its top is from the view's top. */
function topMessage(panel: PanelPage): Promise<{ id: string; offset: number } | undefined> {
  return panel.page.$eval('.conversation', (view) => {
    const top = view.getBoundingClientRect().top;
    for (const message of Array.from(view.querySelectorAll<HTMLElement>('.message'))) {
      const box = message.getBoundingClientRect();
      if (box.bottom > top) return { id: message.dataset.id ?? '', offset: Math.round(box.top - top) };
    }
    return undefined;
  });
}

describe('panel in Chromium: scroll position across reloads', function () {
  this.timeout(60_000);
  const harness = usePanelHarness();
  const messages = longConversation(40);

  it('stores where the user scrolled and a recreated panel opens at the same message', async () => {
    let memory: Memory | undefined;
    let before: { id: string; offset: number } | undefined;
    await harness.withPanel(
      { viewport: { width: 360, height: 480 }, state: { draft: 'half-typed' } },
      async (panel) => {
        await panel.send(snapshot({ messages }));
        await frames(panel);
        await panel.page.mouse.move(180, 200);
        await panel.page.mouse.wheel(0, -1500);
        await panel.page.waitForFunction(() => {
          const box = document.querySelector('.conversation');
          return box !== null && box.scrollHeight - box.scrollTop - box.clientHeight > 1000;
        });
        await panel.page.waitForFunction(() => (window.__state as Memory | undefined)?.scroll !== undefined);
        await frames(panel);
        memory = (await panel.state()) as Memory;
        before = await topMessage(panel);
      },
    );
    assert.ok(memory?.scroll && before);
    assert.equal(memory.draft, 'half-typed', 'the draft is kept beside the position');
    assert.equal(memory.scroll.messageId, before.id);

    await harness.withPanel({ viewport: { width: 360, height: 480 }, state: memory }, async (panel) => {
      await panel.send(snapshot({ messages }));
      await frames(panel);
      const after = await topMessage(panel);
      assert.equal(after?.id, before?.id);
      // Same message at the top, to within about a line (settled messages far away are sized lazily).
      assert.ok(
        Math.abs((after?.offset ?? 0) - (before?.offset ?? 0)) <= 24,
        `${JSON.stringify(after)} vs ${JSON.stringify(before)}, stored ${JSON.stringify(memory?.scroll)}`,
      );
      assert.equal((await scrollState(panel)).atBottom, false);
      assert.equal(
        await panel.page.$eval('textarea#composer', (element) => (element as HTMLTextAreaElement).value),
        'half-typed',
      );
      await panel.assertHealthy();
    });
  });

  it('opens at the bottom when the stored message is not in the conversation, and forgets the position at the bottom', () =>
    harness.withPanel(
      { viewport: { width: 360, height: 480 }, state: { draft: '', scroll: { messageId: 'gone', offset: 0 } } },
      async (panel) => {
        await panel.send(snapshot({ messages }));
        await frames(panel);
        assert.equal((await scrollState(panel)).atBottom, true);
      },
    ));
});
