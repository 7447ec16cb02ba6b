// The conversation follows streamed text while the user is at the bottom, and leaves the view alone once they scroll up.
import { strict as assert } from 'node:assert';
import { assistantMessage, snapshot, userMessage, usePanelHarness, type PanelPage } from '../support/panelPage';

/** Resolves after two frames: renders, layouts and the scrolls that follow them are done. */
export function frames(panel: PanelPage): Promise<void> {
  return panel.page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

export function scrollState(panel: PanelPage): Promise<{ top: number; atBottom: boolean; overflow: boolean }> {
  return panel.page.$eval('.conversation', (element) => ({
    top: element.scrollTop,
    atBottom: element.scrollHeight - element.scrollTop - element.clientHeight <= 2,
    overflow: element.scrollHeight > element.clientHeight,
  }));
}

const paragraph = (index: number) =>
  `Paragraph ${index}: the reply goes on with a sentence that wraps over a few lines of the narrow panel.\n\n`;

export function longConversation(count: number) {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? userMessage(`u${index}`, `Question ${index}`)
      : assistantMessage(`a${index}`, `Answer ${index}.\n\n- one\n- two\n\n${paragraph(index)}`),
  );
}

describe('panel in Chromium: following the newest text', function () {
  this.timeout(60_000);
  const harness = usePanelHarness();

  it('follows a streamed reply at the bottom, stops when the user scrolls up, and follows again back at the bottom', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await panel.send(snapshot({ messages: longConversation(30) }), {
        type: 'messageAdded',
        message: assistantMessage('s', '', 'streaming'),
      });
      for (let index = 0; index < 10; index++)
        await panel.send({ type: 'delta', messageId: 's', text: paragraph(index) });
      await frames(panel);
      assert.deepEqual(await scrollState(panel).then(({ atBottom, overflow }) => ({ atBottom, overflow })), {
        atBottom: true,
        overflow: true,
      });

      // The user scrolls up with the wheel to read: new text no longer moves the view.
      await panel.page.mouse.move(180, 200);
      await panel.page.mouse.wheel(0, -600);
      await panel.page.waitForFunction(() => {
        const box = document.querySelector('.conversation');
        return box !== null && box.scrollHeight - box.scrollTop - box.clientHeight > 300;
      });
      await frames(panel);
      const before = (await scrollState(panel)).top;
      for (let index = 10; index < 20; index++)
        await panel.send({ type: 'delta', messageId: 's', text: paragraph(index) });
      await frames(panel);
      const reading = await scrollState(panel);
      assert.equal(reading.top, before);
      assert.equal(reading.atBottom, false);

      // Back at the bottom, the view follows again.
      await panel.page.$eval('.conversation', (element) => (element.scrollTop = element.scrollHeight));
      await frames(panel);
      for (let index = 20; index < 30; index++)
        await panel.send({ type: 'delta', messageId: 's', text: paragraph(index) });
      await panel.send({ type: 'turnEnded', messageId: 's', status: 'done' });
      // Following happens after the frame's layout; on a busy machine that may take more than two frames.
      await panel.page
        .waitForFunction(
          () => {
            const box = document.querySelector('.conversation');
            return box !== null && box.scrollHeight - box.scrollTop - box.clientHeight <= 2;
          },
          undefined,
          { timeout: 5_000 },
        )
        .catch(() => undefined);
      assert.equal((await scrollState(panel)).atBottom, true, 'the view did not follow the reply back at the bottom');
      await panel.assertHealthy();
    }));

  it('keeps following when the panel gets shorter (a taller composer) while at the bottom', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      await panel.send(snapshot({ messages: longConversation(30) }));
      await frames(panel);
      assert.equal((await scrollState(panel)).atBottom, true);
      await panel.page.fill('textarea#composer', 'line\n'.repeat(8));
      await frames(panel);
      assert.equal((await scrollState(panel)).atBottom, true);
    }));
});
