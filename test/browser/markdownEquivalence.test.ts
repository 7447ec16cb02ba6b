// Streamed replies are rendered incrementally; whatever the chunking, the DOM equals a one-shot render of the text.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../support/seededRandom';
import { assistantMessage, snapshot, usePanelHarness } from '../support/panelPage';
import { FIXTURES, injectMarkdown } from './markdownBundle';

const corpus = fs
  .readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => ({ name, text: fs.readFileSync(path.join(FIXTURES, name), 'utf8') }));

/** Splits `text` into chunks of 1–20 characters, as a seeded stream would. */
function chunks(text: string, seed: number): string[] {
  const random = seededRandom(seed);
  const list: string[] = [];
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(random() * 20);
    list.push(text.slice(at, at + size));
    at += size;
  }
  return list;
}

describe('panel in Chromium: incremental markdown equals a one-shot render', function () {
  this.timeout(120_000);
  const harness = usePanelHarness();

  it('has a corpus', () => {
    assert.ok(corpus.length >= 8, corpus.map((file) => file.name).join(', '));
    assert.ok(corpus.some((file) => file.text.length >= 5000));
  });

  for (const file of corpus) {
    it(`${file.name}: every prefix, fed one character at a time and in seeded random chunks`, () =>
      harness.withPanel({}, async (panel) => {
        await injectMarkdown(panel);
        const histories = [Array.from(file.text), ...[1, 2, 3, 4].map((seed) => chunks(file.text, seed * 7919))];
        const mismatches = await panel.page.evaluate((list) => {
          const api = window.__markdown;
          if (!api) throw new Error('no markdown api');
          const found: { history: number; prefix: string; incremental: string; oneShot: string }[] = [];
          list.forEach((history, index) => {
            const renderer = api.create();
            let prefix = '';
            for (const chunk of history) {
              renderer.append(chunk);
              prefix += chunk;
              renderer.flush();
              const incremental = renderer.html();
              const oneShot = api.oneShot(prefix);
              if (incremental !== oneShot) {
                found.push({ history: index, prefix, incremental, oneShot });
                break;
              }
            }
          });
          return found;
        }, histories);
        assert.deepEqual(mismatches, []);
      }));
  }

  it('the real panel ends a streamed reply with the one-shot DOM of the whole text (every fixture, concatenated)', () =>
    harness.withPanel({}, async (panel) => {
      await injectMarkdown(panel);
      const text = corpus.map((file) => file.text).join('\n\n');
      await panel.send(snapshot(), { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') });
      const pieces = chunks(text, 42);
      for (let at = 0; at < pieces.length; at += 25) {
        await panel.send(
          ...pieces.slice(at, at + 25).map((piece) => ({ type: 'delta' as const, messageId: 'a1', text: piece })),
        );
      }
      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'done' });
      // Settled code blocks get coloured spans later (in idle time): wait for them, then compare with the spans taken
      // off again (they only wrap the block's text, which must be unchanged).
      await panel.page.waitForSelector('.message[data-id="a1"] pre > code[data-highlighted]', { state: 'attached' });
      const withoutHighlighting = () =>
        panel.page.$eval('.message[data-id="a1"] .message-body', (element) => {
          const copy = element.cloneNode(true) as HTMLElement;
          for (const code of Array.from(copy.querySelectorAll('code[data-highlighted]'))) {
            code.replaceChildren(document.createTextNode(code.textContent ?? ''));
            code.removeAttribute('data-highlighted');
          }
          return copy.innerHTML;
        });
      const expected = await panel.page.evaluate((source) => window.__markdown?.oneShot(source), text);
      assert.equal(await withoutHighlighting(), expected);
      // A snapshot of the same text renders the same DOM.
      await panel.send(snapshot({ messages: [assistantMessage('a1', text)] }));
      assert.equal(await withoutHighlighting(), expected);
    }));
});
