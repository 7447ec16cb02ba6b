/**
 * Removes secrets from text before it is logged or shown. The logger applies it to every line, and the error
 * boundaries (the chat client's errors, the panel's error view) apply it again, so no call site has to remember to:
 * known secrets (the API key in use) are replaced wherever they appear, whole or in part (any run of 8 of their
 * characters, as a gateway's "sk-test-4f9a…" echo or a runtime error quoting a header would show them, also with
 * invisible characters in or around them), and anything shaped like a bearer token or an `sk-…` key is masked even
 * when it is not one we know.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Every run of `PARTIAL` characters of every long enough secret (invisible characters removed). */
  private readonly pieces = new Map<string, number>();

  /** Registers a secret to mask from now on. Very short values are ignored: masking them would garble text. */
  addSecret(secret: string | undefined): void {
    if (!secret || secret.length < 6) return;
    for (const variant of variantsOf(secret)) {
      if (variant.length < 6 || this.secrets.has(variant)) continue;
      this.secrets.add(variant);
      if (variant.length >= MIN_PARTIAL_SECRET) {
        for (const piece of piecesOf(variant)) this.pieces.set(piece, (this.pieces.get(piece) ?? 0) + 1);
      }
    }
  }

  removeSecret(secret: string | undefined): void {
    if (!secret) return;
    for (const variant of variantsOf(secret)) {
      if (!this.secrets.delete(variant) || variant.length < MIN_PARTIAL_SECRET) continue;
      for (const piece of piecesOf(variant)) {
        const count = (this.pieces.get(piece) ?? 0) - 1;
        if (count > 0) this.pieces.set(piece, count);
        else this.pieces.delete(piece);
      }
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first: a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
      result = result.split(secret).join('[REDACTED]');
    if (this.pieces.size > 0)
      result = result.replace(TOKEN, (token) => (this.holdsPiece(token) ? '[REDACTED]' : token));
    return redactPatterns(result);
  }

  /** Whether `token` (invisible characters ignored) shares a run of `PARTIAL` characters with a secret. */
  private holdsPiece(token: string): boolean {
    const visible = token.replace(INVISIBLE_GLOBAL, '');
    for (let start = 0; start + PARTIAL <= visible.length; start++) {
      if (this.pieces.has(visible.slice(start, start + PARTIAL))) return true;
    }
    return false;
  }
}

/** A run of this many characters of a secret is enough to mask the token that holds it. */
const PARTIAL = 8;
/** Only secrets at least this long are masked in part (a short one's pieces could be ordinary words). */
const MIN_PARTIAL_SECRET = 16;

const INVISIBLE_GLOBAL = /[\s\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF]/g;

/** A run of key-like characters, with any invisible characters inside or around it. */
const TOKEN = /[A-Za-z0-9._~+/=\-\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF]{8,}/g;

/** The secret as given, without its invisible characters, and without the whitespace around it. */
function variantsOf(secret: string): string[] {
  return [...new Set([secret, secret.trim(), secret.replace(INVISIBLE_GLOBAL, '')])];
}

/**
 * The runs of `PARTIAL` characters of a secret that identify it: not those made only of lower-case letters and
 * `-_.`, such as the `sk-proj-` every OpenAI project key starts with (a gateway's "sk-proj-****abcd" hint stays
 * readable) or a word of a header value.
 */
function piecesOf(secret: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start + PARTIAL <= secret.length; start++) {
    const piece = secret.slice(start, start + PARTIAL);
    if (/[^a-z._-]/.test(piece)) pieces.push(piece);
  }
  return pieces;
}

const PATTERNS: readonly [RegExp, string][] = [
  [/\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(bearer\s+|basic\s+)?[^\s"',}]+/gi, '$1$2$3[REDACTED]'],
  [/\b(api[-_]?key|x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[REDACTED]'],
  // A token, not a word: it has a digit, or is longer than prose words ("Bearer authentication" stays readable).
  [/\bbearer\s+(?:(?=[A-Za-z._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{8,}|[A-Za-z0-9._~+/=-]{24,})/gi, 'Bearer [REDACTED]'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[REDACTED]'],
];

/** After `Bearer `: a token with a character no prose word has (outside printable ASCII), whatever else it holds. */
const BEARER_ODD_TOKEN = /\bbearer[ \t]+[^ \t\r\n"',;}]*[^\x20-\x7e\t\r\n][^ \t\r\n"',;}]*/gi;

export function redactPatterns(text: string): string {
  let result = text;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result.replace(BEARER_ODD_TOKEN, 'Bearer [REDACTED]');
}
