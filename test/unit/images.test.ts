import { strict as assert } from 'node:assert';
import { Conversation } from '../../src/core/conversation';
import { parseRecordText, recordToMarkdown, serializeRecord, toRecord } from '../../src/core/conversationRecord';
import { estimateImageTokens, fitImage } from '../../src/shared/imageSizing';
import {
  bytesToBase64,
  dataUrlMatchesType,
  looksLikeSvg,
  pngDimensions,
  sniffImageType,
} from '../../src/shared/imageSniff';
import { firstAvailableTool, screenshotCandidates, stepArguments } from '../../src/core/screenshotTools';

/** The first 24 bytes of a PNG of the given size (signature + IHDR length, type, width, height). */
function pngHead(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

const limits = { maxLongSide: 2048, maxShortSideHigh: 768 };

describe('images: content sniffing', () => {
  it('recognises PNG, JPEG, GIF and WebP by their first bytes, whatever the name', () => {
    assert.equal(sniffImageType(pngHead(1, 1)), 'image/png');
    assert.equal(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), 'image/jpeg');
    assert.equal(sniffImageType(new TextEncoder().encode('GIF89a......')), 'image/gif');
    assert.equal(sniffImageType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ')), 'image/webp');
  });

  it('[B7-48] refuses text renamed to .png, SVG and RIFF files that are not WebP', () => {
    assert.equal(sniffImageType(new TextEncoder().encode('hello, this is not an image')), undefined);
    assert.equal(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>')), undefined);
    assert.equal(sniffImageType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WAVEfmt ')), undefined);
    assert.equal(looksLikeSvg(new TextEncoder().encode('<?xml version="1.0"?>\n<svg width="10"></svg>')), true);
    assert.equal(looksLikeSvg(new TextEncoder().encode('hello')), false);
  });

  it("reads a PNG header's dimensions", () => {
    assert.deepEqual(pngDimensions(pngHead(4000, 3000)), { width: 4000, height: 3000 });
    assert.equal(pngDimensions(new Uint8Array([1, 2, 3])), undefined);
  });

  it('accepts a data URL only when its bytes are the type it declares', () => {
    const png = bytesToBase64(pngHead(2, 2));
    assert.equal(dataUrlMatchesType(`data:image/png;base64,${png}`), true);
    assert.equal(dataUrlMatchesType(`data:image/jpeg;base64,${png}`), false);
    assert.equal(
      dataUrlMatchesType(`data:image/png;base64,${bytesToBase64(new TextEncoder().encode('plain text pretending'))}`),
      false,
    );
    assert.equal(dataUrlMatchesType('data:image/svg+xml;base64,PHN2Zz4='), false);
  });
});

describe('images: sizing and token estimate', () => {
  it('downscales to the longest side, never upscales, and keeps the aspect ratio', () => {
    assert.deepEqual(fitImage({ width: 4000, height: 3000 }, limits, 'auto'), { width: 2048, height: 1536 });
    assert.deepEqual(fitImage({ width: 300, height: 200 }, limits, 'high'), { width: 300, height: 200 });
    assert.deepEqual(fitImage({ width: 1000, height: 5000 }, limits, 'low'), { width: 410, height: 2048 });
  });

  it('for detail high also fits the short side', () => {
    assert.deepEqual(fitImage({ width: 4000, height: 3000 }, limits, 'high'), { width: 1024, height: 768 });
  });

  it("estimates tokens with OpenAI's tile rule", () => {
    assert.equal(estimateImageTokens({ width: 4000, height: 3000 }, 'low'), 85);
    // 1024×768 → 2×2 tiles.
    assert.equal(estimateImageTokens({ width: 4000, height: 3000 }, 'high'), 85 + 170 * 4);
    assert.equal(estimateImageTokens({ width: 512, height: 512 }, 'auto'), 85 + 170);
    // 2048×4096 → 1024×2048 → 768×1536: 2×3 tiles.
    assert.equal(estimateImageTokens({ width: 2048, height: 4096 }, 'high'), 85 + 170 * 6);
  });
});

describe('images: screenshot tools', () => {
  it('macOS uses screencapture -i into the file; Windows snips to the clipboard', () => {
    const [mac] = screenshotCandidates('darwin');
    assert.equal(mac.steps[0].command, 'screencapture');
    assert.deepEqual(stepArguments(mac.steps[0], '/tmp/a.png'), ['-i', '/tmp/a.png']);
    const [windows] = screenshotCandidates('win32');
    assert.equal(windows.output, 'clipboard');
    assert.deepEqual(windows.steps[0], { command: 'explorer', args: ['ms-screenclip:'] });
  });

  it('Linux tries gnome-screenshot, spectacle, grim+slurp, scrot, then ImageMagick import', () => {
    assert.deepEqual(
      screenshotCandidates('linux').map((tool) => tool.name),
      ['gnome-screenshot', 'spectacle', 'grim + slurp', 'scrot', 'ImageMagick import'],
    );
    const only =
      (...present: string[]) =>
      (command: string) =>
        present.includes(command);
    assert.equal(firstAvailableTool('linux', only('scrot', 'import'))?.name, 'scrot');
    // grim without slurp cannot select an area.
    assert.equal(firstAvailableTool('linux', only('grim', 'import'))?.name, 'ImageMagick import');
    const grim = firstAvailableTool('linux', only('grim', 'slurp'));
    assert.equal(grim?.steps[0].printsGeometry, true);
    assert.deepEqual(stepArguments(grim!.steps[1], '/tmp/s.png', '10,10 200x100'), [
      '-g',
      '10,10 200x100',
      '/tmp/s.png',
    ]);
    assert.equal(firstAvailableTool('linux', only()), undefined);
    assert.deepEqual(screenshotCandidates('other'), []);
  });
});

describe('images: saved with the conversation', () => {
  it('keeps each image (url, detail, size, name) through save and load, and the Markdown export names them', () => {
    const conversation = new Conversation();
    const url = `data:image/png;base64,${bytesToBase64(pngHead(640, 480))}`;
    conversation.addUserMessage('What is this?', [
      { url, detail: 'high', width: 640, height: 480, name: 'dialog.png' },
    ]);
    const record = toRecord(conversation, {
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    });
    const parsed = parseRecordText(serializeRecord(record));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.record.messages[0].images, [
      { url, detail: 'high', width: 640, height: 480, name: 'dialog.png' },
    ]);
    const markdown = recordToMarkdown(parsed.record);
    assert.match(markdown, /\[image: dialog\.png 640×480\]/);
    assert.equal(markdown.includes('base64'), false, 'the export dumped the image data');
  });
});
