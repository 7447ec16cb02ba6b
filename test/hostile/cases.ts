/**
 * The hostile corpus: every case of docs/research/perf_security.md B7 (1–48) and every defect of issue 11 (D1–D10,
 * D11a–d), what the user must see, and the tier that can show it (`unit`: Node with the fake gateway; `browser`: the
 * real panel in Chromium under the production CSP; `integration`: the extension inside a real VS Code).
 *
 * A test covers a case when its mocha title starts with the case id in brackets, e.g. `[B7-11] ...` or
 * `[B7-43][D6] ...` (see CONTRIBUTING.md); `npm run test:hostile` runs those tests and prints this list as a table.
 */

export type Tier = 'unit' | 'browser' | 'integration';

export const TIERS: readonly Tier[] = ['unit', 'browser', 'integration'];

export interface HostileCase {
  readonly id: string;
  /** What the user gets, in one short line. */
  readonly expected: string;
  readonly tiers: readonly Tier[];
}

const b7 = (n: number, expected: string, ...tiers: Tier[]): HostileCase => ({ id: `B7-${n}`, expected, tiers });
const defect = (id: string, expected: string, ...tiers: Tier[]): HostileCase => ({ id, expected, tiers });

export const CASES: readonly HostileCase[] = [
  // Rendering / XSS (model output)
  b7(1, '<script> in a reply is shown as text; nothing runs', 'browser'),
  b7(2, 'img onerror, svg onload, details ontoggle, iframe srcdoc stay inert text', 'browser'),
  b7(3, 'javascript:, vbscript:, data:, file: links (any spelling) are not clickable', 'browser', 'unit'),
  b7(
    4,
    'command: and vscode: links are not clickable; the host refuses them if posted',
    'browser',
    'unit',
    'integration',
  ),
  b7(5, 'a web link click goes to the host, which checks it and opens it with openExternal', 'integration', 'browser'),
  b7(6, 'mXSS payloads (</noscript>, math/mglyph/style) stay inert text', 'browser'),
  b7(7, 'a fence info string cannot inject attributes; highlighting makes only spans', 'browser'),
  b7(8, 'bidi overrides, zero-width and tag characters are made visible; copy keeps them', 'browser'),
  b7(9, 'pathological markdown renders with bounded nesting, no stack overflow, every flush done', 'browser'),
  b7(10, 'a 1 MB reply keeps rendering and the panel stays responsive', 'browser'),
  // Exfiltration
  b7(11, 'a reply image never loads: placeholder with the URL, nothing fetched', 'browser'),
  b7(12, 'a reference-style image (EchoLeak) never loads either', 'browser'),
  b7(13, 'raw img/picture/video/link/meta/style URLs fetch nothing', 'browser'),
  b7(14, 'a link is not prefetched; a click only asks the host, showing the full URL', 'browser'),
  b7(15, 'an SVG data: image from the model is not rendered', 'browser'),
  b7(16, 'TeX \\href / \\includegraphics stay text and load nothing (no math renderer)', 'browser'),
  // Secrets
  b7(17, 'the key is not in settings, globalState, workspaceState, webview state, DOM or logs', 'integration'),
  b7(18, 'a 401 leaves no trace of the key in logs, errors, toasts or panel messages', 'unit', 'integration'),
  b7(19, 'custom auth headers (api-key, x-api-key) are masked in logs and errors too', 'unit'),
  b7(20, 'a key never goes to another gateway; plain http to another machine warns first', 'integration', 'unit'),
  b7(21, 'a redirect to another origin is refused; the key is never sent there', 'unit', 'integration'),
  // HTTP errors before the stream
  b7(22, '401: not retried, a "Set API Key" action', 'unit', 'integration'),
  b7(23, "403 region / moderation: not retried, the gateway's message and metadata shown", 'unit', 'integration'),
  b7(24, '404: not retried, names the base URL and the model', 'unit', 'integration'),
  b7(25, '400 context_length_exceeded: not retried, says to shorten the conversation', 'unit', 'integration'),
  b7(26, '402: not retried', 'unit'),
  b7(27, '429 Retry-After (ms, s, date) waited out; 3600 s not waited, shown', 'unit'),
  b7(28, '429 insufficient_quota: not retried', 'unit'),
  b7(29, 'x-should-retry: false on a 503: not retried', 'unit'),
  b7(30, '5xx retried with jittered backoff before the first byte, then a clear error', 'unit', 'integration'),
  b7(31, 'a 200 text/html page is an "unexpected response"; its HTML is never shown', 'unit'),
  b7(32, 'a 200 JSON completion (stream ignored) is shown as the reply', 'unit'),
  // Stream protocol / faults
  b7(33, 'keep-alive comments keep a slow stream alive, no JSON errors', 'unit'),
  b7(34, 'OpenRouter mid-stream error: partial text kept, turn failed with its message, no retry', 'unit'),
  b7(35, 'vLLM {object:"error"} and event: error: same as a mid-stream error', 'unit'),
  b7(36, 'EOF without [DONE] or finish reason: "interrupted", not success', 'unit', 'browser', 'integration'),
  b7(37, 'bytes after [DONE] ignored; data:[DONE], CRLF, lone CR, BOM, multi-line data read right', 'unit'),
  b7(38, 'split at every byte (inside 4-byte UTF-8 too): the same events', 'unit'),
  b7(39, 'choices: [], delta: {}, content: null, role-only, reasoning fields: no crash, no "null"', 'unit'),
  b7(
    40,
    'finish length / content_filter / tool_calls / unknown: each says why the reply ended',
    'integration',
    'unit',
    'browser',
  ),
  b7(41, 'invalid JSON in a data: line: "malformed stream" error, partial kept', 'unit'),
  b7(42, 'an 8 MiB single-line event in 1460 B pieces is read whole (linear time: npm run bench)', 'unit'),
  b7(43, 'a stall mid-stream hits the idle timeout: aborted, partial kept, never replayed', 'unit', 'integration'),
  b7(
    44,
    'Stop mid-stream aborts the request (the gateway sees it), keeps the partial text',
    'unit',
    'integration',
    'browser',
  ),
  b7(45, 'gzip / br bodies, a missing or "; charset=utf-8" content type work', 'unit'),
  b7(46, "requests go through VS Code's http.proxy (a local CONNECT proxy); no bundled undici", 'integration', 'unit'),
  // Inline edit / images
  b7(
    47,
    'an edit applies only one fenced block, never on error or length, refused if the file changed',
    'integration',
    'unit',
  ),
  b7(48, 'a 25 MB image is downscaled; a pixel bomb, SVG or non-image is refused before decoding', 'browser', 'unit'),
  // Issue 11
  defect('D1', "a folder's settings cannot move requests, keys, headers, body or prompts", 'integration'),
  defect('D2', 'one turn at a time per conversation: a second send or retry is refused with a message', 'integration'),
  defect('D3', 'an oversized SSE event or reply is cut off: aborted, partial kept, memory bounded', 'unit'),
  defect('D4', 'an import is bounded in size and depth before parsing; no remote or SVG images', 'unit', 'integration'),
  defect('D5', 'invisible characters in a pasted key are refused or stripped; no error carries a key', 'integration'),
  defect('D6', 'slow headers count as idle time; an accepted request is never sent again', 'unit'),
  defect(
    'D7',
    'a reload during an inline review leaves the file as it was, or brings the review back',
    'integration',
    'unit',
  ),
  defect('D8', 'the same conversation in two windows keeps both turns, or says so', 'integration'),
  defect('D9', 'images are stored once by content; a save while streaming writes only what changed', 'unit'),
  defect('D10', 'Enter is never dropped silently: before the first snapshot or while a reply streams', 'browser'),
  defect('D11a', 'bidi, zero-width and tag characters in replies are shown visibly; copy keeps them', 'browser'),
  defect('D11b', '/dev/zero, FIFOs and other special files are refused when dropped or attached', 'integration'),
  defect('D11c', 'a refused send (images, then an editor command) keeps the draft', 'browser', 'integration'),
  defect('D11d', "languageIdFor('__proto__') reads no inherited property", 'unit'),
];

/** `[B7-11]`, `[D3]`, `[D11a]`: the ids a test title may start with. */
export const CASE_ID = /^(?:B7-\d+|D\d+[a-z]?)$/;

/** A mocha grep that selects exactly the tests tagged with a case id (it matches the full title). */
export const TAGGED_GREP = String.raw`\[(?:B7-\d+|D\d+[a-z]?)\]`;

/**
 * The case ids a test title starts with: `[B7-43][D6] a stall…` gives `['B7-43', 'D6']`; a title without leading
 * ids gives `[]`. Brackets that hold something else (`[slow] …`) end the list.
 */
export function idsOfTitle(title: string): string[] {
  const ids: string[] = [];
  const pattern = /^\s*\[([^\]\s]+)\]/;
  let rest = title;
  for (let match = pattern.exec(rest); match && CASE_ID.test(match[1]); match = pattern.exec(rest)) {
    ids.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  return ids;
}
