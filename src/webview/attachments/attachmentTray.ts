/**
 * The images attached to the message being written: one chip each above the composer (thumbnail, size, detail
 * choice, estimated tokens, remove), and the reasons for the files that were refused.
 */
import { estimateImageTokens, type ImageDetail } from '../../shared/imageSizing';
import { formatBytes, MAX_SOURCE_IMAGE_BYTES } from '../../shared/imageSniff';
import type { PanelStrings } from '../../shared/panelStrings';
import type { ImageLimits, OutgoingImage } from '../../shared/protocol';
import { el, icon } from '../dom';
import { prepareImage, type PreparedImage, type Refusal } from './prepareImage';
import { describeImage } from './messageImages';

export interface ImageSource {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly detail?: ImageDetail;
  /** Set, with the file's size, when the file was too large to be read at all (`bytes` is then empty). */
  readonly unreadSize?: number;
}

interface Chip {
  readonly source: ImageSource;
  detail: ImageDetail;
  prepared: PreparedImage;
  readonly element: HTMLElement;
}

const DETAILS: readonly ImageDetail[] = ['auto', 'low', 'high'];
export const FALLBACK_LIMITS: ImageLimits = {
  maxLongSide: 2048,
  maxShortSideHigh: 768,
  maxBytes: 20 * 1024 * 1024,
  maxCount: 10,
};

export class AttachmentTray {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly chips: Chip[] = [];
  private working = 0;
  limits: ImageLimits = FALLBACK_LIMITS;
  /** Called with the attached images whenever they change (added, removed, another detail, cleared). */
  onChange: (images: OutgoingImage[]) => void = () => undefined;

  constructor(private readonly strings: PanelStrings) {
    this.list = el('ul', { className: 'attachment-list', attrs: { 'aria-label': strings.attachedImages } });
    this.problems = el('div', { className: 'attachment-problems', attrs: { role: 'alert' } });
    this.element = el('div', { className: 'attachments' }, this.problems, this.list);
    this.render();
  }

  get count(): number {
    return this.chips.length;
  }

  /** True while images are still being prepared: the message waits for them. */
  get busy(): boolean {
    return this.working > 0;
  }

  images(): OutgoingImage[] {
    return this.chips.map(({ prepared, detail, source }) => ({
      url: prepared.url,
      detail,
      width: prepared.width,
      height: prepared.height,
      name: source.name,
    }));
  }

  clear(): void {
    this.chips.splice(0);
    this.problems.replaceChildren();
    this.render();
  }

  /** Prepares and attaches each image, in order; refused ones are listed with the reason. */
  async add(sources: readonly ImageSource[]): Promise<void> {
    this.problems.replaceChildren();
    this.working += 1;
    try {
      for (const source of sources) {
        if (this.chips.length >= this.limits.maxCount) {
          this.problem(`${source.name}: ${this.strings.imageTooMany} (${this.limits.maxCount})`);
          continue;
        }
        const detail = source.detail ?? 'auto';
        const result =
          source.unreadSize !== undefined
            ? ({
                ok: false,
                reason: 'fileTooLarge',
                byteLength: source.unreadSize,
                maxBytes: MAX_SOURCE_IMAGE_BYTES,
              } as const)
            : await prepareImage(source.bytes, this.limits, detail);
        if (!result.ok) {
          this.problem(`${source.name}: ${this.refusalText(result)}`);
          continue;
        }
        const chip: Chip = {
          source,
          detail,
          prepared: result.image,
          element: el('li', { className: 'attachment-chip' }),
        };
        this.chips.push(chip);
        this.renderChip(chip);
      }
    } finally {
      this.working -= 1;
      this.render();
    }
  }

  private refusalText(refusal: Refusal): string {
    switch (refusal.reason) {
      case 'svg':
        return this.strings.imageSvgRefused;
      case 'unsupported':
        return this.strings.imageUnsupported;
      case 'undecodable':
        return this.strings.imageUndecodable;
      case 'tooLarge':
        return `${this.strings.imageTooLarge} (${formatBytes(refusal.byteLength)} > ${formatBytes(refusal.maxBytes)})`;
      case 'fileTooLarge':
        return `${this.strings.imageFileTooLarge} (${formatBytes(refusal.byteLength)} > ${formatBytes(refusal.maxBytes)})`;
      case 'tooManyPixels': {
        const megapixels = (pixels: number) => `${Math.round(pixels / 1_000_000)} MP`;
        return `${this.strings.imageTooManyPixels} (${refusal.width}×${refusal.height}, ${megapixels(refusal.width * refusal.height)} > ${megapixels(refusal.maxPixels)})`;
      }
    }
  }

  private problem(text: string): void {
    const dismiss = el(
      'button',
      {
        className: 'attachment-dismiss',
        attrs: { type: 'button', title: this.strings.dismiss, 'aria-label': this.strings.dismiss },
      },
      icon('close'),
    );
    const line = el('div', { className: 'attachment-problem' }, icon('warning'), el('span', { text }), dismiss);
    dismiss.addEventListener('click', () => line.remove());
    this.problems.append(line);
  }

  private renderChip(chip: Chip): void {
    const { prepared, source } = chip;
    const label = describeImage({ name: source.name, width: prepared.width, height: prepared.height }, this.strings);
    const select = el('select', {
      className: 'attachment-detail',
      attrs: { 'aria-label': `${this.strings.imageDetail}: ${source.name}`, title: this.strings.imageDetail },
    });
    const names: Record<ImageDetail, string> = {
      auto: this.strings.imageDetailAuto,
      low: this.strings.imageDetailLow,
      high: this.strings.imageDetailHigh,
    };
    for (const detail of DETAILS) select.append(el('option', { text: names[detail], attrs: { value: detail } }));
    select.value = chip.detail;
    select.addEventListener('change', () => void this.changeDetail(chip, select.value as ImageDetail));
    const remove = el(
      'button',
      {
        className: 'attachment-remove',
        attrs: {
          type: 'button',
          title: this.strings.removeImage,
          'aria-label': `${this.strings.removeImage}: ${source.name}`,
        },
      },
      icon('close'),
    );
    remove.addEventListener('click', () => {
      const index = this.chips.indexOf(chip);
      if (index >= 0) this.chips.splice(index, 1);
      this.render();
    });
    const tokens = estimateImageTokens(prepared, chip.detail);
    chip.element.replaceChildren(
      el('img', { className: 'attachment-thumb', attrs: { src: prepared.url, alt: label } }),
      el('span', { className: 'attachment-size', text: `${prepared.width}×${prepared.height}` }),
      select,
      el('span', {
        className: 'attachment-tokens',
        text: `≈${tokens} ${this.strings.tokens}`,
        attrs: { title: this.strings.imageTokensEstimate },
      }),
      remove,
    );
    chip.element.setAttribute('aria-label', label);
    chip.element.dataset.width = String(prepared.width);
    chip.element.dataset.height = String(prepared.height);
  }

  /** `high` may need a smaller image (its short side has a limit): the original is prepared again. */
  private async changeDetail(chip: Chip, detail: ImageDetail): Promise<void> {
    this.working += 1;
    try {
      const result = await prepareImage(chip.source.bytes, this.limits, detail);
      if (!result.ok) {
        this.problem(`${chip.source.name}: ${this.refusalText(result)}`);
      } else {
        chip.detail = detail;
        chip.prepared = result.image;
        this.onChange(this.images());
      }
      this.renderChip(chip);
    } finally {
      this.working -= 1;
    }
  }

  private render(): void {
    this.list.replaceChildren(...this.chips.map((chip) => chip.element));
    this.list.hidden = this.chips.length === 0;
    this.onChange(this.images());
  }
}
