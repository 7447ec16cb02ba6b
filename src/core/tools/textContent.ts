/**
 * Text out of a file's bytes for the model: binary files are told apart (a NUL byte early on, as git and ripgrep do,
 * or mostly undecodable bytes), byte-order marks are honoured, and the lines of a range come with their numbers,
 * within a character budget that ends on a whole line and says where to go on.
 */
import { READ_LIMITS } from './readLimits';

export type DecodedText = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'binary' };

export function decodeFileText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { kind: 'text', text: utf16(bytes.subarray(2), true) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { kind: 'text', text: utf16(bytes.subarray(2), false) };
  const head = bytes.subarray(0, READ_LIMITS.binarySniffBytes);
  if (head.includes(0)) return { kind: 'binary' };
  return utf8(bytes);
}

/** True when the first bytes say binary (for skipping a file without decoding all of it). */
export function looksBinary(bytes: Uint8Array): boolean {
  return decodeFileText(bytes.subarray(0, READ_LIMITS.binarySniffBytes)).kind === 'binary';
}

function utf8(bytes: Uint8Array): DecodedText {
  const text = new TextDecoder('utf-8').decode(bytes);
  // Bytes that are not UTF-8 become U+FFFD: a few are a Latin-1 file, a third of the start is not text.
  const head = text.slice(0, READ_LIMITS.binarySniffBytes);
  let undecodable = 0;
  for (const char of head) if (char === '\ufffd') undecodable++;
  if (head.length > 0 && undecodable / head.length > 0.3) return { kind: 'binary' };
  return { kind: 'text', text };
}

function utf16(bytes: Uint8Array, littleEndian: boolean): string {
  let text = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    text += String.fromCharCode(littleEndian ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]);
  }
  return text;
}

/** The lines of a text; a final line end does not start another line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export type NumberedLines =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

/**
 * `path`'s lines `startLine`…`endLine` (1-based, inclusive; default the whole file), one per line as `12: text`,
 * under a heading with the range and the file's line count. Past `maxChars` the answer ends at the last whole line
 * that fits and says which line to read from next.
 */
export function numberedLines(
  path: string,
  text: string,
  options: { readonly startLine?: number; readonly endLine?: number; readonly maxChars?: number } = {},
): NumberedLines {
  const lines = splitLines(text);
  const maxChars = options.maxChars ?? READ_LIMITS.maxReadChars;
  if (lines.length === 0) return { ok: true, text: `${path} is empty.` };
  const first = options.startLine ?? 1;
  if (first > lines.length)
    return { ok: false, problem: `${path} has ${lines.length} lines, so there is no line ${first}.` };
  const last = Math.min(options.endLine ?? lines.length, lines.length);
  const out: string[] = [];
  let used = 0;
  let shownLast = first - 1;
  let cutLine: string | undefined;
  for (let n = first; n <= last; n++) {
    const line = `${n}: ${lines[n - 1]}`;
    if (used + line.length + 1 > maxChars) {
      if (out.length === 0) {
        // One line longer than the whole budget: show its start, or nothing could ever be read of it.
        out.push(line.slice(0, maxChars));
        shownLast = n;
        cutLine = `[Line ${n} is ${lines[n - 1].length} characters long; only its first ${maxChars} are shown.]`;
      }
      break;
    }
    out.push(line);
    used += line.length + 1;
    shownLast = n;
  }
  const range = `lines ${first}-${shownLast} of ${lines.length}`;
  const notes: string[] = [];
  if (cutLine) notes.push(cutLine);
  if (shownLast < last)
    notes.push(
      `[Cut at ${maxChars} characters: lines ${shownLast + 1}-${last} were not shown. ` +
        `Read on with start_line=${shownLast + 1}.]`,
    );
  return { ok: true, text: [`${path} (${range}):`, ...out, ...notes].join('\n') };
}
