import { strict as assert } from 'node:assert';
import { imageDimensions, MAX_DECODE_PIXELS } from '../../src/shared/imageSniff';
import { makePixelBomb, makePng } from '../support/pngFixture';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((part) => (typeof part === 'string' ? Array.from(part, (char) => char.charCodeAt(0)) : part)),
  );
const u16be = (value: number) => [value >> 8, value & 0xff];
const u16le = (value: number) => [value & 0xff, value >> 8];
const u24le = (value: number) => [value & 0xff, (value >> 8) & 0xff, value >> 16];
const u32le = (value: number) => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >>> 24];

/** A JPEG start: SOI, an APP0 (JFIF) segment, a DQT-like segment, then a baseline or progressive frame header. */
function jpegHeader(width: number, height: number, frameMarker = 0xc0): Uint8Array {
  const app0 = [
    0xff,
    0xe0,
    ...u16be(16),
    ...Array.from('JFIF\0', (char) => char.charCodeAt(0)),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
  ];
  const dqt = [0xff, 0xdb, ...u16be(4), 0, 0];
  const sof = [
    0xff,
    frameMarker,
    ...u16be(17),
    8,
    ...u16be(height),
    ...u16be(width),
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return bytes([0xff, 0xd8], app0, dqt, [0xff, 0xff], sof);
}

describe('hostile corpus: image sizes read before decoding', () => {
  it('[B7-48] reads the pixel size each of PNG, JPEG, GIF and WebP claims in its header', () => {
    assert.deepEqual(imageDimensions(makePng(40, 30)), { width: 40, height: 30 });
    assert.deepEqual(imageDimensions(jpegHeader(4000, 3000)), { width: 4000, height: 3000 });
    assert.deepEqual(imageDimensions(jpegHeader(640, 480, 0xc2)), { width: 640, height: 480 }, 'progressive JPEG');
    assert.deepEqual(imageDimensions(bytes('GIF89a', u16le(320), u16le(200), [0, 0, 0])), { width: 320, height: 200 });
    const riff = (chunk: string, payload: number[]) =>
      bytes('RIFF', u32le(4 + 8 + payload.length), 'WEBP', chunk, u32le(payload.length), payload);
    // Lossy: frame tag, start code 9d 01 2a, 14-bit sizes.
    assert.deepEqual(imageDimensions(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(1024), ...u16le(768)])), {
      width: 1024,
      height: 768,
    });
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    const bits = (800 - 1) | ((600 - 1) << 14);
    assert.deepEqual(imageDimensions(riff('VP8L', [0x2f, ...u32le(bits)])), { width: 800, height: 600 });
    // Extended: 24-bit canvas width-1 and height-1.
    assert.deepEqual(imageDimensions(riff('VP8X', [0, 0, 0, 0, ...u24le(16383), ...u24le(9999)])), {
      width: 16384,
      height: 10000,
    });
  });

  it('[B7-48] sees a pixel bomb for what it is: a few kilobytes that claim more pixels than may be decoded', () => {
    const bomb = makePixelBomb(100_000, 100_000);
    assert.ok(bomb.length < 100_000, `${bomb.length} bytes`);
    const claimed = imageDimensions(bomb);
    assert.deepEqual(claimed, { width: 100_000, height: 100_000 });
    assert.ok(claimed.width * claimed.height > MAX_DECODE_PIXELS);
    // The largest allowed: an 8192×8192 picture (an 8K screenshot has about half as many pixels).
    assert.equal(MAX_DECODE_PIXELS, 8192 * 8192);
    assert.ok(7680 * 4320 <= MAX_DECODE_PIXELS);
    const jpegBomb = imageDimensions(jpegHeader(65_535, 65_535));
    assert.ok(jpegBomb && jpegBomb.width * jpegBomb.height > MAX_DECODE_PIXELS);
  });

  it('[B7-48] gives no size for a header that is cut short or lies about its structure (such a file is not decoded)', () => {
    assert.equal(imageDimensions(makePng(40, 30).subarray(0, 20)), undefined);
    assert.equal(imageDimensions(jpegHeader(10, 10).subarray(0, 30)), undefined);
    assert.equal(
      imageDimensions(bytes([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0])),
      undefined,
      'image data before a frame header',
    );
    assert.equal(imageDimensions(bytes([0xff, 0xd8, 0x00, 0x11])), undefined, 'no marker where one must be');
    assert.equal(imageDimensions(bytes('RIFF', u32le(20), 'WEBP', 'VP8?', u32le(4), [0, 0, 0, 0])), undefined);
    assert.equal(imageDimensions(bytes('not an image at all')), undefined);
  });
});
