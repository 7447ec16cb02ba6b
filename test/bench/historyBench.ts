/**
 * The history part of the benchmark: a conversation holding ten 4K screenshots (seeded PNG-sized data) gets a reply
 * that streams for a while, saved every so often as the chat does (every 2 s), then once more when it ends. Ours —
 * `RecordStore`: images stored once as files, the streaming reply to a journal — against rewriting the whole record
 * with its images inline at every save (what the store did before), on the same disk in the same run. Per save:
 * bytes written and the longest stall of the event loop (the extension host's thread: the longest stretch in which
 * nothing else could run). Also: a restarted window loading the conversation, and an import of a deeply nested
 * file. Goals: at least 20× fewer bytes per streaming save, no stall over 20 ms.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Conversation, type ConversationMessage } from '../../src/core/conversation';
import {
  IMPORT_LIMITS,
  parseRecordBytes,
  parseRecordText,
  serializeRecord,
  summaryOf,
  toRecord,
  type ConversationRecord,
} from '../../src/core/conversationRecord';
import { rasterDataUrlType } from '../../src/core/imageData';
import { RecordStore } from '../../src/core/recordStore';
import { isImageDataUrl } from '../../src/shared/protocol';
import { NodeFs } from '../support/nodeFs';
import { collectGarbage, fixed, median, seededRandom, table } from './harness';

export interface HistoryBenchOptions {
  readonly images: number;
  /** Bytes of each screenshot (a 4K screenshot as PNG is 3–6 MB). */
  readonly imageBytes: number;
  /** Saves while the reply streams. */
  readonly saves: number;
  /** Characters the reply grows by between two saves (about 2 s of a fast model). */
  readonly charsPerSave: number;
  readonly runs: number;
}

export const DEFAULT_HISTORY_BENCH_OPTIONS: HistoryBenchOptions = {
  images: 10,
  imageBytes: 4_500_000,
  saves: 20,
  charsPerSave: 240,
  runs: 3,
};

export interface HistoryBenchResult {
  readonly oursBytesPerSave: number;
  readonly wholeBytesPerSave: number;
  readonly bytesRatio: number;
  readonly oursLongestStallMs: number;
  readonly wholeLongestStallMs: number;
  readonly problems: string[];
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const times = { createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z' };

/** Measures the longest time the event loop could not run anything, while `work` runs. */
async function withStallWatch<T>(work: () => Promise<T>): Promise<{ value: T; longestMs: number }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  last = performance.now();
  const value = await work();
  await new Promise((resolve) => setImmediate(resolve));
  longest = Math.max(longest, performance.now() - last);
  running = false;
  return { value, longestMs: longest };
}

function screenshot(seed: number, bytes: number): string {
  const random = seededRandom(seed);
  const data = Buffer.alloc(bytes);
  // A PNG's signature and IHDR (3840×2160), then data that does not compress, as a screenshot's IDAT mostly is.
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  data.writeUInt32BE(3840, 16);
  data.writeUInt32BE(2160, 20);
  for (let index = 24; index + 4 <= bytes; index += 4) data.writeUInt32LE((random() * 0x1_0000_0000) >>> 0, index);
  // One flat string, as the panel's message brings it (a string built of pieces is copied whole when first read).
  return Buffer.from(`data:image/png;base64,${data.toString('base64')}`, 'latin1').toString('latin1');
}

function fixture(options: HistoryBenchOptions): { messages: ConversationMessage[]; chunks: string[] } {
  const random = seededRandom(9);
  const words = ['layout', 'button', 'margin', 'the', 'panel', 'overflows', 'because', 'flex', 'grid', 'width'];
  const prose = (length: number) => {
    let text = '';
    while (text.length < length) text += `${words[Math.floor(random() * words.length)]} `;
    return text.slice(0, length);
  };
  const messages: ConversationMessage[] = [];
  for (let index = 0; index < options.images; index += 1) {
    messages.push({
      id: `u-${index}`,
      role: 'user',
      text: `Screenshot ${index + 1}: ${prose(200)}`,
      status: 'done',
      images: [
        {
          url: screenshot(100 + index, options.imageBytes),
          detail: 'high',
          width: 3840,
          height: 2160,
          name: `s${index}.png`,
        },
      ],
    });
    messages.push({ id: `a-${index}`, role: 'assistant', text: prose(1_500), status: 'done', model: 'bench/model' });
  }
  messages.push({ id: 'u-last', role: 'user', text: 'Compare all of them.', status: 'done' });
  const chunks = Array.from({ length: options.saves }, () => prose(options.charsPerSave));
  return { messages, chunks };
}

interface SaveStats {
  readonly bytes: number[];
  readonly stalls: number[];
  readonly firstBytes: number;
  readonly firstStallMs: number;
  readonly endBytes: number;
  readonly endStallMs: number;
  readonly loadStallMs: number;
  /** The files left by this contender, loaded by our store (for the whole-record one: an older record). */
  readonly storeLoadStallMs: number;
  readonly loaded: ConversationRecord | undefined;
}

type Saver = {
  readonly bytesWritten: () => number;
  save(record: ConversationRecord): Promise<void>;
  load(id: string): Promise<ConversationRecord | undefined>;
};

/** Ours: the store, with the revision carried from save to save as the chat's history does. */
function oursSaver(folder: string): Saver {
  const disk = new NodeFs(folder);
  const store = new RecordStore(disk, quiet);
  let revision: number | undefined;
  return {
    bytesWritten: () => disk.bytesWritten,
    async save(record) {
      revision = (await store.save(record, revision)).revision;
    },
    load: (id) => new RecordStore(new NodeFs(folder), quiet).load(id),
  };
}

/** Before: the whole record, images inline, written (atomically) at every save, then the index. */
function wholeRecordSaver(folder: string): Saver {
  const disk = new NodeFs(folder);
  let counter = 0;
  const writeAtomically = async (name: string, text: string) => {
    counter += 1;
    const tmp = `${name}.${counter}.tmp`;
    await disk.writeFile(tmp, new TextEncoder().encode(text));
    await disk.rename(tmp, name, true);
  };
  return {
    bytesWritten: () => disk.bytesWritten,
    async save(record) {
      await writeAtomically(`${record.id}.json`, serializeRecord(record));
      await writeAtomically(
        'index.json',
        `${JSON.stringify({ version: 1, conversations: [summaryOf(record)] }, null, 2)}\n`,
      );
    },
    async load(id) {
      const bytes = await disk.readFile(`${id}.json`);
      const parsed = bytes && parseRecordText(new TextDecoder().decode(bytes));
      return parsed && parsed.ok ? parsed.record : undefined;
    },
  };
}

async function runOnce(options: HistoryBenchOptions, make: (folder: string) => Saver): Promise<SaveStats> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-history-bench-'));
  try {
    const { messages, chunks } = fixture(options);
    const conversation = new Conversation({ id: 'c-bench', messages });
    const saver = make(folder);
    const saveNow = async () => {
      const before = saver.bytesWritten();
      const { longestMs } = await withStallWatch(() => saver.save(toRecord(conversation, times)));
      return { bytes: saver.bytesWritten() - before, stallMs: longestMs };
    };
    collectGarbage();
    const first = await saveNow();
    const reply = conversation.startAssistantMessage();
    const bytes: number[] = [];
    const stalls: number[] = [];
    for (const chunk of chunks) {
      reply.text += chunk;
      collectGarbage();
      const save = await saveNow();
      bytes.push(save.bytes);
      stalls.push(save.stallMs);
    }
    reply.status = 'done';
    const end = await saveNow();
    collectGarbage();
    const { value: loaded, longestMs: loadStallMs } = await withStallWatch(() => saver.load(conversation.id));
    collectGarbage();
    const { value: again, longestMs: storeLoadStallMs } = await withStallWatch(() =>
      new RecordStore(new NodeFs(folder), quiet).load(conversation.id),
    );
    if (again?.messages.at(-1)?.text !== reply.text) throw new Error('the store did not load what was saved');
    return {
      storeLoadStallMs,
      bytes,
      stalls,
      firstBytes: first.bytes,
      firstStallMs: first.stallMs,
      endBytes: end.bytes,
      endStallMs: end.stallMs,
      loadStallMs,
      loaded,
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** A 7.6 MiB file nested millions of levels deep: the longest stall to refuse it (ours) or to parse it (before). */
async function nestedImport(): Promise<{ oursMs: number; beforeMs: number; refused: boolean }> {
  const depth = 4 * 1024 * 1024 - 100;
  const text = `{"version":1,"id":"c-x","messages":[{"id":"u","role":"user","text":"hi"}],"junk":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const bytes = new TextEncoder().encode(text);
  // Warm-up: the first call of each compiles its code.
  await parseRecordBytes(
    new TextEncoder().encode('{"version":1,"id":"c-w","messages":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}'),
    IMPORT_LIMITS,
  );
  parseRecordText('{"version":1,"id":"c-w","messages":[{"id":"u","role":"user","text":"w"}]}');
  const ours = await withStallWatch(() => parseRecordBytes(bytes, IMPORT_LIMITS));
  const before = await withStallWatch(() => Promise.resolve(parseRecordText(new TextDecoder().decode(bytes))));
  return { oursMs: ours.longestMs, beforeMs: before.longestMs, refused: !ours.value.ok };
}

/**
 * A panel show (its snapshot): the host's check of each image it shows, and what the snapshot carries for the
 * images — ours: the webview address of each stored file; before: every data URL again.
 */
async function panelShow(
  options: HistoryBenchOptions,
): Promise<{ oursMs: number; beforeMs: number; oursChars: number; beforeChars: number }> {
  // The snapshot shows the conversation's own messages: the same strings the store saw.
  const { messages } = fixture(options);
  const images = messages.flatMap((message) => message.images ?? []);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-history-bench-'));
  try {
    const store = new RecordStore(new NodeFs(folder), quiet);
    await store.save(toRecord(new Conversation({ id: 'c-show', messages }), times));
    const address = (key: string) =>
      `https://file+.vscode-resource.vscode-cdn.net${folder}/images/${key}?id=0123456789abcdef`;
    const ours = await withStallWatch(() =>
      Promise.resolve(
        JSON.stringify(
          images
            .filter((image) => rasterDataUrlType(image.url))
            .map((image) => {
              const key = store.imageKeyOf(image.url);
              return key ? { ...image, url: address(key), key } : image;
            }),
        ),
      ),
    );
    const before = await withStallWatch(() =>
      Promise.resolve(JSON.stringify(images.filter((image) => isImageDataUrl(image.url)))),
    );
    return {
      oursMs: ours.longestMs,
      beforeMs: before.longestMs,
      oursChars: ours.value.length,
      beforeChars: before.value.length,
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

const MB = 1024 * 1024;

export async function runHistoryBench(options: HistoryBenchOptions): Promise<HistoryBenchResult> {
  console.log(
    `\n== History: saving while a reply streams, in a conversation with ${options.images} screenshots of ` +
      `${fixed(options.imageBytes / MB)} MB (${options.saves} saves, ${options.runs} runs) ==`,
  );
  const ours: SaveStats[] = [];
  const whole: SaveStats[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    ours.push(await runOnce(options, oursSaver));
    whole.push(await runOnce(options, wholeRecordSaver));
  }
  const problems: string[] = [];
  const expected = fixture(options);
  for (const [name, stats] of [
    ['ours', ours],
    ['whole record', whole],
  ] as const) {
    const loaded = stats.at(-1)?.loaded;
    const text = expected.chunks.join('');
    if (!loaded || loaded.messages.at(-1)?.text !== text || loaded.messages.length !== expected.messages.length + 1)
      problems.push(`${name}: the conversation loaded after the saves is not the one saved`);
    else if (loaded.messages[0]?.images?.[0]?.url !== expected.messages[0]?.images?.[0]?.url)
      problems.push(`${name}: the images loaded are not the ones saved`);
  }

  const perSave = (stats: SaveStats[]) => median(stats.map((run) => median(run.bytes)));
  const longest = (stats: SaveStats[], pick: (run: SaveStats) => number) => median(stats.map(pick));
  const oursBytes = perSave(ours);
  const wholeBytes = perSave(whole);
  const oursStall = longest(ours, (run) => Math.max(...run.stalls));
  const wholeStall = longest(whole, (run) => Math.max(...run.stalls));
  const kb = (bytes: number) => (bytes >= MB ? `${fixed(bytes / MB)} MB` : `${fixed(bytes / 1024)} KB`);
  const row = (label: string, a: number, b: number, unit: (value: number) => string) => [
    label,
    unit(a),
    unit(b),
    a > 0 ? `${fixed(b / a)}×` : '–',
  ];
  const ms = (value: number) => `${fixed(value)} ms`;
  console.log(
    table(
      ['median over runs', 'ours', 'whole record', 'ratio'],
      [
        row('bytes per streaming save (median)', oursBytes, wholeBytes, kb),
        row('longest stall of any streaming save', oursStall, wholeStall, ms),
        row(
          'streaming save stall (median)',
          longest(ours, (run) => median(run.stalls)),
          longest(whole, (run) => median(run.stalls)),
          ms,
        ),
        row(
          'first save (images stored): bytes',
          median(ours.map((run) => run.firstBytes)),
          median(whole.map((run) => run.firstBytes)),
          kb,
        ),
        row(
          'first save: longest stall',
          median(ours.map((run) => run.firstStallMs)),
          median(whole.map((run) => run.firstStallMs)),
          ms,
        ),
        row(
          'save at the end of the reply: bytes',
          median(ours.map((run) => run.endBytes)),
          median(whole.map((run) => run.endBytes)),
          kb,
        ),
        row(
          'save at the end: longest stall',
          median(ours.map((run) => run.endStallMs)),
          median(whole.map((run) => run.endStallMs)),
          ms,
        ),
        row(
          'our store loads what each left: longest stall',
          median(ours.map((run) => run.storeLoadStallMs)),
          median(whole.map((run) => run.storeLoadStallMs)),
          ms,
        ),
        row(
          'a restarted window loads it: longest stall',
          median(ours.map((run) => run.loadStallMs)),
          median(whole.map((run) => run.loadStallMs)),
          ms,
        ),
      ],
    ),
  );
  const nested = await nestedImport();
  console.log(
    table(
      ['import of a 7.6 MiB file nested 4M levels deep', 'ours', 'before', 'ratio'],
      [
        [
          nested.refused ? 'longest stall (ours: refused)' : 'longest stall (ours: ACCEPTED)',
          ms(nested.oursMs),
          ms(nested.beforeMs),
          `${fixed(nested.beforeMs / Math.max(nested.oursMs, 0.001))}×`,
        ],
      ],
    ),
  );
  if (!nested.refused) problems.push('the nested import was accepted');
  const show = await panelShow(options);
  console.log(
    table(
      ['each show of the panel (its snapshot)', 'ours', 'before', 'ratio'],
      [
        row('image data posted to the panel', show.oursChars, show.beforeChars, kb),
        row('longest stall building and serializing its images', show.oursMs, show.beforeMs, ms),
      ],
    ),
  );
  const ratio = wholeBytes / Math.max(oursBytes, 1);
  const goals = [
    `bytes per streaming save: ${fixed(ratio)}× fewer (goal ≥ 20×) ${ratio >= 20 ? 'met' : 'MISSED'}`,
    `longest stall of a streaming save: ${ms(oursStall)} (goal ≤ 20 ms) ${oursStall <= 20 ? 'met' : 'MISSED'}`,
  ];
  for (const goal of goals) console.log(goal);
  for (const problem of problems) console.log(`PROBLEM: ${problem}`);
  return {
    oursBytesPerSave: oursBytes,
    wholeBytesPerSave: wholeBytes,
    bytesRatio: ratio,
    oursLongestStallMs: oursStall,
    wholeLongestStallMs: wholeStall,
    problems,
  };
}
