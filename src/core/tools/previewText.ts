/**
 * The bounded text of a preview on an approval card (a diff, the start of a new file, a tool's input): at most
 * `maxLines` lines of at most `maxLineChars` characters each, and `maxChars` in all. What is left out is counted, for
 * the host's "… N more lines".
 */
export interface PreviewLimits {
  readonly maxLines: number;
  readonly maxChars: number;
  readonly maxLineChars: number;
}

export const PREVIEW_LIMITS: PreviewLimits = { maxLines: 120, maxChars: 12_000, maxLineChars: 400 };

export interface CappedPreview {
  readonly text: string;
  /** Lines left out at the end (0 when everything is shown). */
  readonly moreLines: number;
}

export function capPreview(lines: readonly string[], limits: PreviewLimits = PREVIEW_LIMITS): CappedPreview {
  const shown: string[] = [];
  let chars = 0;
  for (const line of lines) {
    const cut = line.length > limits.maxLineChars ? `${line.slice(0, limits.maxLineChars)}…` : line;
    if (shown.length >= limits.maxLines || chars + cut.length > limits.maxChars) break;
    shown.push(cut);
    chars += cut.length + 1;
  }
  return { text: shown.join('\n'), moreLines: lines.length - shown.length };
}
