/**
 * The thumbnails of a sent user message, each with a button that attaches it again to the message being written.
 * The button dispatches `REATTACH_EVENT` (bubbling) with the image, so the conversation view needs no callback.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import { isImageDataUrl, isStoredImageView, type ImageView } from '../../shared/protocol';
import { el, icon } from '../dom';

export const REATTACH_EVENT = 'gateway-chat-reattach-image';

export function messageImages(images: readonly ImageView[], strings: PanelStrings): HTMLElement {
  const list = el('div', { className: 'message-images' });
  for (const image of images) {
    // Only the user's own images: data URLs, or the files the host stored them in (the CSP lets nothing else load).
    if (!isStoredImageView(image) && !isImageDataUrl(image.url)) continue;
    const label = describeImage(image, strings);
    const reattach = el(
      'button',
      {
        className: 'image-reattach',
        attrs: { type: 'button', title: strings.reattachImage, 'aria-label': `${strings.reattachImage}: ${label}` },
      },
      icon('add'),
    );
    reattach.addEventListener('click', () =>
      reattach.dispatchEvent(new CustomEvent<ImageView>(REATTACH_EVENT, { bubbles: true, detail: image })),
    );
    list.append(
      el(
        'figure',
        { className: 'message-image' },
        el('img', { attrs: { src: image.url, alt: label } }),
        el('figcaption', { text: image.width && image.height ? `${image.width}×${image.height}` : '' }),
        reattach,
      ),
    );
  }
  return list;
}

export function describeImage(image: Pick<ImageView, 'name' | 'width' | 'height'>, strings: PanelStrings): string {
  const size = image.width && image.height ? ` ${image.width}×${image.height}` : '';
  return `${image.name ?? strings.image}${size}`;
}
