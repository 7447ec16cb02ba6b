/**
 * A fast estimate of how many tokens a text takes, without a tokenizer (which would weigh megabytes and differ per
 * model anyway). The rules of thumb behind it: English prose and code take about 4 characters per token (OpenAI's own
 * guidance); Chinese, Japanese and Korean about one token per character; other scripts (Cyrillic, Greek, Arabic,
 * Hebrew, Devanagari…) about two characters per token; emoji and other characters beyond the Basic Multilingual
 * Plane about one token each. So each character counts:
 *
 * - ASCII and Latin letters with accents (U+0000–U+024F): ¼ token;
 * - CJK ideographs, kana, Hangul, full-width forms and CJK punctuation: 1 token;
 * - a character beyond the BMP (a surrogate pair): 1 token;
 * - any other character: ½ token;
 *
 * rounded up. One pass over the text, no allocation: cheap enough to run on each keystroke of a long draft (used by
 * the panel's context meter and by the host). It is an estimate: the gateway's usage report is the real count.
 */
export function estimateTextTokens(text: string): number {
  let quarters = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x024f) quarters += 1;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A high surrogate: the pair is one character beyond the BMP.
      quarters += 4;
      index++;
    } else if (isCjk(code)) quarters += 4;
    else quarters += 2;
  }
  return Math.ceil(quarters / 4);
}

/** CJK symbols and punctuation, kana, Hangul, CJK ideographs (with extension A and compatibility), full-width forms. */
function isCjk(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) ||
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7ff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xffef) ||
    (code >= 0x1100 && code <= 0x11ff)
  );
}

/** "950", "3.2k", "128k", "1.2M": a token count short enough for the meter. */
export function formatTokenCount(tokens: number): string {
  if (tokens < 1000) return String(Math.max(0, Math.round(tokens)));
  if (tokens < 1_000_000) {
    const thousands = tokens / 1000;
    return `${thousands < 10 ? (Math.round(thousands * 10) / 10).toString() : Math.round(thousands)}k`;
  }
  const millions = tokens / 1_000_000;
  return `${millions < 10 ? (Math.round(millions * 10) / 10).toString() : Math.round(millions)}M`;
}
