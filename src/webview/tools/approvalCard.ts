/**
 * The card that asks the user about one tool call: what will happen in plain words, the exact command or path, a
 * preview of an edit (a unified diff, its added and removed lines coloured), and Allow once / Allow for this
 * conversation / Deny. A click decides once: the buttons are disabled at once (a double click sends one decision)
 * and the card says "Allowed" or "Declined" until the host takes it away.
 *
 * Escape does nothing here: nothing destructive is ever mapped to a key the user may press to get out of the way.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import type { ApprovalDecisionView, ApprovalView } from '../../shared/protocol';
import { el, icon } from '../dom';
import { appendVisibleText } from '../markdown/invisibleCharacters';
import { fill, KIND_ICONS } from './toolCallRow';

/** The most characters of the exact command or path that the announcement reads out. */
const MAX_SPOKEN_DETAIL = 200;

let nextId = 0;

/** What a screen reader hears when the card appears: "Gateway Chat asks: Run a command…: npm test. Allow once…". */
export function approvalAnnouncement(approval: ApprovalView, strings: PanelStrings): string {
  const detail = approval.detail?.trim() ?? '';
  const spoken = detail.length > MAX_SPOKEN_DETAIL ? `${detail.slice(0, MAX_SPOKEN_DETAIL)}…` : detail;
  const what = (spoken ? `${approval.title}: ${spoken}` : approval.title).replace(/[.。]+$/, '');
  const choices = approval.canAllowForConversation ? strings.approvalChoices : strings.approvalChoicesOnce;
  return `${fill(strings.approvalAsks, what)} ${choices}`;
}

/**
 * The preview as code: a unified diff (it has a `@@` hunk header) line by line, each run of added, removed, hunk or
 * header lines in one block element; anything else (the start of a new file) as it is.
 */
export function previewCode(preview: string): HTMLElement {
  const code = el('code');
  const lines = preview.split('\n');
  if (!lines.some((line) => line.startsWith('@@'))) {
    appendVisibleText(code, preview);
    return code;
  }
  code.classList.add('diff');
  let run: string[] = [];
  let kind = '';
  const flush = () => {
    if (run.length === 0) return;
    const block = el('span', { className: kind ? `diff-line diff-${kind}` : 'diff-line' });
    appendVisibleText(block, run.join('\n'));
    code.append(block);
    run = [];
  };
  for (const line of lines) {
    const lineKind = diffLineKind(line);
    if (lineKind !== kind) {
      flush();
      kind = lineKind;
    }
    run.push(line);
  }
  flush();
  return code;
}

function diffLineKind(line: string): string {
  if (line.startsWith('+++ ') || line.startsWith('--- ') || /^(?:diff|index) /.test(line)) return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return '';
}

export class ApprovalCard {
  readonly element: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private readonly status: HTMLElement;
  private decision: ApprovalDecisionView | undefined;

  constructor(
    readonly approval: ApprovalView,
    private readonly strings: PanelStrings,
    decided: ApprovalDecisionView | undefined,
    onDecide: (decision: ApprovalDecisionView) => void,
  ) {
    const id = `approval-${++nextId}`;
    const choices: [ApprovalDecisionView, string, string][] = [['allowOnce', strings.allowOnce, '']];
    if (approval.canAllowForConversation)
      choices.push(['allowForConversation', strings.allowForConversation, 'secondary']);
    choices.push(['deny', strings.deny, 'secondary']);
    this.buttons = choices.map(([decision, label, className]) => {
      const button = el('button', {
        className: `approval-button ${className}`.trim(),
        text: label,
        attrs: { type: 'button', 'data-decision': decision },
      });
      button.addEventListener('click', () => {
        if (this.decision) return;
        this.decided(decision);
        onDecide(decision);
      });
      return button;
    });
    const title = el('span', { attrs: { id: `${id}-title` } });
    appendVisibleText(title, approval.title);
    const parts: HTMLElement[] = [
      el('div', { className: 'approval-title' }, icon(KIND_ICONS[approval.kind] ?? 'tools'), title),
    ];
    if (approval.detail) {
      const detail = el('code');
      appendVisibleText(detail, approval.detail);
      parts.push(el('pre', { className: 'approval-detail', attrs: { id: `${id}-detail` } }, detail));
    }
    if (approval.preview) {
      parts.push(
        el(
          'pre',
          {
            className: 'approval-preview',
            // Scrollable, so it can be scrolled from the keyboard too.
            attrs: { tabindex: '0', role: 'region', 'aria-label': strings.approvalPreview },
          },
          previewCode(approval.preview),
        ),
      );
    }
    this.status = el('div', { className: 'approval-status', attrs: { role: 'status' } });
    this.element = el(
      'div',
      {
        className: 'approval-card',
        attrs: {
          role: 'group',
          'aria-label': fill(strings.approvalLabel, approval.title),
          ...(approval.detail ? { 'aria-describedby': `${id}-detail` } : {}),
          'data-call-id': approval.callId,
          // Focus lands on the card itself once it is decided (its buttons are disabled then).
          tabindex: '-1',
        },
      },
      ...parts,
      el('div', { className: 'approval-actions' }, ...this.buttons),
      this.status,
    );
    if (decided) this.decided(decided);
  }

  get callId(): string {
    return this.approval.callId;
  }

  get pending(): boolean {
    return this.decision === undefined;
  }

  /** Focus on the first choice (Allow once). */
  focus(): void {
    this.buttons[0]?.focus();
  }

  get firstButton(): HTMLButtonElement | undefined {
    return this.buttons[0];
  }

  private decided(decision: ApprovalDecisionView): void {
    this.decision = decision;
    const hadFocus = this.element.contains(document.activeElement);
    for (const button of this.buttons) button.disabled = true;
    this.element.dataset.decided = decision;
    this.status.textContent = decision === 'deny' ? this.strings.declined : this.strings.allowed;
    // A disabled button loses focus to the page: keep it on the card.
    if (hadFocus) this.element.focus({ preventScroll: true });
  }
}
