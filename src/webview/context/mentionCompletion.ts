/**
 * The `#` completion of the composer. Typing `#` lists what can be attached (`#file`, `#selection`, `#problems`,
 * `#changes`, `#editors`); `#file:` then lists workspace files whose path contains what follows (the host searches
 * them), and `:10-40` after a path asks for those lines. Choosing an entry takes the mention out of the text and
 * attaches it as a chip.
 *
 * The list is a listbox the composer controls (`aria-controls`, `aria-activedescendant`, `aria-autocomplete`): the
 * focus stays in the composer; ArrowUp/ArrowDown move through the options, Enter or Tab chooses, Escape closes it.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import {
  mentionAt,
  parseMentionQuery,
  rangeText,
  type ContextKind,
  type ContextRef,
  type FileMatch,
  type LineRange,
  type MentionToken,
} from '../../shared/contextRefs';
import { el, icon } from '../dom';

export interface MentionCompletionHost {
  /** The workspace files matching `query` (asked of the host; a newer query makes older answers moot). */
  findFiles(query: string): Promise<readonly FileMatch[]>;
  /** The user chose a mention: attach it (with the tokens it adds, when known). */
  choose(ref: ContextRef, tokens?: number): void;
}

interface Option {
  readonly label: string;
  readonly detail: string;
  readonly icon: string;
  readonly choose: () => void;
}

/** How long typing pauses before the host is asked for files (a search per keystroke would queue up). */
const SEARCH_DELAY_MS = 120;
const LIST_ID = 'mention-list';

export const CONTEXT_ICONS: Readonly<Record<ContextKind, string>> = {
  file: 'file',
  selection: 'list-selection',
  problems: 'warning',
  changes: 'git-compare',
  editors: 'files',
};

export class MentionCompletion {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly status: HTMLElement;
  private options: Option[] = [];
  private active = -1;
  private token: MentionToken | undefined;
  /** Escape closed the list for the mention that starts here (it opens again for another one). */
  private dismissedAt: number | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private searchSeq = 0;
  private lastFileQuery: string | undefined;
  private files: readonly FileMatch[] | undefined;

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly strings: PanelStrings,
    private readonly host: MentionCompletionHost,
  ) {
    this.list = el('ul', { attrs: { id: LIST_ID, role: 'listbox', 'aria-label': strings.mentionListLabel } });
    this.status = el('div', { className: 'mention-status', attrs: { role: 'status' } });
    this.element = el('div', { className: 'mention-popup' }, this.list, this.status);
    this.element.hidden = true;
    // An option is chosen by a click without taking the focus from the composer.
    this.list.addEventListener('mousedown', (event) => event.preventDefault());
    this.list.addEventListener('click', (event) => {
      const item = (event.target as Element).closest<HTMLElement>('[role="option"]');
      const index = item ? Number(item.dataset.index) : -1;
      this.options[index]?.choose();
    });
    textarea.setAttribute('aria-autocomplete', 'list');
    textarea.addEventListener('input', () => this.update());
    textarea.addEventListener('click', () => this.update());
    textarea.addEventListener('blur', () => this.close());
    textarea.addEventListener('keyup', (event) => {
      if (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'Home' || event.key === 'End')
        this.update();
    });
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /**
   * A key pressed in the composer, before the composer's own handling: true when the completion took it (the
   * composer then ignores it).
   */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen || event.isComposing || event.keyCode === 229) return false;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (this.options.length === 0) return false;
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.setActive((this.active + step + this.options.length) % this.options.length);
        return true;
      }
      case 'Enter':
      case 'Tab': {
        if (event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return false;
        const option = this.options[this.active];
        if (!option) return false;
        option.choose();
        return true;
      }
      case 'Escape':
        this.dismissedAt = this.token?.start;
        this.close();
        return true;
      default:
        return false;
    }
  }

  /** Reads the mention at the cursor and shows what fits it (or closes the list). */
  update(): void {
    const { value, selectionStart, selectionEnd } = this.textarea;
    const token = selectionStart === selectionEnd ? mentionAt(value, selectionStart) : undefined;
    if (this.dismissedAt !== undefined && token?.start !== this.dismissedAt) this.dismissedAt = undefined;
    const query = token ? parseMentionQuery(token.query) : undefined;
    if (!token || !query || token.start === this.dismissedAt) return this.close();
    this.token = token;
    if (query.mode === 'kind') {
      this.show(
        query.kinds.map((kind) => ({
          label: `#${kind}`,
          detail: this.describe(kind),
          icon: CONTEXT_ICONS[kind],
          choose: () => (kind === 'file' ? this.startFileSearch(token) : this.finish(token, { kind }, undefined)),
        })),
      );
      return;
    }
    this.searchFiles(token, query.path, query.range);
  }

  close(): void {
    this.token = undefined;
    this.options = [];
    this.active = -1;
    this.element.hidden = true;
    this.list.replaceChildren();
    this.textarea.removeAttribute('aria-activedescendant');
    this.textarea.removeAttribute('aria-controls');
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = undefined;
    this.lastFileQuery = undefined;
    this.files = undefined;
  }

  private describe(kind: ContextKind): string {
    const details: Record<ContextKind, string> = {
      file: this.strings.mentionFile,
      selection: this.strings.mentionSelection,
      problems: this.strings.mentionProblems,
      changes: this.strings.mentionChanges,
      editors: this.strings.mentionEditors,
    };
    return details[kind];
  }

  /** `#file` chosen from the list: the mention becomes `#file:` and the files are listed. */
  private startFileSearch(token: MentionToken): void {
    this.replace(token, '#file:');
  }

  private searchFiles(token: MentionToken, path: string, range: LineRange | undefined): void {
    const toOption = (file: FileMatch): Option => ({
      label: `${basename(file.path)}${range ? `:${rangeText(range)}` : ''}`,
      detail: file.path,
      icon: 'file',
      choose: () => this.finish(token, { kind: 'file', path: file.path, ...(range ? { range } : {}) }, file.tokens),
    });
    if (this.files && this.lastFileQuery === path) {
      this.show(this.files.map(toOption), this.files.length === 0 ? this.strings.mentionNoFiles : '');
      return;
    }
    this.lastFileQuery = path;
    this.files = undefined;
    // Keep showing the last answer while the next one is on its way.
    if (this.element.hidden || this.options.length === 0) this.show([], this.strings.mentionSearching);
    if (this.searchTimer) clearTimeout(this.searchTimer);
    const seq = ++this.searchSeq;
    this.searchTimer = setTimeout(() => {
      this.searchTimer = undefined;
      void this.host.findFiles(path).then((files) => {
        if (seq !== this.searchSeq || this.lastFileQuery !== path || !this.token) return;
        this.files = files;
        this.update();
      });
    }, SEARCH_DELAY_MS);
  }

  private show(options: Option[], status = ''): void {
    const previous = this.options[this.active]?.label;
    this.options = options;
    this.list.replaceChildren(
      ...options.map((option, index) =>
        el(
          'li',
          {
            className: 'mention-option',
            attrs: { id: `${LIST_ID}-${index}`, role: 'option', 'aria-selected': 'false', 'data-index': String(index) },
          },
          icon(option.icon),
          el('span', { className: 'mention-label', text: option.label }),
          el('span', { className: 'mention-detail', text: option.detail }),
        ),
      ),
    );
    this.list.hidden = options.length === 0;
    this.status.textContent = status;
    this.status.hidden = status === '';
    this.element.hidden = false;
    this.textarea.setAttribute('aria-controls', LIST_ID);
    const keep = options.findIndex((option) => option.label === previous);
    this.setActive(options.length === 0 ? -1 : Math.max(0, keep));
  }

  private setActive(index: number): void {
    this.active = index;
    for (const [at, item] of [...this.list.children].entries())
      item.setAttribute('aria-selected', String(at === index));
    const item = index >= 0 ? this.list.children[index] : undefined;
    if (item) {
      this.textarea.setAttribute('aria-activedescendant', item.id);
      item.scrollIntoView?.({ block: 'nearest' });
    } else this.textarea.removeAttribute('aria-activedescendant');
  }

  /** The mention leaves the text (with one space around it at most) and becomes a chip. */
  private finish(token: MentionToken, ref: ContextRef, tokens: number | undefined): void {
    const { value } = this.textarea;
    const before = value.slice(0, token.start);
    const after = value.slice(token.end);
    const joined = before.endsWith(' ') && after.startsWith(' ') ? after.slice(1) : after;
    this.setText(before + joined, before.length);
    this.close();
    this.host.choose(ref, tokens);
  }

  private replace(token: MentionToken, text: string): void {
    const { value } = this.textarea;
    this.setText(value.slice(0, token.start) + text + value.slice(token.end), token.start + text.length);
  }

  /** Changes the text as typing would (the composer and the draft's memory hear of it). */
  private setText(value: string, cursor: number): void {
    this.textarea.value = value;
    this.textarea.setSelectionRange(cursor, cursor);
    this.textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
