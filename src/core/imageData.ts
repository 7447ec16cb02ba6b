/**
 * Images as the conversation keeps them (base64 data URLs of the four raster types the API takes) and as the store
 * keeps them (the bytes in a file named by their SHA-256: `<hash>.<ext>`). Conversions are done in slices (see
 * `Pacer`), so a 20 MB screenshot never blocks the extension host. Pure: web-standard globals only.
 */
import { sniffImageType, type ImageMime } from '../shared/imageSniff';
import { Pacer } from './pacing';

const EXTENSIONS: Readonly<Record<ImageMime, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
const MIMES: Readonly<Record<string, ImageMime>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};
const RASTER_DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,/;
/** The most characters of one image's data URL that is kept (about 15 MB of image, as the panel allows). */
export const MAX_IMAGE_URL_CHARS = 20_000_000;
/** A stored image's name: its SHA-256 in hex and its type. */
export const IMAGE_KEY = /^[0-9a-f]{64}\.(?:png|jpg|gif|webp)$/;

/**
 * The type of a base64 data URL of a PNG, JPEG, GIF or WebP whose first bytes really are that type; undefined for
 * anything else (`https:` addresses, SVG, a renamed file…). Only the head is decoded: cheap for any size.
 */
export function rasterDataUrlType(url: string): ImageMime | undefined {
  if (url.length > MAX_IMAGE_URL_CHARS) return undefined;
  const match = RASTER_DATA_URL.exec(url.slice(0, 40));
  if (!match) return undefined;
  const head = decodeBase64Sync(url.slice(match[0].length, match[0].length + 24));
  return head && sniffImageType(head) === match[1] ? (match[1] as ImageMime) : undefined;
}

export function isImageKey(key: string): boolean {
  return IMAGE_KEY.test(key);
}

export function mimeOfKey(key: string): ImageMime | undefined {
  return MIMES[key.slice(key.lastIndexOf('.') + 1)];
}

/** The bytes of a raster data URL and the name they are stored under. */
export async function imageFileOf(url: string, pacer = new Pacer()): Promise<{ key: string; bytes: Uint8Array }> {
  const mime = rasterDataUrlType(url);
  if (!mime) throw new Error('not a PNG, JPEG, GIF or WebP data URL');
  const bytes = await decodeBase64(url, url.indexOf(',') + 1, pacer);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hash = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return { key: `${hash}.${EXTENSIONS[mime]}`, bytes };
}

/** The data URL of a stored image file; undefined when its bytes are not the type its name says. */
export async function dataUrlOfFile(key: string, bytes: Uint8Array, pacer = new Pacer()): Promise<string | undefined> {
  const mime = mimeOfKey(key);
  if (!mime || sniffImageType(bytes) !== mime) return undefined;
  return encodeBase64(bytes, pacer, `data:${mime};base64,`);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1) DECODE[ALPHABET.charCodeAt(index)] = index;
const ENCODE = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
/** Characters decoded (or bytes encoded) between two looks at the clock. */
const STEP = 256 * 1024;

/** Decodes base64 from `text[from..]` (padding allowed at the end), in slices. Throws on any other character. */
export async function decodeBase64(text: string, from: number, pacer: Pacer): Promise<Uint8Array<ArrayBuffer>> {
  let end = text.length;
  while (end > from && text.charCodeAt(end - 1) === 0x3d) end -= 1;
  const chars = end - from;
  if (chars % 4 === 1 || text.length - end > 2) throw new Error('invalid base64');
  const out = new Uint8Array(Math.floor((chars * 3) / 4));
  let o = 0;
  for (let start = from; start < end; start += STEP) {
    const stop = Math.min(end, start + STEP);
    o = decodeRange(text, start, stop, out, o);
    await pacer.breathe();
  }
  return out;
}

/** Whole groups of four in [start, stop) (stop is a multiple of 4 past `start` except at the end). */
function decodeRange(text: string, start: number, stop: number, out: Uint8Array, at: number): number {
  let o = at;
  let i = start;
  for (; i + 4 <= stop; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  const rest = stop - i;
  if (rest >= 2) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    out[o++] = (a << 2) | (b >> 4);
    if (rest === 3) {
      const c = sextet(text, i + 2);
      out[o++] = ((b & 15) << 4) | (c >> 2);
    }
  }
  return o;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? DECODE[code] : -1;
  if (value < 0) throw new Error(`invalid base64 character at ${index}`);
  return value;
}

function decodeBase64Sync(text: string): Uint8Array | undefined {
  const usable = text.length - (text.length % 4);
  const out = new Uint8Array((usable / 4) * 3);
  try {
    decodeRange(text, 0, usable, out, 0);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * `prefix` then the base64 of `bytes`, in slices, as one flat string (a string built of pieces would be copied
 * whole, in one go, the first time it is read).
 */
export async function encodeBase64(bytes: Uint8Array, pacer: Pacer, prefix = ''): Promise<string> {
  const head = new TextEncoder().encode(prefix);
  const out = new Uint8Array(head.length + Math.ceil(bytes.length / 3) * 4);
  out.set(head);
  let o = head.length;
  const whole = bytes.length - (bytes.length % 3);
  const step = STEP - (STEP % 3);
  for (let start = 0; start < whole; start += step) {
    const stop = Math.min(whole, start + step);
    for (let i = start; i < stop; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out[o++] = ENCODE[n >> 18];
      out[o++] = ENCODE[(n >> 12) & 63];
      out[o++] = ENCODE[(n >> 6) & 63];
      out[o++] = ENCODE[n & 63];
    }
    await pacer.breathe();
  }
  const rest = bytes.length - whole;
  if (rest > 0) {
    const n = (bytes[whole] << 16) | (rest === 2 ? bytes[whole + 1] << 8 : 0);
    out[o++] = ENCODE[n >> 18];
    out[o++] = ENCODE[(n >> 12) & 63];
    out[o++] = rest === 2 ? ENCODE[(n >> 6) & 63] : 0x3d;
    out[o++] = 0x3d;
  }
  // ASCII only, so this is a plain copy: a few milliseconds for the largest image.
  return new TextDecoder().decode(out);
}
