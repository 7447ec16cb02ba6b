/**
 * Removes secrets from text before it is logged or shown. The logger applies it to every line, so no call site has
 * to remember to: known secrets (the API key in use) are replaced wherever they appear, and anything shaped like a
 * bearer token or an `sk-…` key is masked even when it is not one we know.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret to mask from now on. Very short values are ignored: masking them would garble text. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  removeSecret(secret: string | undefined): void {
    if (secret) this.secrets.delete(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('[REDACTED]');
    return redactPatterns(result);
  }
}

const PATTERNS: readonly [RegExp, string][] = [
  [/\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(bearer\s+|basic\s+)?[^\s"',}]+/gi, '$1$2$3[REDACTED]'],
  [/\b(api[-_]?key|x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[REDACTED]'],
  // A token, not a word: it has a digit, or is longer than prose words ("Bearer authentication" stays readable).
  [/\bbearer\s+(?:(?=[A-Za-z._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{8,}|[A-Za-z0-9._~+/=-]{24,})/gi, 'Bearer [REDACTED]'],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[REDACTED]'],
];

export function redactPatterns(text: string): string {
  let result = text;
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
