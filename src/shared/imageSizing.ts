/** How big an image is sent, and roughly what it costs. Pure. */

import type { ImageDetail } from './protocol';

export type { ImageDetail };

export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The size an image is sent at: scaled down (never up) so its longest side is at most `maxLongSide` and, for
 * `detail: high`, its short side at most `maxShortSideHigh`. Aspect ratio kept; each side at least 1 px.
 */
export function fitImage(
  size: Size,
  limits: { readonly maxLongSide: number; readonly maxShortSideHigh: number },
  detail: ImageDetail,
): Size {
  const long = Math.max(size.width, size.height);
  const short = Math.min(size.width, size.height);
  let scale = Math.min(1, limits.maxLongSide / long);
  if (detail === 'high') scale = Math.min(scale, limits.maxShortSideHigh / short);
  if (scale >= 1) return { width: size.width, height: size.height };
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

/**
 * OpenAI's published estimate of an image's prompt tokens: `low` is 85; `high` and `auto` are 85 + 170 per 512-px
 * tile after the image is scaled to fit 2048×2048 and then its short side to 768.
 */
export function estimateImageTokens(size: Size, detail: ImageDetail): number {
  if (detail === 'low') return 85;
  let { width, height } = size;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shortFit = Math.min(1, 768 / Math.min(width, height));
  width *= shortFit;
  height *= shortFit;
  const tiles = Math.ceil(width / 512) * Math.ceil(height / 512);
  return 85 + 170 * tiles;
}
