/**
 * B-1: SSE parsing throughput and scaling (Node only). Our pipeline against the `openai` package's stream parser, a
 * naive `buf += s; split('\n\n')` parser, and a floor that only runs `JSON.parse` on the same event payloads.
 *
 * (a) 20,000 small OpenAI-style deltas delivered in 64 B, 1,460 B (one TCP segment) and 16 KiB network chunks, and one
 *     event per chunk;
 * (b) one `data:` line of 1, 2, 4 and 8 MiB (base64-like) in 1,460 B fragments: the time ratio per size doubling
 *     tells linear (≈ 2) from quadratic (≈ 4). Hostile-corpus case B7-42 (8 MiB in linear time) is asserted: an
 *     overall ratio above 3 per doubling fails the run;
 * (c) the memory peak of a 64 MiB event that never ends, with the event cap and without (sseMemoryBench.ts).
 *
 * Contenders:
 * - ours:        the event-size count (src/core/streamLimits.ts), TextDecoder (stream mode) and ChatStreamDecoder
 *                (src/core/chatStreamDecoder.ts), fed the byte chunks;
 * - ours+client: the whole `streamChatCompletion` over a Response whose body is a ReadableStream of the chunks
 *                (reader, idle timer, decoder, events): what the extension runs;
 * - openai:      `Stream.fromSSEResponse` of the `openai` package over `new Response(ReadableStream of the chunks)`;
 * - naive:       TextDecoder + `buf += s; buf.split('\n\n')` + JSON.parse of each `data:` line;
 * - SSE+JSON floor: TextDecoder + eventsource-parser + JSON.parse, no event logic (the framing any parser pays);
 * - JSON floor:  `JSON.parse` of the pre-extracted `data:` payloads, nothing else (the goal's reference).
 * Every contender returns the concatenated `delta.content`; all must be equal (output equivalence).
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/streaming';
import { streamChatCompletion } from '../../src/core/chatClient';
import { ChatStreamDecoder } from '../../src/core/chatStreamDecoder';
import type { ChatCompletionRequest, ChatEvent } from '../../src/core/chatTypes';
import { DEFAULT_MAX_EVENT_BYTES, SseEventBudget } from '../../src/core/streamLimits';
import { fixed, iqr, measureAlternating, median, seededRandom, table, type Contender } from './harness';
import { DEFAULT_EVENT_MEMORY_OPTIONS, runEventMemoryBench, type EventMemoryOptions } from './sseMemoryBench';

export interface SseBenchOptions {
  /** Measured runs per case (after warm-up). */
  readonly runs: number;
  readonly warmup: number;
  /** Large-line sizes in MiB. */
  readonly sizesMiB: readonly number[];
  /** Deltas in scenario (a). */
  readonly deltas: number;
  /** A contender whose warm-up run on a large line takes longer than this is measured fewer times … */
  readonly slowMs: number;
  /** … this many. */
  readonly slowRuns: number;
  /** A contender whose median on a large line exceeds this is not run on the next (doubled) size. */
  readonly skipAboveMs: number;
  /** Part (c). */
  readonly eventMemory: EventMemoryOptions;
}

export const DEFAULT_SSE_BENCH_OPTIONS: SseBenchOptions = {
  runs: 7,
  warmup: 2,
  sizesMiB: [1, 2, 4, 8],
  deltas: 20_000,
  slowMs: 3_000,
  slowRuns: 3,
  skipAboveMs: 5_000,
  eventMemory: DEFAULT_EVENT_MEMORY_OPTIONS,
};

/** B7-42: an overall time ratio per doubling above this (linear is ≈ 2, quadratic ≈ 4) fails the run. */
const LINEAR_RATIO_LIMIT = 3;

interface Input {
  readonly chunks: readonly Uint8Array[];
  /** The `data:` payloads, for the JSON.parse floor. */
  readonly payloads: readonly string[];
}

interface Output {
  readonly text: string;
}

interface StreamFixture {
  readonly bytes: Uint8Array;
  readonly payloads: string[];
  readonly text: string;
  readonly events: number;
}

const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

const PIECES = [
  'the',
  ' ',
  'a',
  'and',
  ', ',
  '.',
  '\n',
  'stream',
  'ing',
  ' token',
  'é',
  'ü',
  '日本',
  '語',
  '👋',
  '"q"',
  '\\',
  '{',
  '}',
  '`',
  '-',
  '1',
  '42',
  'ok',
];

function chunkJson(id: string, delta: Record<string, unknown>, finishReason: string | null): string {
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: 1_767_225_600,
    model: 'openai/gpt-4o-2024-08-06',
    system_fingerprint: 'fp_bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
}

function toFixture(payloads: string[], text: string): StreamFixture {
  const body = payloads.map((payload) => `data: ${payload}\n\n`).join('');
  return { bytes: encoder.encode(body), payloads, text, events: payloads.length };
}

/** A realistic stream: a role chunk, `count` content deltas of 1–8 characters, a finish chunk, usage, [DONE]. */
export function smallDeltaStream(count: number, seed = 42): StreamFixture {
  const random = seededRandom(seed);
  const id = 'chatcmpl-bench0000000000000000000001';
  const payloads = [chunkJson(id, { role: 'assistant', content: '' }, null)];
  let text = '';
  for (let i = 0; i < count; i++) {
    let content = '';
    const target = 1 + Math.floor(random() * 8);
    while ([...content].length < target) content += PIECES[Math.floor(random() * PIECES.length)];
    content = [...content].slice(0, target).join('');
    text += content;
    payloads.push(chunkJson(id, { content }, null));
  }
  payloads.push(chunkJson(id, {}, 'stop'));
  payloads.push(
    JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created: 1_767_225_600,
      model: 'openai/gpt-4o-2024-08-06',
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: count, total_tokens: count + 12 },
    }),
  );
  payloads.push('[DONE]');
  return toFixture(payloads, text);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One event whose `delta.content` is `bytes` of base64-like text (one `data:` line, no newlines), then finish and [DONE]. */
export function largeLineStream(bytes: number, seed = 7): StreamFixture {
  const random = seededRandom(seed);
  const letters = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) letters[i] = BASE64.charCodeAt(Math.floor(random() * 64));
  const content = new TextDecoder().decode(letters);
  const id = 'chatcmpl-bench0000000000000000000002';
  const payloads = [chunkJson(id, { role: 'assistant', content }, null), chunkJson(id, {}, 'stop'), '[DONE]'];
  return toFixture(payloads, content);
}

/** Cuts bytes into network chunks of `size` bytes (copies, as a socket delivers separate buffers). */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.slice(start, start + size));
  return chunks;
}

/** One chunk per SSE event (each ends with its blank line). */
export function chunksPerEvent(fixture: StreamFixture): Uint8Array[] {
  return fixture.payloads.map((payload) => encoder.encode(`data: ${payload}\n\n`));
}

// ---------------------------------------------------------------------------------------------------------------
// Contenders

function readableOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else controller.close();
    },
  });
}

function sseResponse(chunks: readonly Uint8Array[]): Response {
  return new Response(readableOf(chunks), {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  });
}

function textOf(events: readonly ChatEvent[], into: { text: string }): void {
  for (const event of events) {
    if (event.type === 'text') into.text += event.text;
    else if (event.type === 'error') throw new Error(`stream error: ${event.error.kind}: ${event.error.message}`);
  }
}

const ours: Contender<Input, Output> = {
  name: 'ours',
  run({ chunks }) {
    const decoder = new ChatStreamDecoder('bench');
    const textDecoder = new TextDecoder('utf-8');
    const budget = new SseEventBudget(DEFAULT_MAX_EVENT_BYTES);
    const out = { text: '' };
    for (const chunk of chunks) {
      if (decoder.closed) break;
      if (budget.accept(chunk) < chunk.length) throw new Error('event over the cap');
      textOf(decoder.feed(textDecoder.decode(chunk, { stream: true })), out);
    }
    if (!decoder.closed) textOf(decoder.feed(textDecoder.decode()), out);
    textOf(decoder.end(), out);
    return out;
  },
};

const BENCH_REQUEST: ChatCompletionRequest = {
  model: 'openai/gpt-4o',
  messages: [{ role: 'user', content: 'bench' }],
  stream: true,
};

const oursClient: Contender<Input, Output> = {
  name: 'ours+client',
  async run({ chunks }) {
    const out = { text: '' };
    const options = {
      baseUrl: 'http://bench.invalid/v1',
      apiKey: 'sk-bench-0000000000',
      fetch: async () => sseResponse(chunks),
    };
    for await (const event of streamChatCompletion(options, BENCH_REQUEST, new AbortController().signal))
      textOf([event], out);
    return out;
  },
};

interface OpenAiChunk {
  readonly choices?: readonly { readonly delta?: { readonly content?: string | null } }[];
}

const openai: Contender<Input, Output> = {
  name: 'openai',
  async run({ chunks }) {
    const stream = Stream.fromSSEResponse<OpenAiChunk>(sseResponse(chunks), new AbortController());
    let text = '';
    for await (const chunk of stream) {
      const content = chunk.choices?.[0]?.delta?.content;
      if (typeof content === 'string') text += content;
    }
    return { text };
  },
};

const naive: Contender<Input, Output> = {
  name: 'naive',
  run({ chunks }) {
    const decoder = new TextDecoder('utf-8');
    let buffer = '';
    let text = '';
    let done = false;
    const handle = (block: string) => {
      for (const line of block.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trimStart();
        if (data === '[DONE]') {
          done = true;
          return;
        }
        const content = (JSON.parse(data) as OpenAiChunk).choices?.[0]?.delta?.content;
        if (typeof content === 'string') text += content;
      }
    };
    for (const chunk of chunks) {
      buffer += decoder.decode(chunk, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) if (!done) handle(block);
      if (done) break;
    }
    buffer += decoder.decode();
    if (!done && buffer) handle(buffer);
    return { text };
  },
};

/** The framing every SSE pipeline pays: UTF-8 decoding and eventsource-parser, then JSON.parse; no event logic. */
const framingFloor: Contender<Input, Output> = {
  name: 'SSE+JSON floor',
  run({ chunks }) {
    let text = '';
    const parser = createParser({
      onEvent: ({ data }) => {
        if (data === '[DONE]') return;
        const content = (JSON.parse(data) as OpenAiChunk).choices?.[0]?.delta?.content;
        if (typeof content === 'string') text += content;
      },
    });
    const decoder = new TextDecoder('utf-8');
    for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
    parser.feed(decoder.decode());
    parser.feed('\n\n');
    return { text };
  },
};

const floor: Contender<Input, Output> = {
  name: 'JSON floor',
  run({ payloads }) {
    let text = '';
    for (const payload of payloads) {
      if (payload === '[DONE]') break;
      const content = (JSON.parse(payload) as OpenAiChunk).choices?.[0]?.delta?.content;
      if (typeof content === 'string') text += content;
    }
    return { text };
  },
};

export const CONTENDERS: readonly Contender<Input, Output>[] = [ours, oursClient, openai, naive, framingFloor, floor];

/**
 * The longest time one network chunk takes in our decoder (each chunk is handled after an await in the client, so
 * this is the longest task it puts on the extension host), median of three passes.
 */
function longestFeed(fixture: StreamFixture, chunkBytes: number): number {
  const passes: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const decoder = new ChatStreamDecoder('bench');
    const textDecoder = new TextDecoder('utf-8');
    const budget = new SseEventBudget(DEFAULT_MAX_EVENT_BYTES);
    let longest = 0;
    for (const chunk of chunksOf(fixture.bytes, chunkBytes)) {
      const started = performance.now();
      budget.accept(chunk);
      decoder.feed(textDecoder.decode(chunk, { stream: true }));
      longest = Math.max(longest, performance.now() - started);
    }
    decoder.end();
    passes.push(longest);
  }
  return median(passes);
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function openaiVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('openai/package.json') as { version: string }).version;
  } catch {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('openai/version') as { VERSION: string }).VERSION;
    } catch {
      return 'unknown';
    }
  }
}

function eventsourceParserVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('eventsource-parser/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface GoalLine {
  readonly ok: boolean;
  readonly text: string;
}

function checkEquivalence(
  label: string,
  expected: string,
  samples: Map<string, { output: Output }>,
  problems: string[],
): string {
  const mismatched = [...samples]
    .filter(([, sample]) => sample.output && sample.output.text !== expected)
    .map(([name]) => name);
  if (mismatched.length > 0) problems.push(`${label}: output differs for ${mismatched.join(', ')}`);
  return mismatched.length === 0 ? 'same text from every parser' : `DIFFERENT text from ${mismatched.join(', ')}`;
}

export async function runSseBench(
  options: SseBenchOptions = DEFAULT_SSE_BENCH_OPTIONS,
  print: (line: string) => void = console.log,
): Promise<{ goals: GoalLine[]; problems: string[] }> {
  const goals: GoalLine[] = [];
  const problems: string[] = [];
  print('== B-1 SSE parsing: throughput and scaling ==');
  print(
    `node ${process.version}, openai ${openaiVersion()} (Stream.fromSSEResponse), eventsource-parser ${eventsourceParserVersion()}; ` +
      `${options.warmup} warm-up + ${options.runs} measured runs per case, contenders alternating in one process`,
  );
  print(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${loadAverage()} (medians are noisy when it is high)`,
  );

  // (a) small deltas
  const small = smallDeltaStream(options.deltas);
  const mib = small.bytes.length / (1024 * 1024);
  print('');
  print(
    `(a) ${options.deltas.toLocaleString('en-US')} small deltas: ${small.events.toLocaleString('en-US')} events, ${fixed(mib, 2)} MiB`,
  );
  const deliveries: [string, Uint8Array[]][] = [
    ['64 B', chunksOf(small.bytes, 64)],
    ['1460 B', chunksOf(small.bytes, 1460)],
    ['16 KiB', chunksOf(small.bytes, 16 * 1024)],
    ['1 event/chunk', chunksPerEvent(small)],
  ];
  const rows: string[][] = [];
  for (const [label, chunks] of deliveries) {
    const samples = await measureAlternating(
      CONTENDERS,
      { chunks, payloads: small.payloads },
      { warmup: options.warmup, runs: options.runs },
    );
    const equivalence = checkEquivalence(`(a) ${label}`, small.text, samples, problems);
    const medians = new Map([...samples].map(([name, sample]) => [name, median(sample.times)]));
    const floorMs = medians.get(floor.name) ?? NaN;
    const oursMs = medians.get(ours.name) ?? NaN;
    for (const [name, sample] of samples) {
      const ms = medians.get(name) ?? NaN;
      rows.push([
        `${label} (${chunks.length.toLocaleString('en-US')} chunks)`,
        name,
        fixed(ms, 2),
        fixed(iqr(sample.times), 2),
        fixed(Math.min(...sample.times), 2),
        fixed(mib / (ms / 1000), 1),
        fixed(small.events / (ms / 1000) / 1000, 0),
        fixed(ms / oursMs, 2),
        fixed(ms / floorMs, 2),
      ]);
    }
    rows.push([`  -> ${equivalence}`]);
    const openaiMs = medians.get(openai.name) ?? NaN;
    const clientMs = medians.get(oursClient.name) ?? NaN;
    goals.push({
      ok: oursMs <= openaiMs && clientMs <= openaiMs,
      text: `(a) ${label}: throughput at least openai's: ours ${fixed(mib / (oursMs / 1000), 1)} MiB/s, ours+client ${fixed(mib / (clientMs / 1000), 1)} MiB/s, openai ${fixed(mib / (openaiMs / 1000), 1)} MiB/s`,
    });
    goals.push({
      ok: oursMs <= 1.5 * floorMs,
      text:
        `(a) ${label}: ours within 1.5x of the JSON.parse floor: ${fixed(oursMs / floorMs, 2)}x ` +
        `(ours+client ${fixed(clientMs / floorMs, 2)}x; ours vs the SSE+JSON floor ${fixed(oursMs / (medians.get(framingFloor.name) ?? NaN), 2)}x)`,
    });
  }
  print(
    table(['delivery', 'parser', 'median ms', 'IQR ms', 'min ms', 'MiB/s', 'k events/s', 'x ours', 'x floor'], rows, 2),
  );

  // (b) one large line
  print('');
  print(`(b) one data: line of ${options.sizesMiB.join(', ')} MiB (base64-like) in 1460 B fragments`);
  const largeRows: string[][] = [];
  const previous = new Map<string, number>();
  const skipped = new Set<string>();
  const ratios = new Map<string, number[]>();
  for (const size of options.sizesMiB) {
    const fixture = largeLineStream(size * 1024 * 1024);
    const chunks = chunksOf(fixture.bytes, 1460);
    const active = CONTENDERS.filter((contender) => !skipped.has(contender.name));
    const started = performance.now();
    const samples = await measureAlternating(
      active,
      { chunks, payloads: fixture.payloads },
      {
        warmup: 1,
        runs: options.runs,
        slowMs: options.slowMs,
        slowRuns: options.slowRuns,
      },
    );
    const equivalence = checkEquivalence(`(b) ${size} MiB`, fixture.text, samples, problems);
    const floorMs = median(samples.get(floor.name)?.times ?? []);
    const oursMs = median(samples.get(ours.name)?.times ?? []);
    for (const contender of CONTENDERS) {
      const sample = samples.get(contender.name);
      if (!sample) {
        const before = previous.get(contender.name);
        const projected = before !== undefined ? ` (≈ ${fixed((before * 4) / 1000, 0)} s per run if quadratic)` : '';
        largeRows.push([`  -> ${contender.name}: skipped${projected}`]);
        previous.set(contender.name, before !== undefined ? before * 4 : NaN);
        continue;
      }
      const ms = median(sample.times);
      const before = previous.get(contender.name);
      const ratio = before !== undefined ? ms / before : NaN;
      if (Number.isFinite(ratio)) ratios.set(contender.name, [...(ratios.get(contender.name) ?? []), ratio]);
      previous.set(contender.name, ms);
      largeRows.push([
        `${size} MiB (${chunks.length.toLocaleString('en-US')} fragments)`,
        contender.name,
        fixed(ms, 1),
        fixed(iqr(sample.times), 1),
        fixed(Math.min(...sample.times), 1),
        `${sample.times.length}`,
        fixed(size / (ms / 1000), 1),
        Number.isFinite(ratio) ? fixed(ratio, 2) : '',
        fixed(ms / oursMs, 2),
        fixed(ms / floorMs, 2),
      ]);
      if (ms > options.skipAboveMs) skipped.add(contender.name);
    }
    largeRows.push([`  -> ${equivalence}; case took ${fixed((performance.now() - started) / 1000, 1)} s`]);
  }
  print(
    table(
      ['size', 'parser', 'median ms', 'IQR ms', 'min ms', 'runs', 'MiB/s', 'x per doubling', 'x ours', 'x floor'],
      largeRows,
      2,
    ),
  );
  const skippedNote = [...skipped].filter((name) => (ratios.get(name)?.length ?? 0) < options.sizesMiB.length - 1);
  if (skippedNote.length > 0) {
    print(
      `  skipped at larger sizes once a median exceeded ${fixed(options.skipAboveMs / 1000, 0)} s: ${skippedNote.join(', ')}`,
    );
  }
  print(
    `  runs < ${options.runs}: a contender whose warm-up took over ${fixed(options.slowMs / 1000, 0)} s is measured ${options.slowRuns} times`,
  );
  for (const [name, values] of ratios) {
    // The geometric mean of the per-doubling ratios is (last / first) ^ (1 / doublings): the overall growth per
    // doubling, less sensitive to one noisy size than any single ratio.
    const overall = Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
    const listed = values.map((value) => fixed(value, 2)).join(', ');
    print(`  ${name.padEnd(15)} time ratio per doubling: ${listed} (overall ${fixed(overall, 2)} per doubling)`);
    if (name === ours.name || name === oursClient.name) {
      goals.push({
        ok: overall <= 2.3,
        text: `(b) ${name}: time ratio per doubling near 2 (overall ≤ 2.3): ${fixed(overall, 2)} (${listed})`,
      });
      if (options.sizesMiB.includes(8)) {
        const linear = overall <= LINEAR_RATIO_LIMIT;
        const line =
          `[B7-42] ${name}: one 8 MiB line in 1460 B fragments in linear time: ratios per doubling ${listed}, ` +
          `overall ${fixed(overall, 2)} (asserted ≤ ${LINEAR_RATIO_LIMIT}; quadratic would be ≈ 4)`;
        print(`  ${linear ? 'PASS' : 'FAIL'} ${line}`);
        if (!linear) problems.push(line);
      }
    }
  }
  if (!options.sizesMiB.includes(8)) print('  [B7-42] not measured: this run has no 8 MiB size (--quick)');
  const longest = longestFeed(largeLineStream(8 * 1024 * 1024), 1460);
  goals.push({
    ok: longest <= 50,
    text: `(b) [B7-42] longest single chunk (the one that ends the 8 MiB line: join, JSON.parse) ${fixed(longest, 1)} ms (goal ≤ 50 ms)`,
  });
  const lastSize = options.sizesMiB[options.sizesMiB.length - 1];
  const lastRow = largeRows.filter(
    (row) => row.length > 1 && row[0].startsWith(`${lastSize} MiB`) && row[1] === ours.name,
  )[0];
  const framingRow = largeRows.filter(
    (row) => row.length > 1 && row[0].startsWith(`${lastSize} MiB`) && row[1] === framingFloor.name,
  )[0];
  if (lastRow) {
    goals.push({
      ok: Number(lastRow[9]) <= 1.5,
      text: `(b) ${lastSize} MiB: ours within 1.5x of the JSON.parse floor: ${lastRow[9]}x (SSE+JSON floor: ${framingRow?.[9] ?? '–'}x)`,
    });
  }

  const memory = await runEventMemoryBench(options.eventMemory, print);
  goals.push(...memory.goals);
  problems.push(...memory.problems);

  print(`load average at the end: ${loadAverage()}`);
  print('');
  print('Goals (reported, not asserted):');
  for (const goal of goals) print(`  ${goal.ok ? 'met   ' : 'MISSED'}  ${goal.text}`);
  if (problems.length > 0) {
    print('Problems:');
    for (const problem of problems) print(`  ${problem}`);
  }
  return { goals, problems };
}
