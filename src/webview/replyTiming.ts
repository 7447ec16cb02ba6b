import type { PanelStrings } from '../shared/panelStrings';
import type { TimingView, UsageView } from '../shared/protocol';
import { el } from './dom';

/** About how many characters a token is, for a rate estimate when the gateway reports no usage. */
const CHARS_PER_TOKEN = 4;

/** `420 ms`, `1.3 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Tokens per second while the reply streamed (from its first token to its end): the completion tokens the gateway
 * reported, else an estimate from the text's length (`estimated`). Undefined when it cannot be told.
 */
export function tokensPerSecond(
  timing: TimingView | undefined,
  usage: UsageView | undefined,
  textLength: number,
): { readonly rate: number; readonly estimated: boolean } | undefined {
  if (timing?.firstTokenMs === undefined || timing.totalMs === undefined) return undefined;
  const seconds = (timing.totalMs - timing.firstTokenMs) / 1000;
  if (!(seconds > 0)) return undefined;
  const tokens = usage?.completionTokens;
  if (tokens !== undefined) return tokens > 0 ? { rate: tokens / seconds, estimated: false } : undefined;
  return textLength > 0 ? { rate: textLength / CHARS_PER_TOKEN / seconds, estimated: true } : undefined;
}

export function formatRate(rate: number): string {
  return rate < 10 ? rate.toFixed(1) : String(Math.round(rate));
}

/** The footer's timing items of a reply: time to first token, then tokens per second (`~` when estimated). */
export function footerTiming(
  timing: TimingView | undefined,
  usage: UsageView | undefined,
  textLength: number,
  strings: PanelStrings,
): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (timing?.firstTokenMs !== undefined) {
    parts.push(
      el('span', {
        className: 'meta timing-first-token',
        text: `${strings.firstToken} ${formatDuration(timing.firstTokenMs)}`,
      }),
    );
  }
  const speed = tokensPerSecond(timing, usage, textLength);
  if (speed) {
    const text = `${speed.estimated ? '~' : ''}${formatRate(speed.rate)} ${strings.tokensPerSecond}`;
    parts.push(
      el('span', {
        className: 'meta timing-rate',
        text,
        ...(speed.estimated ? { attrs: { title: strings.estimated } } : {}),
      }),
    );
  }
  return parts;
}
