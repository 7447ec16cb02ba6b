// Images in the real panel bundle, in Chromium under the production CSP: paste and drop, preparation (type by
// content, downscaling, refusals), the chips, sending, and the thumbnails of sent messages.
import { strict as assert } from 'node:assert';
import type { OutgoingImage, WebviewToHost } from '../../src/shared/protocol';
import { snapshot, usePanelHarness, userMessage, type PanelPage } from '../support/panelPage';

type FileSpec = { readonly name: string; readonly type: string } & (
  | { readonly canvas: { readonly width: number; readonly height: number; readonly mime: string } }
  | { readonly text: string }
);

/** Pastes (or drops) files made in the page: canvases drawn and encoded there, or text. */
function deliver(panel: PanelPage, how: 'paste' | 'drop', files: readonly FileSpec[]): Promise<void> {
  return panel.page.evaluate(
    async ({ how, files }) => {
      const transfer = new DataTransfer();
      for (const spec of files) {
        let blob: Blob;
        if ('canvas' in spec) {
          const canvas = new OffscreenCanvas(spec.canvas.width, spec.canvas.height);
          const context = canvas.getContext('2d');
          if (!context) throw new Error('no 2d context');
          context.fillStyle = '#3366cc';
          context.fillRect(0, 0, spec.canvas.width, spec.canvas.height);
          context.fillStyle = '#ffffff';
          context.fillRect(10, 10, Math.floor(spec.canvas.width / 2), Math.floor(spec.canvas.height / 2));
          blob = await canvas.convertToBlob({ type: spec.canvas.mime });
        } else {
          blob = new Blob([spec.text], { type: spec.type });
        }
        transfer.items.add(new File([blob], spec.name, { type: spec.type }));
      }
      if (how === 'paste') {
        const box = document.querySelector('textarea#composer');
        if (!box) throw new Error('no composer');
        box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      } else {
        const target = document.querySelector('main.app');
        if (!target) throw new Error('no app');
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    { how, files },
  );
}

const chips = (panel: PanelPage) => panel.page.locator('.attachment-chip');
const problems = (panel: PanelPage) => panel.page.locator('.attachment-problem');

async function sendPosted(panel: PanelPage, since: number): Promise<Extract<WebviewToHost, { type: 'send' }>> {
  await panel.page.waitForFunction(
    (count) => window.__posted.slice(count).some((message) => (message as { type?: string }).type === 'send'),
    since,
  );
  const sent = (await panel.postedSince(since)).find((message) => message.type === 'send');
  assert.ok(sent && sent.type === 'send');
  return sent;
}

/** Width and height from the IHDR chunk of a base64 PNG data URL. */
function pngSize(url: string): { width: number; height: number } {
  const bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('panel in Chromium: images', () => {
  const harness = usePanelHarness();

  it('a pasted PNG becomes a chip with its thumbnail, size, detail choice and token estimate', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await deliver(panel, 'paste', [
        { name: 'dialog.png', type: 'image/png', canvas: { width: 640, height: 480, mime: 'image/png' } },
      ]);
      await chips(panel).first().waitFor();
      const chip = chips(panel).first();
      assert.equal(await chip.locator('.attachment-size').innerText(), '640×480');
      assert.match((await chip.locator('img.attachment-thumb').getAttribute('src')) ?? '', /^data:image\/png;base64,/);
      assert.equal(await chip.locator('select').getAttribute('aria-label'), 'Detail: dialog.png');
      assert.equal(await chip.locator('select').inputValue(), 'auto');
      // 640×480 is 2×1 tiles of 512 px: 85 + 2 × 170.
      assert.equal(await chip.locator('.attachment-tokens').innerText(), '≈425 tokens');
      await chip.locator('select').selectOption('low');
      await panel.page.waitForFunction(
        () => document.querySelector('.attachment-tokens')?.textContent === '≈85 tokens',
      );
      await chip.locator('button.attachment-remove').click();
      assert.equal(await chips(panel).count(), 0);
      await panel.assertHealthy();
    }));

  it('[B7-48] downscales a 4000×3000 image to 2048×1536 and sends it as PNG with the text', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await deliver(panel, 'drop', [
        { name: 'big.png', type: 'image/png', canvas: { width: 4000, height: 3000, mime: 'image/png' } },
      ]);
      await chips(panel).first().waitFor({ timeout: 20_000 });
      assert.equal(await chips(panel).first().locator('.attachment-size').innerText(), '2048×1536');
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').fill('What is in this picture?');
      await panel.page.keyboard.press('Enter');
      const sent = await sendPosted(panel, before);
      assert.equal(sent.text, 'What is in this picture?');
      const images = sent.images ?? [];
      assert.equal(images.length, 1);
      const image: OutgoingImage = images[0];
      assert.deepEqual(
        { detail: image.detail, width: image.width, height: image.height, name: image.name },
        { detail: 'auto', width: 2048, height: 1536, name: 'big.png' },
      );
      assert.deepEqual(pngSize(image.url), { width: 2048, height: 1536 }, 'the bytes sent were not downscaled');
      // Until the host accepts the message, the text and the image stay.
      assert.equal(await panel.page.inputValue('textarea#composer'), 'What is in this picture?');
      assert.equal(await chips(panel).count(), 1);
      await panel.send(
        { type: 'sendResult', requestId: sent.requestId, outcome: 'accepted' },
        {
          type: 'messageAdded',
          message: userMessage('u-1', 'What is in this picture?', {
            images: [{ url: image.url, width: 2048, height: 1536, name: 'big.png' }],
          }),
        },
      );
      assert.equal(await panel.page.inputValue('textarea#composer'), '');
      assert.equal(await chips(panel).count(), 0);
      await panel.assertHealthy();
    }));

  it('[B7-48] refuses an SVG and a text file named .png, saying which file and why', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await deliver(panel, 'paste', [
        {
          name: 'logo.svg',
          type: 'image/svg+xml',
          text: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        },
        { name: 'notes.png', type: 'image/png', text: 'These are my notes, not a picture.' },
      ]);
      await problems(panel).nth(1).waitFor();
      const texts = await problems(panel).allInnerTexts();
      assert.match(texts[0], /^logo\.svg: is an SVG image/);
      assert.match(texts[1], /^notes\.png: is not a PNG, JPEG, GIF or WebP image/);
      assert.equal(await chips(panel).count(), 0);
      assert.equal(await panel.page.getAttribute('.attachment-problems', 'role'), 'alert');
      // Nothing was attached, so Enter in an empty composer sends nothing.
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').press('Enter');
      assert.deepEqual(await panel.postedSince(before), []);
      await panel.assertHealthy();
    }));

  it('sends images without text, and the paperclip and screenshot buttons ask the host', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await deliver(panel, 'paste', [
        { name: 'photo.jpg', type: 'image/jpeg', canvas: { width: 300, height: 200, mime: 'image/jpeg' } },
      ]);
      await chips(panel).first().waitFor();
      const before = (await panel.posted()).length;
      await panel.page.locator('textarea#composer').press('Enter');
      const sent = await sendPosted(panel, before);
      assert.equal(sent.text, '');
      assert.match(sent.images?.[0]?.url ?? '', /^data:image\/jpeg;base64,/, 'a JPEG should stay a JPEG');
      const clicks = (await panel.posted()).length;
      await panel.page.click('button#attach-image');
      await panel.page.click('button#attach-screenshot');
      assert.deepEqual(await panel.postedSince(clicks), [
        { type: 'attach', source: 'file' },
        { type: 'attach', source: 'screenshot' },
      ]);
      await panel.assertHealthy();
    }));

  it("attaches images the host read, and shows a sent message's thumbnails with a button to attach them again", () =>
    harness.withPanel({}, async (panel) => {
      const png = await panel.page.evaluate(async () => {
        const canvas = new OffscreenCanvas(120, 80);
        canvas.getContext('2d')?.fillRect(0, 0, 60, 40);
        const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
        return `data:image/png;base64,${btoa(String.fromCharCode(...bytes))}`;
      });
      await panel.send(
        snapshot({
          messages: [
            userMessage('u-1', 'Look', {
              images: [{ url: png, width: 120, height: 80, name: 'earlier.png', detail: 'low' }],
            }),
          ],
        }),
      );
      const thumbnail = panel.page.locator('.message[data-role="user"] .message-image img');
      assert.equal(await thumbnail.getAttribute('src'), png);
      assert.equal(await thumbnail.getAttribute('alt'), 'earlier.png 120×80');
      await panel.page.click('.message-image button.image-reattach');
      await chips(panel).first().waitFor();
      assert.equal(await chips(panel).first().locator('select').inputValue(), 'low');

      await panel.send({ type: 'attachImages', images: [{ url: png, name: 'screenshot.png' }] });
      await chips(panel).nth(1).waitFor();
      assert.equal(await chips(panel).nth(1).getAttribute('aria-label'), 'screenshot.png 120×80');
      await panel.assertHealthy();
    }));

  it("keeps the draft's images in webview state, so a recreated panel (a reload) shows the same chips, detail included", async () => {
    type Kept = { attachments?: OutgoingImage[] };
    let memory: Kept | undefined;
    await harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await deliver(panel, 'paste', [
        { name: 'first.png', type: 'image/png', canvas: { width: 640, height: 480, mime: 'image/png' } },
        { name: 'second.png', type: 'image/png', canvas: { width: 200, height: 100, mime: 'image/png' } },
      ]);
      await chips(panel).nth(1).waitFor();
      await chips(panel).nth(1).locator('select').selectOption('low');
      await panel.page.waitForFunction(() => (window.__state as Kept | undefined)?.attachments?.[1]?.detail === 'low');
      memory = (await panel.state()) as Kept;
    });
    assert.deepEqual(
      memory?.attachments?.map(({ name, width, height, detail }) => ({ name, width, height, detail })),
      [
        { name: 'first.png', width: 640, height: 480, detail: 'auto' },
        { name: 'second.png', width: 200, height: 100, detail: 'low' },
      ],
    );

    await harness.withPanel({ state: memory }, async (panel) => {
      await panel.send(snapshot());
      await chips(panel).nth(1).waitFor();
      assert.equal(await chips(panel).count(), 2);
      assert.equal(await chips(panel).nth(0).getAttribute('aria-label'), 'first.png 640×480');
      assert.equal(await chips(panel).nth(1).locator('select').inputValue(), 'low');
      // Removing one is kept too.
      await chips(panel).nth(0).locator('button.attachment-remove').click();
      await panel.page.waitForFunction(() => (window.__state as Kept | undefined)?.attachments?.length === 1);
      await panel.assertHealthy();
    });
  });
});
