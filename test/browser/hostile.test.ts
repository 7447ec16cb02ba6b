// Cases of the hostile corpus in the real panel bundle under the production CSP that no other suite covers:
// pathological markdown, a 1 MB reply, TeX that tries to link or load, and images too large to decode.
import { strict as assert } from 'node:assert';
import type { WebviewToHost } from '../../src/shared/protocol';
import { PATHOLOGICAL_MARKDOWN as PATHOLOGICAL } from '../support/pathologicalMarkdown';
import { makePixelBomb } from '../support/pngFixture';
import {
  assistantMessage,
  snapshot,
  startCountingServer,
  usePanelHarness,
  type LocalServer,
  userMessage,
  type PanelPage,
} from '../support/panelPage';
import { injectMarkdown } from './markdownBundle';

declare global {
  interface Window {
    __pwned?: unknown;
    /** Sizes of the blobs the page asked the browser to decode (see `countDecodes`). */
    __decoded?: number[];
  }
}

const body = (panel: PanelPage, id: string) => panel.page.locator(`.message[data-id="${id}"] .message-body`);
const nextFrame = (panel: PanelPage) =>
  panel.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));

/** Counts what the page hands the browser's image decoder (`createImageBitmap`) from now on. */
function countDecodes(panel: PanelPage): Promise<void> {
  return panel.page.evaluate(() => {
    const decode = window.createImageBitmap.bind(window);
    window.__decoded = [];
    window.createImageBitmap = ((source: ImageBitmapSource, ...rest: []) => {
      window.__decoded?.push(source instanceof Blob ? source.size : -1);
      return decode(source, ...rest);
    }) as typeof createImageBitmap;
  });
}

/** Pastes files into the composer: each made in the page by `make` (given its index), or given as base64 bytes. */
async function pasteFiles(
  panel: PanelPage,
  files: readonly { name: string; base64?: string; make?: 'noise' | 'huge' }[],
) {
  return panel.page.evaluate(async (list) => {
    const transfer = new DataTransfer();
    const sizes: number[] = [];
    for (const file of list) {
      let blob: Blob;
      if (file.base64 !== undefined) {
        blob = new Blob([Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0))], { type: 'image/png' });
      } else if (file.make === 'noise') {
        // A photo-like 3000×3000 picture of noise: PNG cannot compress it, so the file is over 25 MB.
        const canvas = new OffscreenCanvas(3000, 3000);
        const context = canvas.getContext('2d');
        if (!context) throw new Error('no 2d context');
        const image = context.createImageData(3000, 3000);
        const random = new Uint32Array(image.data.buffer);
        let seed = 12345;
        for (let index = 0; index < random.length; index++) {
          seed = (seed * 1664525 + 1013904223) >>> 0;
          random[index] = seed | 0xff000000;
        }
        context.putImageData(image, 0, 0);
        blob = await canvas.convertToBlob({ type: 'image/png' });
      } else {
        // 60 MB that start like a PNG.
        const bytes = new Uint8Array(60 * 1024 * 1024);
        bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        blob = new Blob([bytes], { type: 'image/png' });
      }
      sizes.push(blob.size);
      transfer.items.add(new File([blob], file.name, { type: 'image/png' }));
    }
    const box = document.querySelector('textarea#composer');
    if (!box) throw new Error('no composer');
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    return sizes;
  }, files);
}

describe('panel in Chromium: hostile corpus', function () {
  this.timeout(240_000);
  const harness = usePanelHarness();
  let attacker: LocalServer;

  beforeEach(async () => {
    attacker = await startCountingServer();
  });
  afterEach(async () => {
    await attacker.close();
  });

  it('[B7-9] renders pathological markdown with bounded nesting and no stack overflow; every flush of a stream finishes and equals a one-shot render', () =>
    harness.withPanel({}, async (panel) => {
      await injectMarkdown(panel);
      for (const { name, text } of PATHOLOGICAL) {
        // Fed in 25 pieces, a flush after each: each must finish, and give what rendering the text so far at once gives.
        const outcome = await panel.page.evaluate((source) => {
          const api = window.__markdown;
          if (!api) throw new Error('no markdown api');
          const renderer = api.create();
          const step = Math.ceil(source.length / 25);
          let flushes = 0;
          for (let at = 0; at < source.length; at += step) {
            renderer.append(source.slice(at, at + step));
            renderer.flush();
            flushes++;
            if (renderer.html() !== api.oneShot(source.slice(0, at + step))) return { flushes, mismatch: at + step };
          }
          return { flushes, mismatch: undefined };
        }, text);
        assert.equal(
          outcome.mismatch,
          undefined,
          `${name}: the stream differs from a one-shot render after ${outcome.mismatch} characters`,
        );
        assert.ok(outcome.flushes >= 25, `${name}: ${outcome.flushes} flushes`);
      }
      // And in the real panel: as a snapshot after a reload, and streamed in large deltas.
      await panel.send(snapshot());
      for (const [index, { name, text }] of PATHOLOGICAL.entries()) {
        await panel.send({ type: 'messageAdded', message: assistantMessage(`s${index}`, text, 'done') });
        await panel.send({ type: 'messageAdded', message: assistantMessage(`t${index}`, '', 'streaming') });
        for (let at = 0; at < text.length; at += 50_000) {
          await panel.send({ type: 'delta', messageId: `t${index}`, text: text.slice(at, at + 50_000) });
          await nextFrame(panel);
        }
        await panel.send({ type: 'turnEnded', messageId: `t${index}`, status: 'done' });
        const shown = await panel.page.evaluate(
          ({ index, text }) => {
            const bodyOf = (id: string) => document.querySelector(`.message[data-id="${id}"] .message-body`);
            const snapshotBody = bodyOf(`s${index}`);
            const streamedBody = bodyOf(`t${index}`);
            if (!snapshotBody || !streamedBody) throw new Error('a message is missing');
            // The deepest element nesting inside the reply.
            let deepest = 0;
            const stack: [Element, number][] = [[streamedBody, 0]];
            for (let next = stack.pop(); next; next = stack.pop()) {
              deepest = Math.max(deepest, next[1]);
              for (const child of Array.from(next[0].children)) stack.push([child, next[1] + 1]);
            }
            return {
              snapshot: snapshotBody.innerHTML,
              streamed: streamedBody.innerHTML,
              oneShot: window.__markdown?.oneShot(text),
              deepest,
            };
          },
          { index, text },
        );
        assert.ok(shown.streamed === shown.oneShot, `${name}: the streamed reply differs from a one-shot render`);
        assert.ok(shown.snapshot === shown.oneShot, `${name}: the restored reply differs from a one-shot render`);
        // markdown-it stops nesting at 40 levels (the renderer's own elements add a few).
        assert.ok(shown.deepest <= 48, `${name}: elements nested ${shown.deepest} deep`);
      }
      assert.equal(await panel.page.locator('.message').count(), PATHOLOGICAL.length * 2);
      assert.equal(((await body(panel, 's4').textContent()) ?? '').length, 1_000_000);
      assert.equal(await body(panel, 's5').locator('tbody tr').count(), 5_000);
    }));

  it('[B7-10] streams a 1 MB reply to its end while the panel keeps answering: it renders as it goes, takes typing and Stop', () =>
    harness.withPanel({}, async (panel) => {
      await injectMarkdown(panel);
      const blocks: string[] = [];
      for (let index = 0; blocks.join('\n\n').length < 1_000_000; index++) {
        if (index % 40 === 39)
          blocks.push(`\`\`\`\nconst block${index} = ${index};\nconsole.log(block${index});\n\`\`\``);
        else if (index % 40 === 19) blocks.push(`- point ${index}\n- another point\n  - nested ${index}`);
        else
          blocks.push(`Paragraph ${index}: ${'the quick brown fox jumps over the lazy dog '.repeat(3)}**${index}**.`);
      }
      const text = blocks.join('\n\n');
      await panel.send(
        snapshot(),
        { type: 'messageAdded', message: userMessage('u1', 'Write a very long answer.') },
        { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
      );
      const pieces: string[] = [];
      for (let at = 0; at < text.length; at += 800) pieces.push(text.slice(at, at + 800));
      const composer = panel.page.locator('textarea#composer');
      let sent = 0;
      let stopPosted = false;
      for (let batch = 0; sent < pieces.length; batch++) {
        const deltas = pieces
          .slice(sent, sent + 60)
          .map((piece) => ({ type: 'delta' as const, messageId: 'a1', text: piece }));
        await panel.send(...deltas);
        sent += deltas.length;
        await nextFrame(panel);
        await nextFrame(panel);
        // What has arrived is on screen: the last whole paragraph so far is rendered.
        const arrived = pieces.slice(0, sent).join('');
        const lastParagraph = /Paragraph (\d+):[^\n]*\n\n/g;
        let last: string | undefined;
        for (const match of arrived.matchAll(lastParagraph)) last = `Paragraph ${match[1]}:`;
        if (last) {
          const shown = await body(panel, 'a1').evaluate(
            (element, marker) => element.textContent?.includes(marker),
            last,
          );
          assert.ok(shown, `after ${arrived.length} characters, "${last}" is not rendered`);
        }
        if (batch === 5) {
          await composer.pressSequentially('typed while it streams');
          assert.equal(await composer.inputValue(), 'typed while it streams');
        }
        if (!stopPosted && sent > pieces.length / 2) {
          const before = (await panel.posted()).length;
          await panel.page.click('button#stop');
          const posted: WebviewToHost[] = await panel.postedSince(before);
          assert.deepEqual(posted, [{ type: 'stop' }]);
          stopPosted = true;
        }
      }
      await panel.send({ type: 'turnEnded', messageId: 'a1', status: 'done' });
      const [shown, expected] = await panel.page.evaluate((source) => {
        const element = document.querySelector('.message[data-id="a1"] .message-body');
        return [element?.innerHTML, window.__markdown?.oneShot(source)];
      }, text);
      assert.ok(
        shown === expected,
        `the finished 1 MB reply differs from a one-shot render (${shown?.length} vs ${expected?.length} characters of HTML)`,
      );
      assert.equal(await composer.inputValue(), 'typed while it streams');
      assert.ok(stopPosted);
    }));

  it('[B7-16] TeX stays text: \\href{javascript:…} and \\includegraphics{…} become neither links nor images and load nothing', () =>
    harness.withPanel({}, async (panel) => {
      const reply = [
        'Inline $\\href{javascript:window.__pwned=1}{click me}$ math.',
        '',
        `$$\\includegraphics{${attacker.origin}/tex.png}$$`,
        '',
        `\\[\\href{vbscript:msgbox}{x}\\] and \\(\\url{javascript:alert(1)}\\)`,
      ].join('\n');
      await panel.send(snapshot(), { type: 'messageAdded', message: assistantMessage('a1', reply, 'done') });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const text = (await body(panel, 'a1').textContent()) ?? '';
      assert.match(text, /\\href\{javascript:window\.__pwned=1\}\{click me\}/);
      assert.match(text, /\\includegraphics\{http:\/\/127\.0\.0\.1:\d+\/tex\.png\}/);
      assert.equal(await body(panel, 'a1').locator('.md-link-disabled, img, svg, math').count(), 0);
      // The URL inside \includegraphics is a bare web URL: it becomes a link that goes to the host on a click, never a
      // fetch of its own.
      assert.deepEqual(
        await body(panel, 'a1')
          .locator('.md-link')
          .evaluateAll((links) => links.map((link) => link.getAttribute('data-href'))),
        [`${attacker.origin}/tex.png`],
      );
      assert.equal(await panel.page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(attacker.requests, []);
    }));

  it('[B7-48] downscales a 25 MB PNG, and refuses a pixel bomb and a 60 MB file before decoding them, saying why', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await countDecodes(panel);
      const decoded = () => panel.page.evaluate(() => window.__decoded ?? []);
      const problems = panel.page.locator('.attachment-problem');
      const chips = panel.page.locator('.attachment-chip');

      const [big] = await pasteFiles(panel, [{ name: 'big photo.png', make: 'noise' }]);
      assert.ok(big > 25 * 1024 * 1024, `the PNG has ${big} bytes`);
      await chips.first().waitFor({ timeout: 60_000 });
      assert.equal(await chips.first().locator('.attachment-size').innerText(), '2048×2048');
      assert.deepEqual(await decoded(), [big]);
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').fill('What is this?');
      await panel.page.keyboard.press('Enter');
      await panel.page.waitForFunction((count) => window.__posted.length > count, before);
      const sent = (await panel.postedSince(before)).find((message) => message.type === 'send');
      assert.ok(sent && sent.type === 'send' && sent.images?.length === 1);
      const image = sent.images[0];
      assert.deepEqual([image.width, image.height], [2048, 2048]);
      assert.ok(image.url.length * 0.75 < 20 * 1024 * 1024, 'what is sent is not under the 20 MB limit');
      await panel.page.locator('.attachment-chip .attachment-remove').click();

      const bomb = makePixelBomb(100_000, 100_000).toString('base64');
      await pasteFiles(panel, [
        { name: 'bomb.png', base64: bomb },
        { name: 'huge.png', make: 'huge' },
      ]);
      await problems.nth(1).waitFor({ timeout: 20_000 });
      const texts = await problems.allInnerTexts();
      assert.match(texts[0], /^bomb\.png: has too many pixels to be decoded \(100000×100000, 10000 MP > 67 MP\)/);
      assert.match(texts[1], /^huge\.png: is too large to attach \(60\.0 MB > 50\.0 MB\)/);
      // The same bomb read by the host (dropped from the Explorer, or picked) is refused the same way.
      await panel.send({
        type: 'attachImages',
        images: [{ url: `data:image/png;base64,${bomb}`, name: 'bomb from disk.png' }],
      });
      await problems.first().filter({ hasText: 'bomb from disk.png' }).waitFor({ timeout: 20_000 });
      assert.deepEqual(await decoded(), [big], 'a refused image was handed to the decoder');
      assert.equal(await chips.count(), 0);
    }));
});
