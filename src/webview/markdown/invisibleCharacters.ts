/**
 * Characters a reply can carry that show nothing or change how the text around them reads: bidi embeddings,
 * overrides and isolates (U+202A–202E, U+2066–2069: "invoice.exe" written to look like "exe.pdf"), zero-width
 * characters (U+200B–200D, U+2060, U+FEFF) and Unicode tag characters (U+E0000–E007F, which can spell out hidden
 * instructions). Each run of them is shown as a visible marker (`⟨U+202E⟩`, drawn by chat.css) whose element still
 * holds the characters themselves, isolated so they cannot reorder the text after them: a copy of the text, or a
 * code block's Copy, gets exactly what the model sent.
 *
 * Left as they are: a zero-width joiner or non-joiner between two non-ASCII letters or symbols (emoji sequences,
 * Persian, Indic scripts), and the tag characters of an emoji flag (🏴 + tags + U+E007F cancel tag).
 */
export const INVISIBLE_CLASS = 'md-invisible';

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069\u{E0000}-\u{E007F}]/u;
const INVISIBLE_RUN = /[\u200B-\u200D\u2060\uFEFF\u202A-\u202E\u2066-\u2069\u{E0000}-\u{E007F}]+/gu;
const JOINERS = /^[\u200C\u200D]+$/;
const TAG_RUN = /^[\u{E0000}-\u{E007F}]+$/u;
const BLACK_FLAG = '\u{1F3F4}';
const CANCEL_TAG = '\u{E007F}';
/** Code points listed in one marker; a longer run ends with "+N". */
const LISTED = 6;

let titleLabel = 'Invisible characters';

/** The word for the marker's tooltip, from the panel's translated strings. */
export function setInvisibleCharactersLabel(label: string): void {
  titleLabel = label;
}

/** Whether `text` has anything `appendVisibleText` would mark (a quick test before the work). */
export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE.test(text);
}

/** Appends `text` to `parent` as text nodes, with each run of invisible characters in a visible marker. */
export function appendVisibleText(parent: Node, text: string): void {
  if (!hasInvisibleCharacters(text)) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  let plain = '';
  let at = 0;
  for (const match of text.matchAll(INVISIBLE_RUN)) {
    const start = match.index;
    const run = match[0];
    plain += text.slice(at, start);
    at = start + run.length;
    if (isLegitimate(text, start, run)) {
      plain += run;
      continue;
    }
    if (plain) parent.appendChild(document.createTextNode(plain));
    plain = '';
    parent.appendChild(marker(run));
  }
  plain += text.slice(at);
  if (plain) parent.appendChild(document.createTextNode(plain));
}

function isLegitimate(text: string, start: number, run: string): boolean {
  if (JOINERS.test(run)) {
    const before = text.charCodeAt(start - 1);
    const after = text.charCodeAt(start + run.length);
    const joins = (code: number) => code > 0x7f && !/\s/.test(String.fromCharCode(code));
    return start > 0 && start + run.length < text.length && joins(before) && joins(after);
  }
  return TAG_RUN.test(run) && text.slice(0, start).endsWith(BLACK_FLAG) && run.endsWith(CANCEL_TAG);
}

function marker(run: string): HTMLElement {
  const points = Array.from(
    run,
    (char) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  const listed = points.slice(0, LISTED).join(' ') + (points.length > LISTED ? ` +${points.length - LISTED}` : '');
  // Tag characters mirror ASCII (U+E0041 is "A"): say what they spell.
  const hidden = Array.from(run)
    .map((char) => char.codePointAt(0) ?? 0)
    .filter((code) => code >= 0xe0020 && code <= 0xe007e)
    .map((code) => String.fromCharCode(code - 0xe0000))
    .join('');
  const span = document.createElement('span');
  span.className = INVISIBLE_CLASS;
  span.dataset.label = `⟨${listed}⟩`;
  span.title = `${titleLabel}: ${points.join(' ')}${hidden ? ` “${hidden}”` : ''}`;
  span.textContent = run;
  return span;
}
