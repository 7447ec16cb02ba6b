/**
 * What an image really is, from its first bytes (never from its name): the four types the Chat Completions API takes.
 * Pure; used by the panel before it decodes a file and by the host before it sends one.
 */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** How many leading bytes `sniffImageType` needs. */
export const SNIFF_LENGTH = 16;

export function sniffImageType(bytes: Uint8Array): ImageMime | undefined {
  const at = (offset: number, ...values: number[]) => values.every((value, index) => bytes[offset + index] === value);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  // RIFF....WEBP
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

/** Whether the bytes look like SVG (XML text that opens an `<svg` element), which is refused with its own message. */
export function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 1024))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return (
    head.startsWith('<svg') ||
    ((head.startsWith('<?xml') || head.startsWith('<!doctype svg') || head.startsWith('<!--')) && head.includes('<svg'))
  );
}

/**
 * The largest image file read and decoded for attaching (the host reads no more of a file; the panel does not read a
 * pasted or dropped file that is larger). Downscaling makes what is sent much smaller.
 */
export const MAX_SOURCE_IMAGE_BYTES = 50 * 1024 * 1024;

/**
 * The most pixels an image may have to be decoded at all (8192×8192; an 8K screenshot has half as many). A decoder
 * holds 4 bytes a pixel: a few kilobytes of PNG that claim 100,000×100,000 pixels (a "pixel bomb") would ask for 40 GB.
 */
export const MAX_DECODE_PIXELS = 8192 * 8192;

/**
 * The size an image says it has, read from its header before anything is decoded: PNG's IHDR, a JPEG's frame header
 * (SOFn), GIF's logical screen, WebP's VP8, VP8L or VP8X header. Undefined when the header cannot be read.
 */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fits = (offset: number, length: number) => offset + length <= bytes.length;
  switch (sniffImageType(bytes)) {
    case 'image/png':
      return fits(16, 8) ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined;
    case 'image/gif':
      return fits(6, 4) ? { width: view.getUint16(6, true), height: view.getUint16(8, true) } : undefined;
    case 'image/webp':
      return webpDimensions(bytes, view);
    case 'image/jpeg':
      return jpegDimensions(bytes, view);
    case undefined:
      return undefined;
  }
}

function webpDimensions(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8 ' && bytes.length >= 30 && view.getUint8(23) === 0x9d && view.getUint8(24) === 0x01) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25 && view.getUint8(20) === 0x2f) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const read24 = (offset: number) =>
      view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getUint8(offset + 2) << 16);
    return { width: read24(24) + 1, height: read24(27) + 1 };
  }
  return undefined;
}

/** Walks a JPEG's marker segments to the first frame header (SOF0–SOF15 but DHT, JPG and DAC). */
function jpegDimensions(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    at += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // no length
    if (marker === 0xd9 || marker === 0xda) return undefined; // the image data, or its end, before any frame header
    const length = view.getUint16(at);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame)
      return at + 7 <= bytes.length ? { width: view.getUint16(at + 5), height: view.getUint16(at + 3) } : undefined;
    if (length < 2) return undefined;
    at += length;
  }
  return undefined;
}

/** The width and height in a PNG's IHDR chunk, when the bytes are a PNG. */
export function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (sniffImageType(bytes) !== 'image/png' || bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,/;

/** The declared type and the first bytes of a base64 image data URL (decoding only its head). */
export function dataUrlHead(url: string, length = 32): { mime: string; bytes: Uint8Array } | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  // Whole 4-character groups only, so a prefix of the base64 decodes on its own.
  const base64 = url.slice(match[0].length, match[0].length + Math.ceil(length / 3) * 4);
  try {
    return { mime: match[1], bytes: base64ToBytes(base64) };
  } catch {
    return undefined;
  }
}

/** Whether a data URL's bytes are the type it declares (a renamed or forged image is not). */
export function dataUrlMatchesType(url: string): boolean {
  const head = dataUrlHead(url);
  return head !== undefined && sniffImageType(head.bytes) === head.mime;
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let index = 0; index < bytes.length; index += chunk)
    binary += String.fromCharCode(...bytes.subarray(index, index + chunk));
  return btoa(binary);
}

/** "1.2 MB", "340 KB": a size for a message. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
