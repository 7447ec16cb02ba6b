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
