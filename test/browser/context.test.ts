// Context the user adds, in the real panel bundle in Chromium under the production CSP: the `#` completion (a
// listbox the composer controls, by keyboard), the chips it attaches, what a send carries, the chips of sent
// messages, the project instructions' chips, and the context meter.
import { strict as assert } from 'node:assert';
import type { ContextInfo, WebviewToHost } from '../../src/shared/protocol';
import {
  answerLastSend,
  assistantMessage,
  snapshot,
  usePanelHarness,
  userMessage,
  type PanelPage,
} from '../support/panelPage';

const box = 'textarea#composer';
const list = '#mention-list';
const options = `${list} [role="option"]`;
const chip = '.context-attachments .context-chip';

const info = (overrides: Partial<ContextInfo> = {}): ContextInfo => ({
  projectInstructions: [],
  estimate: { tokens: 0 },
  ...overrides,
});

async function type(panel: PanelPage, text: string): Promise<void> {
  await panel.page.locator(box).pressSequentially(text);
}

const optionLabels = (panel: PanelPage) => panel.page.locator(`${options} .mention-label`).allInnerTexts();
const composerValue = (panel: PanelPage) => panel.page.inputValue(box);

async function posted<T extends WebviewToHost['type']>(
  panel: PanelPage,
  kind: T,
): Promise<Extract<WebviewToHost, { type: T }>[]> {
  return (await panel.posted()).filter(
    (message): message is Extract<WebviewToHost, { type: T }> => message.type === kind,
  );
}

/** Waits for the panel's next file search and answers it with `paths`. */
async function answerFileSearch(panel: PanelPage, paths: string[], after = 0): Promise<string> {
  const search = await panel.page.waitForFunction((count) => {
    const searches = (window.__posted as { type: string }[]).filter((message) => message.type === 'findFiles');
    return searches.length > count ? searches.at(-1) : undefined;
  }, after);
  const { requestId, query } = (await search.jsonValue()) as unknown as { requestId: number; query: string };
  await panel.send({ type: 'fileMatches', requestId, files: paths.map((path) => ({ path, tokens: 120 })) });
  return query;
}

describe('panel in Chromium: context the user adds', () => {
  const harness = usePanelHarness();

  it('typing # opens a listbox of mentions the composer controls; arrows move, Escape closes it', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await type(panel, 'Look at #');
      assert.equal(await panel.page.isVisible(list), true);
      assert.deepEqual(await optionLabels(panel), ['#file', '#selection', '#problems', '#changes', '#editors']);
      assert.equal(await panel.page.getAttribute(list, 'role'), 'listbox');
      assert.equal(await panel.page.getAttribute(list, 'aria-label'), 'Context to attach');
      assert.equal(await panel.page.getAttribute(box, 'aria-autocomplete'), 'list');
      assert.equal(await panel.page.getAttribute(box, 'aria-controls'), 'mention-list');
      const active = () => panel.page.getAttribute(box, 'aria-activedescendant');
      const selected = () => panel.page.locator(`${options}[aria-selected="true"] .mention-label`).allInnerTexts();
      assert.equal(await active(), 'mention-list-0');
      assert.deepEqual(await selected(), ['#file']);
      await panel.page.keyboard.press('ArrowDown');
      await panel.page.keyboard.press('ArrowDown');
      assert.equal(await active(), 'mention-list-2');
      assert.deepEqual(await selected(), ['#problems']);
      await panel.page.keyboard.press('ArrowUp');
      assert.deepEqual(await selected(), ['#selection']);
      // Up from the first wraps to the last.
      await panel.page.keyboard.press('ArrowUp');
      await panel.page.keyboard.press('ArrowUp');
      assert.deepEqual(await selected(), ['#editors']);
      // Each option says what it attaches.
      assert.match(await panel.page.locator(`${options} .mention-detail`).nth(3).innerText(), /git changes/);

      await panel.page.keyboard.press('Escape');
      assert.equal(await panel.page.isHidden('.mention-popup'), true);
      assert.equal(await active(), null);
      assert.equal(await composerValue(panel), 'Look at #', 'Escape keeps the text');
      // Narrowing the mention: `#pro` offers only #problems.
      await type(panel, ' #pro');
      assert.deepEqual(await optionLabels(panel), ['#problems']);
      await panel.assertHealthy();
    }));

  it('Enter on a mention attaches it as a chip and takes it out of the text, without sending', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await type(panel, 'Explain #sel');
      await panel.page.keyboard.press('Enter');
      assert.equal(await composerValue(panel), 'Explain ');
      assert.equal(await panel.page.locator(chip).count(), 1);
      assert.equal(await panel.page.getAttribute(chip, 'aria-label'), '#selection');
      assert.equal(await panel.page.isHidden('.mention-popup'), true);
      assert.deepEqual(await posted(panel, 'send'), [], 'choosing a mention sent the message');
      // Tab chooses too.
      await type(panel, 'and #pr');
      await panel.page.keyboard.press('Tab');
      assert.deepEqual(await panel.page.locator(chip).evaluateAll((chips) => chips.map((c) => c.ariaLabel)), [
        '#selection',
        '#problems',
      ]);
      // Now Enter sends, with the chips as context.
      await panel.page.keyboard.press('Enter');
      const [sent] = await posted(panel, 'send');
      assert.equal(sent.text, 'Explain and ');
      assert.deepEqual(sent.context, [{ kind: 'selection' }, { kind: 'problems' }]);
      await answerLastSend(panel, 'accepted');
      assert.equal(await panel.page.locator(chip).count(), 0, 'the chips stay after the message was accepted');
      assert.equal(await composerValue(panel), '');
    }));

  it('#file: asks the host for workspace files; a path with :10-40 attaches those lines', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await type(panel, '#fi');
      await panel.page.keyboard.press('Enter');
      // Choosing #file starts the file search.
      assert.equal(await composerValue(panel), '#file:');
      assert.equal(await answerFileSearch(panel, ['src/app.ts', 'src/api/client.ts', 'README.md']), '');
      await panel.page.waitForSelector(`${options} >> nth=2`);
      assert.deepEqual(await optionLabels(panel), ['app.ts', 'client.ts', 'README.md']);
      assert.deepEqual(await panel.page.locator(`${options} .mention-detail`).allInnerTexts(), [
        'src/app.ts',
        'src/api/client.ts',
        'README.md',
      ]);

      await type(panel, 'src/app.ts:10-40');
      const query = await answerFileSearch(panel, ['src/app.ts'], 1);
      assert.equal(query, 'src/app.ts', 'the lines are not part of the search');
      await panel.page.waitForFunction(
        () => document.querySelector('#mention-list [role="option"] .mention-label')?.textContent === 'app.ts:10-40',
      );
      await panel.page.keyboard.press('Tab');
      assert.equal(await composerValue(panel), '');
      assert.equal(await panel.page.getAttribute(chip, 'aria-label'), '#file:src/app.ts:10-40');
      assert.equal(await panel.page.locator(`${chip} .context-label`).innerText(), 'app.ts:10-40');

      await type(panel, 'What does this do?');
      await panel.page.keyboard.press('Enter');
      const [sent] = await posted(panel, 'send');
      assert.deepEqual(sent.context, [{ kind: 'file', path: 'src/app.ts', range: { start: 10, end: 40 } }]);
      await panel.assertHealthy();
    }));

  it('a chip is removed with its button, by keyboard, and the focus goes back to the composer', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.send({ type: 'attachContext', files: [{ path: 'docs/guide.md', tokens: 300 }] });
      assert.equal(await panel.page.getAttribute(chip, 'aria-label'), '#file:docs/guide.md');
      const remove = panel.page.locator(`${chip} button.attachment-remove`);
      assert.equal(await remove.getAttribute('aria-label'), 'Remove context: #file:docs/guide.md');
      await remove.focus();
      await panel.page.keyboard.press('Enter');
      assert.equal(await panel.page.locator(chip).count(), 0);
      assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'composer');
    }));

  it('[D11c] a send refused because context could not be read keeps the text and the chips, and says why', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await panel.send({ type: 'attachContext', files: [{ path: 'src/gone.ts' }] });
      await type(panel, 'Review this');
      await panel.page.keyboard.press('Enter');
      const [sent] = await posted(panel, 'send');
      await panel.send({
        type: 'sendResult',
        requestId: sent.requestId,
        outcome: 'refused',
        reason: 'context',
        problems: ['#file:src/gone.ts could not be attached: There is no file or folder at src/gone.ts.'],
      });
      assert.equal(await composerValue(panel), 'Review this');
      assert.equal(await panel.page.locator(chip).count(), 1);
      const problem = panel.page.locator('.context-attachments [role="alert"] .attachment-problem');
      assert.match(await problem.innerText(), /src\/gone\.ts could not be attached/);
    }));

  it('the chips of the draft survive a reload of the panel (webview state), checked again', () =>
    harness.withPanel(
      {
        state: {
          draft: 'Compare',
          contextChips: [
            { ref: { kind: 'file', path: 'src/a.ts', range: { start: 1, end: 9 } }, tokens: 50 },
            { ref: { kind: 'file', path: '../etc/passwd' } },
            { ref: { kind: 'changes' } },
            { ref: { kind: 'shell', command: 'rm -rf /' } },
          ],
        },
      },
      async (panel) => {
        await panel.send(snapshot());
        assert.deepEqual(await panel.page.locator(chip).evaluateAll((chips) => chips.map((c) => c.ariaLabel)), [
          '#file:src/a.ts:1-9',
          '#changes',
        ]);
      },
    ));

  it('a sent message shows its context chips; a file chip opens the file at its lines; a reply says what was left out', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(
        snapshot({
          messages: [
            userMessage('u1', 'Why does this fail?', {
              context: [
                { kind: 'file', label: '#file:src/app.ts:10-40', path: 'src/app.ts', range: { start: 10, end: 40 } },
                { kind: 'problems', label: '#problems' },
              ],
            }),
            assistantMessage('a1', 'Because…', 'done', { leftOut: 6 }),
          ],
        }),
      );
      const chips = panel.page.locator('.message[data-role="user"] .message-context .context-chip');
      assert.deepEqual(await chips.allInnerTexts(), ['app.ts:10-40', '#problems']);
      await chips.first().locator('button').click();
      assert.deepEqual((await posted(panel, 'openContextFile')).at(-1), {
        type: 'openContextFile',
        path: 'src/app.ts',
        range: { start: 10, end: 40 },
      });
      assert.equal(
        await panel.page.locator('.message[data-role="assistant"] .message-left-out').innerText(),
        "6 earlier messages were not sent: the conversation is longer than the model's context.",
      );
    }));

  it('project instructions are shown as chips above the composer; a chip opens its file', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      assert.equal(await panel.page.isHidden('#project-instructions'), true);
      await panel.send(
        snapshot({
          context: info({
            projectInstructions: [
              { path: 'AGENTS.md', chars: 1200, truncated: false },
              { path: '.github/copilot-instructions.md', chars: 16000, truncated: true },
            ],
          }),
        }),
      );
      const buttons = panel.page.locator('#project-instructions button.instructions-chip');
      assert.deepEqual(await buttons.allInnerTexts(), ['AGENTS.md', '.github/copilot-instructions.md']);
      assert.equal(await buttons.first().getAttribute('aria-label'), 'Project instructions: AGENTS.md');
      assert.match((await buttons.nth(1).getAttribute('aria-label')) ?? '', /only its beginning is sent/);
      assert.match((await buttons.first().getAttribute('title')) ?? '', /Sent to the model as system context/);
      await buttons.first().click();
      assert.deepEqual((await posted(panel, 'openContextFile')).at(-1), { type: 'openContextFile', path: 'AGENTS.md' });
      // The file was deleted: its chip goes.
      await panel.send({ type: 'contextInfo', info: info() });
      assert.equal(await panel.page.isHidden('#project-instructions'), true);
    }));

  it('the context meter shows the estimate against the context length, adds the draft, and warns near and over it', () =>
    harness.withPanel({}, async (panel) => {
      const meter = '#context-meter';
      const text = () => panel.page.locator(`${meter} .context-meter-text`).innerText();
      await panel.send(snapshot({ context: info({ estimate: { tokens: 3200, contextLength: 128_000 } }) }));
      assert.equal(await text(), '≈ 3.2k / 128k tokens');
      assert.equal(await panel.page.getAttribute(meter, 'data-level'), 'ok');
      assert.match((await panel.page.getAttribute(meter, 'title')) ?? '', /estimate/i);
      assert.equal(await panel.page.getAttribute(meter, 'aria-label'), 'Estimated context size: ≈ 3.2k / 128k tokens');

      // About 4 characters a token: 4,000 characters of draft add 1k.
      await panel.page.locator(box).fill('abcd'.repeat(1000));
      await panel.page.waitForFunction(
        () => document.querySelector('#context-meter .context-meter-text')?.textContent === '≈ 4.2k / 128k tokens',
      );
      // One token a CJK character.
      await panel.page.locator(box).fill('日本語'.repeat(100));
      await panel.page.waitForFunction(
        () => document.querySelector('#context-meter .context-meter-text')?.textContent === '≈ 3.5k / 128k tokens',
      );
      await panel.page.locator(box).fill('');
      await panel.page.waitForFunction(
        () => document.querySelector('#context-meter .context-meter-text')?.textContent === '≈ 3.2k / 128k tokens',
      );

      await panel.send({ type: 'contextInfo', info: info({ estimate: { tokens: 110_000, contextLength: 128_000 } }) });
      assert.equal(await text(), "≈ 110k / 128k tokens · near the model's context length");
      assert.equal(await panel.page.getAttribute(meter, 'data-level'), 'near');
      await panel.send({ type: 'contextInfo', info: info({ estimate: { tokens: 140_000, contextLength: 128_000 } }) });
      assert.equal(
        await text(),
        "≈ 140k / 128k tokens · longer than the model's context: the oldest turns will be left out",
      );
      assert.equal(await panel.page.getAttribute(meter, 'data-level'), 'over');
      // A model whose context length the catalog does not give: the estimate alone.
      await panel.send({ type: 'contextInfo', info: info({ estimate: { tokens: 950 } }) });
      assert.equal(await text(), '≈ 950 tokens');
      assert.equal(await panel.page.isHidden(`${meter} .context-meter-bar`), true);
      await panel.assertHealthy();
    }));
});
