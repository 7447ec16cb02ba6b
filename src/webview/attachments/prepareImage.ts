/**
 * Gets an image ready to send, in the panel with a canvas (no native code): check its size, its type by content and
 * the pixels its header claims, then decode it, scale it down (never up) to the limits, re-encode it (which drops its
 * metadata) and check its size.
 */
import { fitImage, type ImageDetail } from '../../shared/imageSizing';
import {
  bytesToBase64,
  imageDimensions,
  looksLikeSvg,
  MAX_DECODE_PIXELS,
  MAX_SOURCE_IMAGE_BYTES,
  sniffImageType,
  type ImageMime,
} from '../../shared/imageSniff';
import type { ImageLimits } from '../../shared/protocol';

export interface PreparedImage {
  /** A `data:image/…;base64,` URL of the bytes to send. */
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly byteLength: number;
}

export type Refusal =
  | { readonly reason: 'svg' | 'unsupported' | 'undecodable' }
  /** The result, after downscaling, is still over the limit of what is sent. */
  | { readonly reason: 'tooLarge'; readonly byteLength: number; readonly maxBytes: number }
  /** The file itself is over the limit of what is read and decoded (refused before decoding). */
  | { readonly reason: 'fileTooLarge'; readonly byteLength: number; readonly maxBytes: number }
  /** The header claims more pixels than may be decoded (a pixel bomb; refused before decoding). */
  | { readonly reason: 'tooManyPixels'; readonly width: number; readonly height: number; readonly maxPixels: number };

export type PrepareResult = { readonly ok: true; readonly image: PreparedImage } | ({ readonly ok: false } & Refusal);

const JPEG_QUALITY = 0.9;

export async function prepareImage(
  bytes: Uint8Array,
  limits: ImageLimits,
  detail: ImageDetail,
): Promise<PrepareResult> {
  if (bytes.byteLength > MAX_SOURCE_IMAGE_BYTES) {
    return { ok: false, reason: 'fileTooLarge', byteLength: bytes.byteLength, maxBytes: MAX_SOURCE_IMAGE_BYTES };
  }
  const mime = sniffImageType(bytes);
  if (!mime) return { ok: false, reason: looksLikeSvg(bytes) ? 'svg' : 'unsupported' };
  // What the header claims decides whether it is decoded at all: the decoder would allocate for every pixel.
  const claimed = imageDimensions(bytes);
  if (!claimed || claimed.width === 0 || claimed.height === 0) return { ok: false, reason: 'undecodable' };
  if (claimed.width * claimed.height > MAX_DECODE_PIXELS) {
    return { ok: false, reason: 'tooManyPixels', ...claimed, maxPixels: MAX_DECODE_PIXELS };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes.slice()], { type: mime }));
  } catch {
    return { ok: false, reason: 'undecodable' };
  }
  try {
    const size = fitImage({ width: bitmap.width, height: bitmap.height }, limits, detail);
    const resized = size.width !== bitmap.width || size.height !== bitmap.height;
    // An unscaled GIF or WebP is sent as it is (a GIF may be animated); everything else is drawn again.
    const output =
      !resized && (mime === 'image/gif' || mime === 'image/webp') ? { bytes, mime } : await redraw(bitmap, size, mime);
    if (!output) return { ok: false, reason: 'undecodable' };
    if (output.bytes.byteLength > limits.maxBytes)
      return { ok: false, reason: 'tooLarge', byteLength: output.bytes.byteLength, maxBytes: limits.maxBytes };
    return {
      ok: true,
      image: {
        url: `data:${output.mime};base64,${bytesToBase64(output.bytes)}`,
        width: size.width,
        height: size.height,
        byteLength: output.bytes.byteLength,
      },
    };
  } finally {
    bitmap.close();
  }
}

/** PNG stays PNG (screenshots keep sharp text), JPEG stays JPEG; GIF and WebP become PNG. */
async function redraw(
  bitmap: ImageBitmap,
  size: { width: number; height: number },
  mime: ImageMime,
): Promise<{ bytes: Uint8Array; mime: ImageMime } | undefined> {
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  const type = mime === 'image/jpeg' ? 'image/jpeg' : 'image/png';
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, JPEG_QUALITY));
  if (!blob) return undefined;
  return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: type };
}
