/**
 * What a pasted API key may contain. A key goes into an HTTP header (`Authorization: Bearer …`), where only visible
 * ASCII is safe: a zero-width space or a byte order mark copied along with it makes every request fail (the runtime
 * refuses the header), and a no-break space is sent as a byte no gateway expects. Whitespace and invisible characters
 * around a pasted key are removed; any other character outside visible ASCII is refused, named with its position.
 * Pure.
 */

/** One character that cannot be in a key: its code point and its 1-based position (in characters) in the text. */
export interface KeyCharacter {
  readonly codePoint: number;
  readonly position: number;
}

export type CleanedApiKey =
  | {
      readonly ok: true;
      readonly key: string;
      /** The characters removed around the key (invisible, whitespace), in order; empty when nothing was. */
      readonly removed: readonly KeyCharacter[];
    }
  | { readonly ok: false; readonly reason: 'empty' }
  | { readonly ok: false; readonly reason: 'character'; readonly character: KeyCharacter };

/** Whitespace, and characters that show as nothing: zero-width, joiners, bidi marks and controls, BOM, tags. */
const INVISIBLE =
  /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]/u;

const BEARER_PREFIX = /^bearer[ \t]+/i;

/** Visible ASCII: what an API key is made of, and all a header value can carry safely. */
function isKeyCharacter(code: number): boolean {
  return code >= 0x21 && code <= 0x7e;
}

/**
 * Cleans pasted key text: whitespace and invisible characters are removed from both ends (and a leading
 * `Bearer `, as copied from a header); what remains must be visible ASCII, else the first other character is named.
 */
export function cleanApiKey(text: string): CleanedApiKey {
  const characters = [...text];
  const removed: KeyCharacter[] = [];
  let start = 0;
  let end = characters.length;
  while (start < end && INVISIBLE.test(characters[start])) {
    removed.push({ codePoint: characters[start].codePointAt(0) ?? 0, position: start + 1 });
    start++;
  }
  const trailing: KeyCharacter[] = [];
  while (end > start && INVISIBLE.test(characters[end - 1])) {
    end--;
    trailing.unshift({ codePoint: characters[end].codePointAt(0) ?? 0, position: end + 1 });
  }
  let body = characters.slice(start, end).join('');
  let offset = start;
  const prefix = BEARER_PREFIX.exec(body);
  if (prefix && prefix[0].length < body.length) {
    body = body.slice(prefix[0].length);
    offset += prefix[0].length;
  }
  if (body === '') return { ok: false, reason: 'empty' };
  const problem = findKeyCharacter(body);
  if (problem)
    return { ok: false, reason: 'character', character: { ...problem, position: problem.position + offset } };
  return { ok: true, key: body, removed: [...removed, ...trailing] };
}

/** The first character of a key (as stored, nothing removed) that cannot be sent in a header, if any. */
export function findKeyCharacter(key: string): KeyCharacter | undefined {
  let position = 0;
  for (const character of key) {
    position++;
    const codePoint = character.codePointAt(0) ?? 0;
    if (!isKeyCharacter(codePoint)) return { codePoint, position };
  }
  return undefined;
}

const NAMES: Readonly<Record<number, string>> = {
  0x09: 'tab',
  0x0a: 'line feed',
  0x0d: 'carriage return',
  0x20: 'space',
  0x7f: 'delete',
  0xa0: 'no-break space',
  0xad: 'soft hyphen',
  0x061c: 'arabic letter mark',
  0x180e: 'mongolian vowel separator',
  0x2002: 'en space',
  0x2003: 'em space',
  0x2007: 'figure space',
  0x2009: 'thin space',
  0x200a: 'hair space',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x2013: 'en dash',
  0x2014: 'em dash',
  0x2018: 'left single quotation mark',
  0x2019: 'right single quotation mark',
  0x201c: 'left double quotation mark',
  0x201d: 'right double quotation mark',
  0x2026: 'horizontal ellipsis',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x202f: 'narrow no-break space',
  0x205f: 'medium mathematical space',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x3000: 'ideographic space',
  0xfeff: 'zero width no-break space, byte order mark',
};

/** `U+200B (zero width space)`; a character without a name here is shown itself when visible: `U+00E9 "é"`. */
export function describeCodePoint(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name =
    NAMES[codePoint] ??
    (codePoint < 0x20 || (codePoint >= 0x80 && codePoint < 0xa0)
      ? 'control character'
      : codePoint >= 0xe0000 && codePoint <= 0xe007f
        ? 'tag character'
        : undefined);
  if (name) return `${hex} (${name})`;
  const character = String.fromCodePoint(codePoint);
  return INVISIBLE.test(character) ? hex : `${hex} "${character}"`;
}

/** `U+200B (zero width space) at position 52`. */
export function describeKeyCharacter(character: KeyCharacter): string {
  return `${describeCodePoint(character.codePoint)} at position ${character.position}`;
}
