/**
 * The project instructions sent with every message (`AGENTS.md`, `.github/copilot-instructions.md`), one chip each
 * above the composer, so a repository's text never reaches the model unseen. A chip opens its file.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import type { InstructionsView } from '../../shared/protocol';
import { el, icon } from '../dom';

export class InstructionsChips {
  readonly element: HTMLElement;
  private shown = '';

  constructor(
    private readonly strings: PanelStrings,
    private readonly open: (path: string) => void,
  ) {
    this.element = el('ul', {
      className: 'attachment-list instructions-list',
      attrs: { id: 'project-instructions', 'aria-label': strings.projectInstructions },
    });
    this.element.hidden = true;
  }

  show(files: readonly InstructionsView[]): void {
    const key = JSON.stringify(files);
    if (key === this.shown) return;
    this.shown = key;
    this.element.replaceChildren(
      ...files.map((file) => {
        const note = file.truncated ? ` (${this.strings.projectInstructionsTruncated})` : '';
        const button = el(
          'button',
          {
            className: 'instructions-chip',
            attrs: {
              type: 'button',
              title: `${this.strings.projectInstructionsTitle}${note}`,
              'aria-label': `${this.strings.projectInstructions}: ${file.path}${note}`,
              'data-path': file.path,
            },
          },
          icon('book'),
          el('span', { text: file.path }),
          ...(file.truncated ? [icon('warning')] : []),
        );
        button.addEventListener('click', () => this.open(file.path));
        return el('li', { className: 'attachment-chip' }, button);
      }),
    );
    this.element.hidden = files.length === 0;
  }
}
