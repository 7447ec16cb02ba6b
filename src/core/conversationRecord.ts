import type { ToolCall, Usage } from './chatTypes';
import type { ToolKind } from '../shared/protocol';
import {
  Conversation,
  type ContextItem,
  type ConversationMessage,
  type ImageAttachment,
  type ReplyStatus,
  type ReplyTiming,
  type ToolResult,
  TOOL_OUTCOMES,
} from './conversation';
import type { GatewayError, GatewayErrorKind } from './gatewayError';
import { parseJsonBounded, type JsonLimits, type JsonPath, type JsonProblem } from './boundedJson';
import { isImageKey, rasterDataUrlType } from './imageData';
import {
  CONTEXT_KINDS,
  isPlausibleWorkspacePath,
  MAX_CONTEXT_REFS,
  parseLineRange,
  type ContextKind,
} from '../shared/contextRefs';

/**
 * A conversation as it is stored on disk and exported as JSON: versioned, plain data. Reading one back validates
 * everything (it may come from an older version, a crash, or a user's hand): unknown fields are dropped, messages
 * that cannot be understood are skipped, and a reply that was still streaming when it was saved comes back as
 * `interrupted`. Pure: no I/O.
 *
 * In the store's own files an image may be a reference to a file beside the records (`ref`: `<sha256>.<ext>`, see
 * `RecordStore`) instead of a data URL; exports always carry the data URLs, so they stand alone. The only images
 * accepted are base64 data URLs of PNG, JPEG, GIF or WebP whose bytes are that type: never an address on the web
 * (it would be sent to the gateway with the next turn) nor SVG.
 */
export const RECORD_VERSION = 1;
export const TITLE_LENGTH = 60;

export interface ConversationRecord {
  readonly version: typeof RECORD_VERSION;
  readonly id: string;
  readonly title: string;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly messages: readonly ConversationMessage[];
  /** How many times the store has written this conversation (to notice a save by another window). Not exported. */
  readonly revision?: number;
}

/** What the index keeps about a conversation, so the history can be listed without reading every file. */
export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly messageCount: number;
}

/** Why a record was refused: a code the host words for the user (localized), with its values. */
export type RecordProblemCode =
  | 'notJson'
  | 'notObject'
  | 'noVersion'
  | 'badVersion'
  | 'badId'
  | 'noMessageList'
  | 'badTitle'
  | 'noMessages'
  | 'noValidMessages'
  | 'tooLarge'
  | 'tooDeep'
  | 'tooManyValues'
  | 'partTooLarge';

export interface RecordProblem {
  readonly code: RecordProblemCode;
  readonly args: readonly string[];
}

/** The English wording of each problem ({0}, {1}: its args), for logs and tests. */
export const RECORD_PROBLEM_TEXT: Readonly<Record<RecordProblemCode, string>> = {
  notJson: 'it is not valid JSON ({0})',
  notObject: 'it is not a JSON object',
  noVersion: 'it has no "version": it is not a Gateway Chat conversation',
  badVersion: 'its version {0} is not supported (expected {1})',
  badId: 'its "id" is missing or not a simple name',
  noMessageList: 'it has no "messages" list',
  badTitle: 'its "title" is not text',
  noMessages: 'it has no messages',
  noValidMessages: 'none of its {0} messages is valid',
  tooLarge: 'it is larger than {0} MB',
  tooDeep: 'it is nested more than {0} levels deep',
  tooManyValues: 'it holds more than {0} values',
  partTooLarge: 'one of its parts is too large (more than {0})',
};

/** Limits for a file the user imports: far above any real conversation, low enough to be read without a freeze. */
export const IMPORT_LIMITS: JsonLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxDepth: 16,
  maxValues: 2_000_000,
  maxPartBytes: 16 * 1024 * 1024,
  maxPartValues: 100_000,
};

/** Limits for the store's own files (older versions kept images inline: such a file may be large). */
export const STORAGE_LIMITS: JsonLimits = {
  maxBytes: 1024 * 1024 * 1024,
  maxDepth: 32,
  maxValues: 50_000_000,
  maxPartBytes: 256 * 1024 * 1024,
  maxPartValues: 5_000_000,
};

/**
 * The parts of a record parsed one at a time: the record, its message list, each message, each message's images,
 * and each image (so a large data URL is one plain string, decoded in chunks).
 */
function recordSplit(path: JsonPath): boolean {
  if (path.length === 0) return true;
  if (path[0] !== 'messages') return false;
  return path.length <= 2 || (path[2] === 'images' && path.length <= 4);
}

export type ParseResult =
  | {
      readonly ok: true;
      readonly record: ConversationRecord;
      /** messages left out because they were not valid */ readonly skipped: number;
      /** images left out: web addresses, SVG, anything but an embedded PNG/JPEG/GIF/WebP (or a missing stored file) */
      readonly droppedImages: number;
    }
  | {
      readonly ok: false;
      /** why the record was refused, in an English sentence */ readonly reason: string;
      readonly problem: RecordProblem;
    };

function refuse(code: RecordProblemCode, ...args: string[]): { ok: false; reason: string; problem: RecordProblem } {
  const reason = RECORD_PROBLEM_TEXT[code].replace(/\{(\d+)\}/g, (_, index: string) => args[Number(index)] ?? '');
  return { ok: false, reason, problem: { code, args } };
}

/** The default title: the first user message on one line, cut to about 60 characters. '' when there is none. */
export function titleFor(messages: readonly ConversationMessage[]): string {
  const first = messages.find((message) => message.role === 'user' && message.text.trim().length > 0);
  if (!first) return '';
  return shorten(first.text.replace(/\s+/g, ' ').trim(), TITLE_LENGTH);
}

function shorten(text: string, length: number): string {
  const chars = [...text];
  return chars.length <= length
    ? text
    : `${chars
        .slice(0, length - 1)
        .join('')
        .trimEnd()}…`;
}

/** A snapshot of `conversation` as a record (a deep copy: later changes to the conversation do not reach it). */
export function toRecord(
  conversation: Conversation,
  meta: { readonly title?: string; readonly createdAt: string; readonly updatedAt: string },
): ConversationRecord {
  const context: CleanContext = { loading: false, droppedImages: 0 };
  const messages = conversation.messages
    .map((message) => cleanMessage(message, context))
    .filter((message): message is ConversationMessage => message !== undefined);
  return {
    version: RECORD_VERSION,
    id: conversation.id,
    title: meta.title?.trim() || titleFor(messages),
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
    messages,
  };
}

export function summaryOf(record: ConversationRecord): ConversationSummary {
  return {
    id: record.id,
    title: record.title,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    messageCount: record.messages.length,
  };
}

export function serializeRecord(record: ConversationRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The conversation a record describes, with the record's id and messages. */
export function conversationFromRecord(record: ConversationRecord): Conversation {
  return new Conversation({ id: record.id, messages: record.messages });
}

/** Parses the text of a small record (JSON), then validates it (see `parseRecord`). */
export function parseRecordText(text: string, options: RecordParseOptions = {}): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return refuse('notJson', error instanceof Error ? error.message : String(error));
  }
  return parseRecord(value, options);
}

/**
 * Reads the JSON of a record file of any size within `limits`, without blocking the host for long (see
 * `parseJsonBounded`); validate the value with `parseRecord`.
 */
export async function readRecordJson(
  bytes: Uint8Array,
  limits: JsonLimits,
  pause?: () => Promise<void>,
): Promise<{ ok: true; value: unknown } | { ok: false; reason: string; problem: RecordProblem }> {
  const result = await parseJsonBounded(bytes, { limits, splitAt: recordSplit, ...(pause ? { pause } : {}) });
  return result.ok ? result : refuse(...problemArgs(result.problem));
}

/** Reads (within `limits`) and validates a record file. */
export async function parseRecordBytes(
  bytes: Uint8Array,
  limits: JsonLimits,
  options: RecordParseOptions = {},
): Promise<ParseResult> {
  const json = await readRecordJson(bytes, limits);
  return json.ok ? parseRecord(json.value, options) : json;
}

function problemArgs(problem: JsonProblem): [RecordProblemCode, ...string[]] {
  switch (problem.code) {
    case 'notJson':
      return ['notJson', problem.detail];
    case 'tooLarge':
      return ['tooLarge', String(Math.round(problem.limit / (1024 * 1024)))];
    case 'partTooLarge':
      return [
        'partTooLarge',
        problem.limit >= 1024 * 1024
          ? `${Math.round(problem.limit / (1024 * 1024))} MB`
          : problem.limit.toLocaleString('en-US'),
      ];
    case 'tooDeep':
    case 'tooManyValues':
      return [problem.code, problem.limit.toLocaleString('en-US')];
  }
}

export interface RecordParseOptions {
  /** The stored images this record may reference (`ref` → data URL); without it, references are dropped. */
  readonly images?: ReadonlyMap<string, string>;
}

/** The stored image files (`ref`s) a parsed record refers to. */
export function imageRefsOf(value: unknown): string[] {
  const refs = new Set<string>();
  const messages = isObject(value) && Array.isArray(value.messages) ? (value.messages as unknown[]) : [];
  for (const message of messages) {
    const images = isObject(message) && Array.isArray(message.images) ? (message.images as unknown[]) : [];
    for (const image of images)
      if (isObject(image) && typeof image.ref === 'string' && isImageKey(image.ref)) refs.add(image.ref);
  }
  return [...refs];
}

/** Validates a parsed record. Refuses (saying why) what is not a version-1 conversation; cleans what it accepts. */
export function parseRecord(value: unknown, options: RecordParseOptions = {}): ParseResult {
  if (!isObject(value)) return refuse('notObject');
  if (value.version === undefined) return refuse('noVersion');
  if (value.version !== RECORD_VERSION)
    return refuse('badVersion', String(JSON.stringify(value.version)).slice(0, 40), String(RECORD_VERSION));
  if (typeof value.id !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(value.id)) return refuse('badId');
  if (!Array.isArray(value.messages)) return refuse('noMessageList');
  if (value.title !== undefined && typeof value.title !== 'string') return refuse('badTitle');
  const messages: ConversationMessage[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  const context: CleanContext = {
    loading: true,
    droppedImages: 0,
    ...(options.images ? { images: options.images } : {}),
  };
  for (const raw of value.messages) {
    const message = cleanMessage(raw, context);
    if (!message || seen.has(message.id)) {
      skipped += 1;
      continue;
    }
    seen.add(message.id);
    messages.push(message);
  }
  if (messages.length === 0) {
    return value.messages.length === 0
      ? refuse('noMessages')
      : refuse('noValidMessages', String(value.messages.length));
  }
  const updatedAt = isoTime(value.updatedAt) ?? isoTime(value.createdAt) ?? new Date(0).toISOString();
  const createdAt = isoTime(value.createdAt) ?? updatedAt;
  const title =
    typeof value.title === 'string' && value.title.trim()
      ? shorten(value.title.replace(/\s+/g, ' ').trim(), 200)
      : titleFor(messages);
  const revision =
    typeof value.revision === 'number' && Number.isSafeInteger(value.revision) && value.revision >= 0
      ? { revision: value.revision }
      : {};
  return {
    ok: true,
    record: { version: RECORD_VERSION, id: value.id, title, createdAt, updatedAt, messages, ...revision },
    skipped,
    droppedImages: context.droppedImages,
  };
}

/** A message as the store writes it: images that have a stored file are references to it (`keyOf`). */
export function storedMessage(
  message: ConversationMessage,
  keyOf: (url: string) => string | undefined,
): Record<string, unknown> {
  if (!message.images?.length) return { ...message };
  return {
    ...message,
    images: message.images.map(({ url, ...rest }) => {
      const ref = keyOf(url);
      return ref ? { ref, ...rest } : { url, ...rest };
    }),
  };
}

/** The text of a record file as the store writes it (images by reference where `keyOf` knows them). */
export function serializeStoredRecord(
  record: ConversationRecord,
  revision: number,
  keyOf: (url: string) => string | undefined,
): string {
  const { messages, ...header } = record;
  const stored = { ...header, revision, messages: messages.map((message) => storedMessage(message, keyOf)) };
  return `${JSON.stringify(stored, null, 1)}\n`;
}

/**
 * One message of a stored file (a journal's streaming reply): cleaned as in a record, a reply still `streaming`
 * becomes `interrupted`; images by reference are resolved through `images`.
 */
export function parseStoredMessage(
  raw: unknown,
  images?: ReadonlyMap<string, string>,
): ConversationMessage | undefined {
  return cleanMessage(raw, { loading: true, droppedImages: 0, ...(images ? { images } : {}) });
}

/**
 * Markdown for people: `# title`, then one `## You` / `## Assistant (model)` section per message with its raw text.
 * What a user message had attached as context comes first, each item collapsed (`<details>`) under its mention.
 */
export function recordToMarkdown(record: ConversationRecord): string {
  const parts = [`# ${record.title || 'Conversation'}`];
  let previous: ConversationMessage | undefined;
  for (const message of record.messages) {
    // The rounds of one tool-calling reply read as one answer: one heading.
    const sameReply = message.role === 'assistant' && previous?.role === 'assistant';
    if (!sameReply)
      parts.push(message.role === 'user' ? '## You' : `## Assistant${message.model ? ` (${message.model})` : ''}`);
    parts.push(...(message.context ?? []).map(contextDetails));
    if (message.text) parts.push(message.text);
    // Images are named, never inlined: the export stays readable and small.
    const images = (message.images ?? []).map(imageMention);
    if (images.length > 0) parts.push(images.join('\n'));
    for (const call of message.toolCalls ?? []) parts.push(toolCallDetails(call, message.toolResults));
    previous = message;
  }
  return `${parts.join('\n\n')}\n`;
}

/** An attached item, collapsed: its mention as the summary, its text fenced so nothing in it can close the fence. */
function contextDetails(item: ContextItem): string {
  const summary = item.label.replace(/[<>&\r\n]/g, ' ');
  return `<details><summary>${summary}</summary>\n\n${fenced(item.text, 'text')}\n\n</details>`;
}

/** A tool call as a collapsed block: its name in the summary, its arguments and its answer inside. */
function toolCallDetails(call: ToolCall, results: readonly ToolResult[] | undefined): string {
  const result = results?.find((candidate) => candidate.toolCallId === call.id);
  let args = call.function.arguments;
  try {
    args = JSON.stringify(JSON.parse(args), undefined, 2);
  } catch {
    // Kept as the model wrote it.
  }
  const outcome = result ? (result.outcome && result.outcome !== 'result' ? ` (${result.outcome})` : '') : ' (not run)';
  const name = (result?.title ?? call.function.name).replace(/[<>&\r\n]/g, ' ');
  const lines = ['<details>', `<summary>Tool call: ${name}${outcome}</summary>`, '', fenced(args, 'json')];
  if (result) lines.push('', fenced(result.content, 'text'));
  lines.push('', '</details>');
  return lines.join('\n');
}

/** `text` in a code fence longer than any run of backticks inside it, so nothing in it can close the fence. */
function fenced(text: string, language: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

function imageMention(image: ImageAttachment): string {
  const size = image.width && image.height ? ` ${image.width}×${image.height}` : '';
  const name = image.name ?? 'image';
  return `[image: ${name.replace(/[\[\]\r\n]/g, ' ')}${size}]`;
}

const STATUSES: ReadonlySet<string> = new Set<ReplyStatus>(['streaming', 'done', 'stopped', 'error', 'interrupted']);
const ERROR_KINDS: ReadonlySet<string> = new Set<GatewayErrorKind>([
  'unauthorized',
  'paymentRequired',
  'forbidden',
  'notFound',
  'rateLimited',
  'badRequest',
  'serverError',
  'network',
  'unexpectedResponse',
  'streamError',
  'malformedStream',
  'interrupted',
  'timeout',
  'redirected',
  'oversized',
  'invalidApiKey',
] as GatewayErrorKind[]);

interface CleanContext {
  /** The message comes from storage, so a reply still `streaming` in it was cut off. */
  readonly loading: boolean;
  readonly images?: ReadonlyMap<string, string>;
  droppedImages: number;
}

/** A clean copy of one message, or undefined when it is not one (no id, a role other than user/assistant, no text). */
function cleanMessage(raw: unknown, context: CleanContext): ConversationMessage | undefined {
  const { loading } = context;
  if (!isObject(raw)) return undefined;
  const { id, role, text } = raw;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return undefined;
  if (role !== 'user' && role !== 'assistant') return undefined;
  if (typeof text !== 'string') return undefined;
  let status: ReplyStatus =
    typeof raw.status === 'string' && STATUSES.has(raw.status) ? (raw.status as ReplyStatus) : 'interrupted';
  // A reply saved while it streamed was cut off by whatever stopped the window.
  if (status === 'streaming' && loading) status = 'interrupted';
  if (role === 'user') status = 'done';
  const message: ConversationMessage = { id, role, text, status };
  if (role === 'assistant') {
    if (typeof raw.model === 'string' && raw.model) message.model = raw.model;
    if (typeof raw.finishReason === 'string' && raw.finishReason) message.finishReason = raw.finishReason;
    if (typeof raw.reasoning === 'string' && raw.reasoning) message.reasoning = raw.reasoning;
    const usage = cleanUsage(raw.usage);
    if (usage) message.usage = usage;
    const error = cleanError(raw.error);
    if (error) message.error = error;
    const timing = cleanTiming(raw.timing);
    if (timing) message.timing = timing;
    const toolCalls = cleanList(raw.toolCalls, cleanToolCall);
    if (toolCalls) message.toolCalls = toolCalls;
    const toolResults = cleanList(raw.toolResults, cleanToolResult);
    if (toolResults) message.toolResults = toolResults;
    if (typeof raw.leftOut === 'number' && Number.isSafeInteger(raw.leftOut) && raw.leftOut > 0)
      message.leftOut = raw.leftOut;
  } else {
    const images = cleanList(raw.images, (image) => {
      const clean = cleanImage(image, context.images);
      if (!clean) context.droppedImages += 1;
      return clean;
    });
    if (images) message.images = images;
    const attached = cleanList(raw.context, cleanContextItem)?.slice(0, MAX_CONTEXT_REFS);
    if (attached) message.context = attached;
  }
  return message;
}

function cleanUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const usage: Record<string, number> = {};
  for (const key of ['promptTokens', 'completionTokens', 'totalTokens', 'cachedTokens', 'reasoningTokens'] as const) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) usage[key] = value;
  }
  return Object.keys(usage).length > 0 ? (usage as Usage) : undefined;
}

function cleanTiming(raw: unknown): ReplyTiming | undefined {
  if (!isObject(raw)) return undefined;
  const timing: { firstTokenMs?: number; totalMs?: number } = {};
  for (const key of ['firstTokenMs', 'totalMs'] as const) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) timing[key] = value;
  }
  return Object.keys(timing).length > 0 ? timing : undefined;
}

function cleanError(raw: unknown): GatewayError | undefined {
  if (!isObject(raw) || typeof raw.kind !== 'string' || !ERROR_KINDS.has(raw.kind) || typeof raw.message !== 'string')
    return undefined;
  const error: { -readonly [K in keyof GatewayError]: GatewayError[K] } = {
    kind: raw.kind as GatewayErrorKind,
    message: raw.message,
    host: typeof raw.host === 'string' ? raw.host : '',
  };
  if (typeof raw.status === 'number') error.status = raw.status;
  if (typeof raw.code === 'string') error.code = raw.code;
  if (typeof raw.retryAfterMs === 'number') error.retryAfterMs = raw.retryAfterMs;
  if (raw.timeoutPhase === 'connect' || raw.timeoutPhase === 'headers' || raw.timeoutPhase === 'idle')
    error.timeoutPhase = raw.timeoutPhase;
  if (typeof raw.timeoutMs === 'number') error.timeoutMs = raw.timeoutMs;
  if (typeof raw.redirectHost === 'string') error.redirectHost = raw.redirectHost;
  if (raw.oversized === 'event' || raw.oversized === 'reply') error.oversized = raw.oversized;
  if (typeof raw.sizeLimit === 'number') error.sizeLimit = raw.sizeLimit;
  if (typeof raw.keyCharacter === 'number') error.keyCharacter = raw.keyCharacter;
  if (typeof raw.keyPosition === 'number') error.keyPosition = raw.keyPosition;
  return error;
}

function cleanToolCall(raw: unknown): ToolCall | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.type !== 'function' || !isObject(raw.function))
    return undefined;
  const { name, arguments: args } = raw.function;
  if (typeof name !== 'string' || typeof args !== 'string') return undefined;
  return { id: raw.id, type: 'function', function: { name, arguments: args } };
}

function cleanToolResult(raw: unknown): ToolResult | undefined {
  if (!isObject(raw) || typeof raw.toolCallId !== 'string' || typeof raw.content !== 'string') return undefined;
  const outcome = TOOL_OUTCOMES.find((known) => known === raw.outcome);
  const kind = TOOL_KINDS.find((known) => known === raw.kind);
  const title = typeof raw.title === 'string' && raw.title.length <= MAX_TOOL_TITLE_CHARS ? raw.title : undefined;
  return {
    toolCallId: raw.toolCallId,
    content: raw.content,
    ...(outcome ? { outcome } : {}),
    ...(title !== undefined && kind ? { title, kind } : {}),
  };
}

const TOOL_KINDS: readonly ToolKind[] = ['read', 'edit', 'create', 'command', 'external'];
/** A call's title is a line ("Read src/app.ts, lines 1–40"); a record with a longer one keeps the call without it. */
const MAX_TOOL_TITLE_CHARS = 2000;

/** The most characters of one attached item a record keeps (the workspace tools read at most 40,000). */
export const MAX_CONTEXT_ITEM_CHARS = 200_000;
const MAX_CONTEXT_LABEL_CHARS = 1100;

function cleanContextItem(raw: unknown): ContextItem | undefined {
  if (!isObject(raw) || typeof raw.kind !== 'string' || !(CONTEXT_KINDS as readonly string[]).includes(raw.kind))
    return undefined;
  const { label, path, text } = raw;
  if (typeof label !== 'string' || label.length === 0 || label.length > MAX_CONTEXT_LABEL_CHARS) return undefined;
  if (typeof text !== 'string' || text.length > MAX_CONTEXT_ITEM_CHARS) return undefined;
  if (path !== undefined && !isPlausibleWorkspacePath(path)) return undefined;
  const range = raw.range === undefined ? undefined : parseLineRange(raw.range);
  if (raw.range !== undefined && !range) return undefined;
  return {
    kind: raw.kind as ContextKind,
    label,
    ...(path !== undefined ? { path } : {}),
    ...(range ? { range } : {}),
    text,
  };
}

function cleanImage(raw: unknown, stored: ReadonlyMap<string, string> | undefined): ImageAttachment | undefined {
  if (!isObject(raw)) return undefined;
  const url =
    typeof raw.url === 'string' ? raw.url : typeof raw.ref === 'string' && stored ? stored.get(raw.ref) : undefined;
  if (url === undefined || !rasterDataUrlType(url)) return undefined;
  const detail = raw.detail === 'auto' || raw.detail === 'low' || raw.detail === 'high' ? raw.detail : undefined;
  const side = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 100_000;
  return {
    url,
    ...(detail ? { detail } : {}),
    ...(side(raw.width) && side(raw.height) ? { width: raw.width as number, height: raw.height as number } : {}),
    ...(typeof raw.name === 'string' && raw.name.length > 0 && raw.name.length <= 260 ? { name: raw.name } : {}),
  };
}

function cleanList<T>(raw: unknown, clean: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const items = raw.map(clean).filter((item): item is T => item !== undefined);
  return items.length > 0 ? items : undefined;
}

function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const time = new Date(value).getTime();
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
