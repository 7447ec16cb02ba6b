/**
 * The `#`-mentions attached to the message being written: one chip each above the composer (what it names, a button
 * to remove it), and the reasons the host gave when it could not read one of them (the message then stays).
 */
import type { PanelStrings } from '../../shared/panelStrings';
import {
  MAX_CONTEXT_REFS,
  mentionOf,
  rangeText,
  sameContextRef,
  type ContextKind,
  type ContextRef,
  type LineRange,
} from '../../shared/contextRefs';
import type { ContextItemView } from '../../shared/protocol';
import { el, icon } from '../dom';
import { CONTEXT_ICONS } from '../context/mentionCompletion';

interface Chip {
  readonly ref: ContextRef;
  /** What it adds to the request, when known (a file's size). */
  readonly tokens?: number;
}

/** Kept in webview state, so the chips survive the panel being hidden or reloaded. */
export interface KeptContextChip {
  readonly ref: ContextRef;
  readonly tokens?: number;
}

export const OPEN_CONTEXT_EVENT = 'gateway-chat-open-context-file';

export interface OpenContextDetail {
  readonly path: string;
  readonly range?: { readonly start: number; readonly end: number };
}

export class ContextChips {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly chips: Chip[] = [];
  /** Called with the chips whenever they change. */
  onChange: (chips: KeptContextChip[]) => void = () => undefined;

  constructor(private readonly strings: PanelStrings) {
    this.list = el('ul', {
      className: 'attachment-list context-list',
      attrs: { 'aria-label': strings.attachedContext },
    });
    this.problems = el('div', { className: 'attachment-problems', attrs: { role: 'alert' } });
    this.element = el('div', { className: 'attachments context-attachments' }, this.problems, this.list);
    this.render();
  }

  get count(): number {
    return this.chips.length;
  }

  /** The estimated tokens of the chips whose size is known. */
  get tokens(): number {
    return this.chips.reduce((sum, chip) => sum + (chip.tokens ?? 0), 0);
  }

  refs(): ContextRef[] {
    return this.chips.map((chip) => chip.ref);
  }

  /** Attaches `ref` (once: the same file and lines again is the chip already there). */
  add(ref: ContextRef, tokens?: number): void {
    this.problems.replaceChildren();
    if (this.chips.some((chip) => sameContextRef(chip.ref, ref))) return;
    if (this.chips.length >= MAX_CONTEXT_REFS)
      return this.showProblems([`${mentionOf(ref)} ${this.strings.contextTooMany} (${MAX_CONTEXT_REFS})`]);
    this.chips.push(tokens === undefined ? { ref } : { ref, tokens });
    this.render();
  }

  clear(): void {
    this.chips.splice(0);
    this.problems.replaceChildren();
    this.render();
  }

  /** The host could not read some of them: say which and why (the chips stay, to be removed or sent again). */
  showProblems(lines: readonly string[]): void {
    this.problems.replaceChildren(
      ...lines.map((text) => {
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
        return line;
      }),
    );
  }

  private render(): void {
    this.list.replaceChildren(...this.chips.map((chip) => this.renderChip(chip)));
    this.list.hidden = this.chips.length === 0;
    this.onChange(this.chips.map((chip) => ({ ...chip })));
  }

  private renderChip(chip: Chip): HTMLElement {
    const mention = mentionOf(chip.ref);
    const remove = el(
      'button',
      {
        className: 'attachment-remove',
        attrs: {
          type: 'button',
          title: this.strings.removeContext,
          'aria-label': `${this.strings.removeContext}: ${mention}`,
        },
      },
      icon('close'),
    );
    remove.addEventListener('click', () => {
      const index = this.chips.indexOf(chip);
      if (index >= 0) this.chips.splice(index, 1);
      this.render();
      // The focus goes back to the message, not to the page's top.
      document.querySelector<HTMLTextAreaElement>('textarea#composer')?.focus();
    });
    return el(
      'li',
      {
        className: 'attachment-chip context-chip',
        attrs: { 'aria-label': mention, title: mention, 'data-kind': chip.ref.kind },
      },
      icon(CONTEXT_ICONS[chip.ref.kind]),
      el('span', { className: 'context-label', text: chipText(chip.ref) }),
      remove,
    );
  }
}

/** What a chip says: a file's name and lines (its path is the tooltip), or the mention. */
export function chipText(ref: {
  readonly kind: ContextKind;
  readonly path?: string;
  readonly range?: LineRange;
}): string {
  if (ref.kind !== 'file' || !ref.path) return `#${ref.kind}`;
  const name = ref.path.slice(ref.path.lastIndexOf('/') + 1);
  return ref.range ? `${name}:${rangeText(ref.range)}` : name;
}

/**
 * The chips of a sent message: what was attached, each a button that opens its file (at its lines) when it has one.
 * The buttons dispatch `OPEN_CONTEXT_EVENT` (bubbling), so the message needs no callback.
 */
export function messageContextChips(items: readonly ContextItemView[], strings: PanelStrings): HTMLElement {
  const list = el('ul', {
    className: 'attachment-list message-context',
    attrs: { 'aria-label': strings.attachedContext },
  });
  for (const item of items) {
    const content = [
      icon(CONTEXT_ICONS[item.kind]),
      el('span', { className: 'context-label', text: item.kind === 'file' ? chipText(item) : item.label }),
    ];
    const path = item.path;
    if (path) {
      const open = el(
        'button',
        {
          className: 'context-open',
          attrs: { type: 'button', title: `${strings.openContextFile}: ${item.label}`, 'aria-label': item.label },
        },
        ...content,
      );
      open.addEventListener('click', () =>
        open.dispatchEvent(
          new CustomEvent<OpenContextDetail>(OPEN_CONTEXT_EVENT, {
            bubbles: true,
            detail: { path, ...(item.range ? { range: item.range } : {}) },
          }),
        ),
      );
      list.append(el('li', { className: 'attachment-chip context-chip', attrs: { 'data-kind': item.kind } }, open));
    } else {
      list.append(
        el(
          'li',
          { className: 'attachment-chip context-chip', attrs: { 'data-kind': item.kind, title: item.label } },
          ...content,
        ),
      );
    }
  }
  return list;
}
