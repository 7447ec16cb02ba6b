/**
 * Applies the edits of a `propose_edit` call to a file's text: each `old_text` must appear exactly once, so the
 * model cannot change a place it did not mean (the first of several) or one that is not there. The result is only a
 * proposal: the host shows it in the review, and the user accepts or rejects it.
 */
import type { TextReplacement } from './toolArguments';

export type ReplacementResult =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

export function applyTextReplacements(text: string, edits: readonly TextReplacement[]): ReplacementResult {
  // A model writes "\n"; a file may use "\r\n". Match in the file's own line ends and write in them too.
  const crlf = text.includes('\r\n');
  const inFileLineEnds = (value: string) => (crlf ? value.replace(/\r?\n/g, '\r\n') : value);
  const spans: { start: number; end: number; replacement: string }[] = [];
  for (const [index, edit] of edits.entries()) {
    const oldText = inFileLineEnds(edit.oldText);
    const start = text.indexOf(oldText);
    const which = edits.length > 1 ? `Edit ${index + 1}: ` : '';
    if (start < 0) return { ok: false, problem: `${which}old_text was not found in the file; read the file again.` };
    if (text.indexOf(oldText, start + 1) >= 0)
      return { ok: false, problem: `${which}old_text appears more than once; include more surrounding lines.` };
    const end = start + oldText.length;
    if (spans.some((span) => start < span.end && span.start < end))
      return { ok: false, problem: `${which}old_text overlaps another edit; merge them into one.` };
    spans.push({ start, end, replacement: inFileLineEnds(edit.newText) });
  }
  spans.sort((a, b) => a.start - b.start);
  let result = '';
  let at = 0;
  for (const span of spans) {
    result += text.slice(at, span.start) + span.replacement;
    at = span.end;
  }
  return { ok: true, text: result + text.slice(at) };
}
