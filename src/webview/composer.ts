const MAX_HEIGHT_PX = 240;

export interface ComposerCallbacks {
  /** Called with the text when the user asks to send; return false to keep the text in the box. */
  onSubmit(text: string): boolean;
  onDraftChange(text: string): void;
}

/**
 * The message box: Enter sends, Shift+Enter inserts a newline, and Enter that confirms an IME composition (Japanese,
 * Chinese, Korean input) never sends. It grows with its content up to a limit.
 */
export class Composer {
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

  focus(): void {
    this.textarea.focus();
  }

  submit(): void {
    const text = this.textarea.value;
    if (!text.trim()) return;
    if (this.callbacks.onSubmit(text)) {
      this.text = '';
      this.callbacks.onDraftChange('');
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    // keyCode 229 is what some browsers report for keys that an IME is still processing.
    if (event.isComposing || event.keyCode === 229) return;
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
