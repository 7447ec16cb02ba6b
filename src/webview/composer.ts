const MAX_HEIGHT_PX = 240;

import type { SendWith } from '../shared/protocol';

export interface ComposerCallbacks {
  /** Called with the text when the user asks to send; return false to keep the text in the box. */
  onSubmit(text: string): boolean;
  onDraftChange(text: string): void;
  /** The last message the user sent, for Up in an empty box. */
  lastSent(): string | undefined;
  /** Whether something besides text is attached (images, context): then the text may be empty. */
  hasAttachments?(): boolean;
  /** Sees each key first (the `#` completion): true when it took the key, which the composer then ignores. */
  interceptKey?(event: KeyboardEvent): boolean;
}

/**
 * The message box. Enter sends and Shift+Enter inserts a newline (or, with `sendWith: 'ctrlEnter'`, Enter inserts a
 * newline and Ctrl/Cmd+Enter sends); Ctrl/Cmd+Enter always sends. Enter that confirms an IME composition (Japanese,
 * Chinese, Korean input) never sends. Up in an empty box brings back the last message sent. It grows with its
 * content up to a limit.
 */
export class Composer {
  sendWith: SendWith = 'enter';

  constructor(
    readonly textarea: HTMLTextAreaElement,
    private readonly callbacks: ComposerCallbacks,
  ) {
    textarea.addEventListener('keydown', (event) => this.onKeyDown(event));
    textarea.addEventListener('input', () => {
      this.fit();
      callbacks.onDraftChange(textarea.value);
    });
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    this.textarea.value = value;
    this.fit();
  }

  /** Inserts `text` at the cursor (replacing a selection), on a line of its own; the rest of the draft stays. */
  insertAtCursor(text: string): void {
    const { value, selectionStart, selectionEnd } = this.textarea;
    const before = value.slice(0, selectionStart);
    const after = value.slice(selectionEnd);
    const lead = before.length > 0 && !before.endsWith('\n') ? '\n' : '';
    const trail = after.length > 0 && !text.endsWith('\n') ? '\n' : '';
    const inserted = lead + text + trail;
    this.text = before + inserted + after;
    const cursor = before.length + inserted.length;
    this.textarea.setSelectionRange(cursor, cursor);
    this.callbacks.onDraftChange(this.textarea.value);
  }

  focus(): void {
    this.textarea.focus();
  }

  submit(): void {
    const text = this.textarea.value;
    if (!text.trim() && !this.callbacks.hasAttachments?.()) return;
    if (this.callbacks.onSubmit(text)) {
      this.text = '';
      this.callbacks.onDraftChange('');
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (this.callbacks.interceptKey?.(event)) {
      event.preventDefault();
      return;
    }
    // keyCode 229 is what some browsers report for keys that an IME is still processing.
    if (event.isComposing || event.keyCode === 229) return;
    if (
      event.key === 'ArrowUp' &&
      !this.textarea.value &&
      !event.shiftKey &&
      !event.altKey &&
      !event.ctrlKey &&
      !event.metaKey
    ) {
      const last = this.callbacks.lastSent();
      if (!last) return;
      event.preventDefault();
      this.text = last;
      this.textarea.setSelectionRange(last.length, last.length);
      this.callbacks.onDraftChange(last);
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.altKey) return;
    const withModifier = event.ctrlKey || event.metaKey;
    if (!withModifier && this.sendWith === 'ctrlEnter') return;
    event.preventDefault();
    this.submit();
  }

  private fit(): void {
    const box = this.textarea;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, MAX_HEIGHT_PX)}px`;
    box.style.overflowY = box.scrollHeight > MAX_HEIGHT_PX ? 'auto' : 'hidden';
  }
}
