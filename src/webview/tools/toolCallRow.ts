/**
 * One tool call of a reply, as a collapsible row: collapsed, an icon for what the tool does, the call's title and
 * where it is (a spinner while it forms or runs, then a badge with its outcome); opened, its arguments (as the model
 * writes them while the call forms, pretty-printed JSON once it is complete) and the result the model read.
 *
 * Arguments and results are model and tool output: they only ever become text nodes (invisible characters made
 * visible), never HTML and never markdown.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import {
  MAX_TOOL_RESULT_VIEW_CHARS,
  type ToolCallView,
  type ToolKind,
  type ToolOutcomeView,
} from '../../shared/protocol';
import { el, icon } from '../dom';
import { appendVisibleText } from '../markdown/invisibleCharacters';

export const KIND_ICONS: Readonly<Record<ToolKind, string>> = {
  read: 'eye',
  edit: 'edit',
  create: 'new-file',
  command: 'terminal',
  external: 'tools',
};

/** How each outcome's badge looks (`data-tone` in chat.css). */
const OUTCOME_TONES: Readonly<Record<ToolOutcomeView, 'ok' | 'warning' | 'error' | 'muted'>> = {
  result: 'ok',
  resultCapped: 'warning',
  failed: 'error',
  denied: 'muted',
  invalidArguments: 'error',
  unknownTool: 'error',
  cancelled: 'muted',
  notRun: 'muted',
};

export function outcomeLabel(outcome: ToolOutcomeView, strings: PanelStrings): string {
  const labels: Record<ToolOutcomeView, string> = {
    result: strings.toolDone,
    resultCapped: strings.toolResultCut,
    failed: strings.toolFailed,
    denied: strings.declined,
    invalidArguments: strings.toolInvalidArguments,
    unknownTool: strings.toolUnknown,
    cancelled: strings.toolCancelled,
    notRun: strings.toolNotRun,
  };
  return labels[outcome];
}

/** The arguments as shown: as written while the call forms; then pretty-printed when they are JSON. */
export function shownArguments(call: Pick<ToolCallView, 'stage' | 'arguments'>): string {
  if (call.stage === 'forming') return call.arguments;
  try {
    return JSON.stringify(JSON.parse(call.arguments), null, 2);
  } catch {
    return call.arguments;
  }
}

/** Fills a `{0}`, `{1}`… template of the panel's strings. */
export function fill(template: string, ...values: string[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => values[Number(index)] ?? match);
}

function chevron(): HTMLSpanElement {
  const element = icon('chevron-right');
  element.classList.add('tool-call-chevron');
  return element;
}

function formatCount(count: number): string {
  return count.toLocaleString(document.documentElement.lang || undefined);
}

export class ToolCallRow {
  readonly element: HTMLDetailsElement;
  private readonly kindIcon: HTMLSpanElement;
  private readonly title: HTMLSpanElement;
  private readonly stage: HTMLSpanElement;
  private readonly argumentsSection: HTMLElement;
  private readonly argumentsCode: HTMLElement;
  /** While the call forms, the arguments are this one text node, which each delta is appended to. */
  private formingText: Text | undefined;
  private readonly resultSection: HTMLElement;
  private shown: ToolCallView;

  constructor(
    call: ToolCallView,
    private readonly strings: PanelStrings,
    open: boolean,
    onToggle: (open: boolean) => void,
  ) {
    this.shown = call;
    this.kindIcon = icon('tools');
    this.title = el('span', { className: 'tool-call-title' });
    this.stage = el('span', { className: 'tool-call-stage' });
    this.argumentsCode = el('code');
    this.argumentsSection = el(
      'div',
      { className: 'tool-call-section' },
      el('div', { className: 'tool-call-label', text: strings.toolArguments }),
      el('pre', { className: 'tool-call-code' }, this.argumentsCode),
    );
    this.resultSection = el('div', { className: 'tool-call-section' });
    this.element = el(
      'details',
      { className: 'tool-call', attrs: { 'data-index': String(call.index) } },
      el('summary', {}, chevron(), this.kindIcon, this.title, this.stage),
      el('div', { className: 'tool-call-detail' }, this.argumentsSection, this.resultSection),
    );
    this.element.open = open;
    this.element.addEventListener('toggle', () => onToggle(this.element.open));
    this.update(call);
  }

  get view(): ToolCallView {
    return this.shown;
  }

  /** A piece of the arguments of a forming call (`call` is the call with it): appended, nothing else re-rendered. */
  form(call: ToolCallView, argumentsDelta: string): void {
    const renamed = call.name !== this.shown.name || call.id !== this.shown.id;
    this.shown = call;
    if (renamed) this.renderSummary();
    if (!this.formingText) {
      this.renderArguments();
      return;
    }
    this.formingText.appendData(argumentsDelta);
    this.argumentsSection.hidden = false;
  }

  update(call: ToolCallView): void {
    const argumentsChanged =
      call.arguments !== this.shown.arguments || (call.stage === 'forming') !== (this.shown.stage === 'forming');
    const resultChanged = call.result !== this.shown.result || call.resultChars !== this.shown.resultChars;
    const first = this.title.childNodes.length === 0;
    this.shown = call;
    this.renderSummary();
    if (first || argumentsChanged) this.renderArguments();
    if (first || resultChanged) this.renderResult();
  }

  /** Where keyboard focus goes when the call's approval card goes away. */
  focus(): void {
    this.element.querySelector('summary')?.focus();
  }

  private renderSummary(): void {
    const call = this.shown;
    const { strings } = this;
    this.element.dataset.stage = call.stage;
    if (call.id) this.element.dataset.callId = call.id;
    if (call.outcome) this.element.dataset.outcome = call.outcome;
    else delete this.element.dataset.outcome;
    this.kindIcon.className = `codicon codicon-${call.kind ? KIND_ICONS[call.kind] : 'tools'}`;
    const name = call.name || strings.toolForming;
    const title = call.stage === 'forming' ? `${name}…` : call.title || name;
    this.title.replaceChildren();
    appendVisibleText(this.title, title);
    // Cut to one line in the row: the whole title, and the tool's name, on hover.
    this.element.querySelector('summary')?.setAttribute('title', call.name ? `${title} (${call.name})` : title);
    switch (call.stage) {
      case 'forming':
      case 'running': {
        const spinner = icon('loading');
        spinner.classList.add('codicon-modifier-spin');
        const label = call.stage === 'forming' ? strings.toolForming : strings.toolRunning;
        this.stage.replaceChildren(spinner, el('span', { className: 'visually-hidden', text: label }));
        delete this.stage.dataset.tone;
        return;
      }
      case 'waiting':
        this.stage.replaceChildren(el('span', { className: 'badge', text: strings.toolWaiting }));
        this.stage.dataset.tone = 'waiting';
        return;
      case 'answered': {
        const outcome = call.outcome ?? 'result';
        this.stage.replaceChildren(el('span', { className: 'badge', text: outcomeLabel(outcome, strings) }));
        this.stage.dataset.tone = OUTCOME_TONES[outcome];
        return;
      }
    }
  }

  private renderArguments(): void {
    const call = this.shown;
    this.argumentsCode.replaceChildren();
    this.argumentsSection.hidden = call.arguments.length === 0 && call.stage !== 'forming';
    if (call.stage === 'forming') {
      this.formingText = document.createTextNode(call.arguments);
      this.argumentsCode.append(this.formingText);
      this.argumentsSection.hidden = call.arguments.length === 0;
      return;
    }
    this.formingText = undefined;
    appendVisibleText(this.argumentsCode, shownArguments(call));
  }

  private renderResult(): void {
    const { result, resultChars } = this.shown;
    if (result === undefined) {
      this.resultSection.replaceChildren();
      this.resultSection.hidden = true;
      return;
    }
    // The host sends at most this much; anything more is not shown either.
    const text = result.length > MAX_TOOL_RESULT_VIEW_CHARS ? result.slice(0, MAX_TOOL_RESULT_VIEW_CHARS) : result;
    const total = Math.max(resultChars ?? 0, result.length);
    const code = el('code');
    appendVisibleText(code, text);
    this.resultSection.replaceChildren(
      el('div', { className: 'tool-call-label', text: this.strings.toolResult }),
      el('pre', { className: 'tool-call-code tool-call-result' }, code),
      ...(total > text.length
        ? [
            el('div', {
              className: 'tool-call-note',
              text: fill(this.strings.toolResultShown, formatCount(text.length), formatCount(total)),
            }),
          ]
        : []),
    );
    this.resultSection.hidden = false;
  }
}
