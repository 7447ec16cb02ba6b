import { Pacer } from './pacing';

/**
 * JSON from a file the user picked (an import) or one of our own big files, parsed without freezing the extension
 * host: one linear pass over the bytes checks the size, the nesting depth and the number of values before anything is
 * parsed, and notes where the parts of the document begin and end; then the parts are parsed one at a time, with a
 * pause for the event loop whenever a slice of work has taken `sliceMs`. A long string without escapes (an image's
 * data URL, a long reply) is decoded in chunks instead of in one `JSON.parse`.
 *
 * Which containers are split into parts is the caller's choice (`splitAt`): only those whose parent was split too.
 * Every other value is one part and must stay under `maxPartBytes` and `maxPartValues`.
 * Pure: web-standard globals only (it also runs in VS Code for the Web's worker).
 */

export interface JsonLimits {
  readonly maxBytes: number;
  /** The deepest nesting of arrays and objects allowed. */
  readonly maxDepth: number;
  /** The most values (strings, numbers, containers…) in the whole document. */
  readonly maxValues: number;
  /** The most bytes of one part parsed at once (long strings without escapes excepted: they are decoded in chunks). */
  readonly maxPartBytes: number;
  readonly maxPartValues: number;
}

export type JsonProblem =
  | { readonly code: 'tooLarge'; readonly limit: number }
  | { readonly code: 'tooDeep'; readonly limit: number }
  | { readonly code: 'tooManyValues'; readonly limit: number }
  | { readonly code: 'partTooLarge'; readonly limit: number }
  | { readonly code: 'notJson'; readonly detail: string };

export type JsonResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: JsonProblem };

/** Where we are in the document: object keys and array indexes from the top. */
export type JsonPath = readonly (string | number)[];

export interface BoundedJsonOptions {
  readonly limits: JsonLimits;
  /** Whether the container at `path` (whose parent was split) is built from separately parsed parts. */
  readonly splitAt: (path: JsonPath) => boolean;
  /** Gives the event loop a turn. Default: a zero-delay timer. */
  readonly pause?: () => Promise<void>;
  /** The longest stretch of work between two pauses, in milliseconds. Default 8. */
  readonly sliceMs?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Strings at least this long, without escapes, are decoded in chunks. */
const CHUNKED_STRING_BYTES = 256 * 1024;
const DECODE_CHUNK_BYTES = 1024 * 1024;

interface Part {
  /** Byte range of the key (object members only), quotes and white space included. */
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly start: number;
  readonly end: number;
  /** Set when this part is a container that was split in its turn. */
  readonly node: SplitNode | undefined;
}

interface SplitNode {
  readonly kind: 'object' | 'array';
  readonly parts: Part[];
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly node: SplitNode | undefined;
  readonly path: JsonPath;
  partStart: number;
  colon: number;
  valuesAtPartStart: number;
  /** The split container that ended inside the current part (it is that part's value). */
  lastNode: SplitNode | undefined;
}

class Refusal extends Error {
  constructor(readonly problem: JsonProblem) {
    super(problem.code);
  }
}

/** Parses `bytes` (UTF-8 JSON, a BOM allowed) within `limits`, pausing between slices of work. */
export async function parseJsonBounded(bytes: Uint8Array, options: BoundedJsonOptions): Promise<JsonResult> {
  const { limits } = options;
  if (bytes.length > limits.maxBytes) return { ok: false, problem: { code: 'tooLarge', limit: limits.maxBytes } };
  const pacer = new Pacer(options.pause, options.sliceMs);
  const begin = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    const root = await scan(bytes, begin, options, pacer);
    const value = root.node
      ? await build(bytes, root.node, pacer)
      : await parsePart(bytes, root.start, root.end, pacer);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem };
    return { ok: false, problem: { code: 'notJson', detail: error instanceof Error ? error.message : String(error) } };
  }
}

/** The linear pass: limits, and the parts of the split containers. Throws a Refusal or a SyntaxError. */
async function scan(bytes: Uint8Array, begin: number, options: BoundedJsonOptions, pacer: Pacer): Promise<Part> {
  const { limits } = options;
  const stack: Frame[] = [];
  let values = 0;
  let rootNode: SplitNode | undefined;
  let rootStart = -1;
  let rootEnd = -1;
  let rootClosed = false;
  let nextCheck = begin + 65_536;
  let i = begin;
  const length = bytes.length;

  const endPart = (frame: Frame, end: number) => {
    const start = frame.colon >= 0 ? frame.colon + 1 : frame.partStart;
    if (!frame.node) return;
    if (isBlank(bytes, frame.partStart, end)) {
      if (frame.colon >= 0 || frame.node.parts.length > 0) throw new SyntaxError(`Unexpected token at ${end}`);
      return;
    }
    if (frame.kind === 'object' && frame.colon < 0) throw new SyntaxError(`Expected ':' before position ${end}`);
    const node = frame.lastNode;
    if (!node) checkPart(bytes, start, end, values - frame.valuesAtPartStart, limits);
    frame.node.parts.push({
      keyStart: frame.kind === 'object' ? frame.partStart : start,
      keyEnd: frame.kind === 'object' ? frame.colon : start,
      start,
      end,
      node,
    });
  };

  while (i < length) {
    if (i >= nextCheck) {
      nextCheck = i + 65_536;
      if (pacer.due()) await pacer.pause();
    }
    const byte = bytes[i];
    switch (byte) {
      case QUOTE: {
        values += 1;
        let j = i + 1;
        for (;;) {
          const close = bytes.indexOf(QUOTE, j);
          if (close < 0) throw new SyntaxError('Unterminated string');
          let slashes = 0;
          while (bytes[close - 1 - slashes] === BACKSLASH) slashes += 1;
          j = close + 1;
          if (slashes % 2 === 0) break;
        }
        if (j - i > 65_536 && pacer.due()) await pacer.pause();
        if (stack.length === 0) markRoot(i, j);
        i = j;
        continue;
      }
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        values += 1;
        if (stack.length + 1 > limits.maxDepth) throw new Refusal({ code: 'tooDeep', limit: limits.maxDepth });
        const parent = stack.at(-1);
        let path: JsonPath | undefined;
        if (!parent) {
          if (rootStart >= 0) throw new SyntaxError(`Unexpected data after the JSON value at ${i}`);
          rootStart = i;
          path = [];
        } else if (parent.node) {
          const key =
            parent.kind === 'object' ? keyAt(bytes, parent.partStart, parent.colon, i) : parent.node.parts.length;
          path = [...parent.path, key];
        }
        const split = path !== undefined && options.splitAt(path);
        const kind = byte === OPEN_OBJECT ? 'object' : 'array';
        const node: SplitNode | undefined = split ? { kind, parts: [] } : undefined;
        if (!parent) rootNode = node;
        stack.push({
          kind,
          node,
          path: path ?? [],
          partStart: i + 1,
          colon: -1,
          valuesAtPartStart: values,
          lastNode: undefined,
        });
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY: {
        const frame = stack.pop();
        if (!frame || (frame.kind === 'object') !== (byte === CLOSE_OBJECT))
          throw new SyntaxError(`Unexpected '${String.fromCharCode(byte)}' at ${i}`);
        endPart(frame, i);
        const parent = stack.at(-1);
        if (parent) parent.lastNode = frame.node;
        else {
          rootEnd = i + 1;
          rootClosed = true;
        }
        break;
      }
      case COMMA: {
        const frame = stack.at(-1);
        if (!frame) throw new SyntaxError(`Unexpected ',' at ${i}`);
        values += 1;
        if (values > limits.maxValues) throw new Refusal({ code: 'tooManyValues', limit: limits.maxValues });
        endPart(frame, i);
        frame.partStart = i + 1;
        frame.colon = -1;
        frame.valuesAtPartStart = values;
        frame.lastNode = undefined;
        break;
      }
      case COLON: {
        const frame = stack.at(-1);
        if (!frame || frame.kind !== 'object' || frame.colon >= 0) throw new SyntaxError(`Unexpected ':' at ${i}`);
        frame.colon = i;
        break;
      }
      default:
        if (stack.length === 0 && !isSpace(byte)) markRoot(i, i + 1);
    }
    if (values > limits.maxValues) throw new Refusal({ code: 'tooManyValues', limit: limits.maxValues });
    i += 1;
  }
  if (stack.length > 0) throw new SyntaxError('Unexpected end of JSON input');
  if (rootStart < 0) throw new SyntaxError('Unexpected end of JSON input');
  if (!rootNode) checkPart(bytes, rootStart, rootEnd, values, limits);
  return { keyStart: rootStart, keyEnd: rootStart, start: rootStart, end: rootEnd, node: rootNode };

  /** A top-level primitive or string (or a second top-level value, which is an error JSON.parse reports). */
  function markRoot(start: number, end: number) {
    if (rootClosed) throw new SyntaxError(`Unexpected data after the JSON value at ${start}`);
    if (rootStart < 0) rootStart = start;
    rootEnd = Math.max(rootEnd, end);
  }
}

function checkPart(bytes: Uint8Array, start: number, end: number, values: number, limits: JsonLimits): void {
  if (values > limits.maxPartValues) throw new Refusal({ code: 'partTooLarge', limit: limits.maxPartValues });
  if (end - start > limits.maxPartBytes && !isPlainString(bytes, start, end))
    throw new Refusal({ code: 'partTooLarge', limit: limits.maxPartBytes });
}

/** The key of the member being read in an object frame (its text before the colon). */
function keyAt(bytes: Uint8Array, start: number, colon: number, at: number): string {
  if (colon < 0) throw new SyntaxError(`Expected ':' before position ${at}`);
  const key: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(start, colon)));
  if (typeof key !== 'string') throw new SyntaxError(`Object key at ${start} is not a string`);
  return key;
}

async function build(bytes: Uint8Array, node: SplitNode, pacer: Pacer): Promise<unknown> {
  if (node.kind === 'array') {
    const list: unknown[] = [];
    for (const part of node.parts)
      list.push(part.node ? await build(bytes, part.node, pacer) : await parsePart(bytes, part.start, part.end, pacer));
    return list;
  }
  const object: Record<string, unknown> = {};
  for (const part of node.parts) {
    const key = keyAt(bytes, part.keyStart, part.keyEnd, part.start);
    const value = part.node
      ? await build(bytes, part.node, pacer)
      : await parsePart(bytes, part.start, part.end, pacer);
    // As JSON.parse does: "__proto__" becomes an own property, never the prototype.
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

async function parsePart(bytes: Uint8Array, start: number, end: number, pacer: Pacer): Promise<unknown> {
  if (pacer.due()) await pacer.pause();
  const [from, to] = trimmed(bytes, start, end);
  if (to - from >= CHUNKED_STRING_BYTES && isPlainString(bytes, from, to)) {
    const decoder = new TextDecoder();
    const pieces: string[] = [];
    for (let at = from + 1; at < to - 1; at += DECODE_CHUNK_BYTES) {
      pieces.push(decoder.decode(bytes.subarray(at, Math.min(at + DECODE_CHUNK_BYTES, to - 1)), { stream: true }));
      if (pacer.due()) await pacer.pause();
    }
    pieces.push(decoder.decode());
    return pieces.join('');
  }
  return JSON.parse(new TextDecoder().decode(bytes.subarray(from, to))) as unknown;
}

/** A string token with no escapes and no control characters between its quotes. */
function isPlainString(bytes: Uint8Array, start: number, end: number): boolean {
  const [from, to] = trimmed(bytes, start, end);
  if (to - from < 2 || bytes[from] !== QUOTE || bytes[to - 1] !== QUOTE) return false;
  // Control characters, which JSON does not allow unescaped, are let through here: they are harmless in text.
  const inner = bytes.subarray(from + 1, to - 1);
  return inner.indexOf(BACKSLASH) < 0 && inner.indexOf(QUOTE) < 0;
}

function trimmed(bytes: Uint8Array, start: number, end: number): [number, number] {
  let from = start;
  let to = end;
  while (from < to && isSpace(bytes[from])) from += 1;
  while (to > from && isSpace(bytes[to - 1])) to -= 1;
  return [from, to];
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k += 1) if (!isSpace(bytes[k])) return false;
  return true;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
