/**
 * The context meter by the composer: "≈ 3.2k / 128k tokens", the estimate of what the next message sends (the host's
 * estimate of the system prompt, project instructions and conversation, plus the draft and its attachments, which
 * the panel adds as the user types) against the model's context length from the gateway's catalog. Above 80% it
 * warns, over 100% it says the oldest turns will be left out; without a known context length it shows the estimate.
 */
import type { PanelStrings } from '../../shared/panelStrings';
import type { ContextEstimateView } from '../../shared/protocol';
import { formatTokenCount } from '../../shared/tokenEstimate';
import { el } from '../dom';

export type MeterLevel = 'ok' | 'near' | 'over';

/** The share of the context above which the meter warns. */
export const NEAR_FULL = 0.8;

export class ContextMeter {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly bar: HTMLElement;
  private host: ContextEstimateView = { tokens: 0 };
  private draft = 0;

  constructor(private readonly strings: PanelStrings) {
    this.text = el('span', { className: 'context-meter-text' });
    this.fill = el('span', { className: 'context-meter-fill' });
    this.bar = el('span', { className: 'context-meter-bar', attrs: { 'aria-hidden': 'true' } }, this.fill);
    this.element = el(
      'div',
      { className: 'context-meter', attrs: { id: 'context-meter', title: strings.contextMeterTitle } },
      this.bar,
      this.text,
    );
    this.render();
  }

  /** The host's estimate (with each snapshot and after each turn). */
  setHostEstimate(estimate: ContextEstimateView): void {
    this.host = estimate;
    this.render();
  }

  /** The draft's own estimate (text, images, chips). */
  setDraftTokens(tokens: number): void {
    if (tokens === this.draft) return;
    this.draft = tokens;
    this.render();
  }

  get level(): MeterLevel {
    const { contextLength } = this.host;
    if (!contextLength) return 'ok';
    const total = this.host.tokens + this.draft;
    return total > contextLength ? 'over' : total > contextLength * NEAR_FULL ? 'near' : 'ok';
  }

  private render(): void {
    const total = this.host.tokens + this.draft;
    const { contextLength } = this.host;
    const level = this.level;
    let text = contextLength
      ? `≈ ${formatTokenCount(total)} / ${formatTokenCount(contextLength)} ${this.strings.tokens}`
      : `≈ ${formatTokenCount(total)} ${this.strings.tokens}`;
    if (level === 'near') text += ` · ${this.strings.contextNearFull}`;
    if (level === 'over') text += ` · ${this.strings.contextOverflow}`;
    this.text.textContent = text;
    this.element.dataset.level = level;
    this.element.setAttribute('aria-label', `${this.strings.contextMeterLabel}: ${text}`);
    this.bar.hidden = !contextLength;
    if (contextLength) this.fill.style.width = `${Math.min(100, (total / contextLength) * 100).toFixed(1)}%`;
  }
}
