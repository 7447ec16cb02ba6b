/**
 * B-1 (c): memory while a gateway sends one enormous SSE event, a `data:` line that never ends. The whole client
 * (`streamChatCompletion`) reads it from a Response whose body hands out fresh 64 KiB chunks as a socket would, with
 * the default 16 MiB event cap (ours) and with no cap (the baseline: what the client did before the cap). The peak is
 * the JavaScript heap plus array buffers above what was in use before the run, sampled at every chunk pulled and every
 * event yielded; a GC runs before each run.
 */
import { streamChatCompletion } from '../../src/core/chatClient';
import type { ChatCompletionRequest } from '../../src/core/chatTypes';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/core/streamLimits';
import { collectGarbage, fixed, median } from './harness';

export interface EventMemoryOptions {
  /** Size of the event the gateway sends, in MiB. */
  readonly eventMiB: number;
  /** Runs per contender (alternating); the median peak is reported. */
  readonly runs: number;
}

export const DEFAULT_EVENT_MEMORY_OPTIONS: EventMemoryOptions = { eventMiB: 64, runs: 3 };

const MiB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const encoder = new TextEncoder();

interface Run {
  /** Peak heap + array buffers above the start, in bytes. */
  readonly peak: number;
  /** Bytes the client pulled from the body. */
  readonly read: number;
  /** How the reply ended: an error kind (and what was oversized), or `done`. */
  readonly ended: string;
  readonly text: string;
}

function inUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const REQUEST: ChatCompletionRequest = {
  model: 'openai/gpt-4o',
  messages: [{ role: 'user', content: 'bench' }],
  stream: true,
};

async function runOnce(eventBytes: number, maxEventBytes: number): Promise<Run> {
  collectGarbage();
  const start = inUse();
  let peak = 0;
  const sample = () => {
    const now = inUse() - start;
    if (now > peak) peak = now;
  };
  const head = encoder.encode(
    'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"}}]}\n\n' +
      'data: {"choices":[{"index":0,"delta":{"content":"',
  );
  const letters = new Uint8Array(CHUNK_BYTES).fill(0x41);
  let read = 0;
  let headSent = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        sample();
        if (!headSent) {
          headSent = true;
          read += head.length;
          controller.enqueue(head.slice());
          return;
        }
        if (read >= eventBytes) {
          controller.close();
          return;
        }
        read += letters.length;
        controller.enqueue(letters.slice());
      },
    },
    { highWaterMark: 0 },
  );
  const options = {
    baseUrl: 'http://bench.invalid/v1',
    apiKey: 'sk-bench-0000000000',
    maxEventBytes,
    fetch: async () =>
      new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
  };
  let ended = 'done';
  let text = '';
  for await (const event of streamChatCompletion(options, REQUEST, new AbortController().signal)) {
    sample();
    if (event.type === 'text') text += event.text;
    if (event.type === 'error')
      ended = event.error.oversized ? `${event.error.kind} (${event.error.oversized})` : event.error.kind;
  }
  sample();
  return { peak, read, ended, text };
}

export async function runEventMemoryBench(
  options: EventMemoryOptions,
  print: (line: string) => void,
): Promise<{ goals: { ok: boolean; text: string }[]; problems: string[] }> {
  const eventBytes = options.eventMiB * MiB;
  print('');
  print(
    `(c) memory for one ${options.eventMiB} MiB data: line without a newline, in 64 KiB chunks: ` +
      `peak heap + array buffers above the start, median of ${options.runs} runs`,
  );
  const contenders = [
    { name: `ours (cap ${DEFAULT_MAX_EVENT_BYTES / MiB} MiB)`, cap: DEFAULT_MAX_EVENT_BYTES },
    { name: 'uncapped', cap: Infinity },
  ];
  const runs = new Map<string, Run[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (const contender of contenders) runs.get(contender.name)?.push(await runOnce(eventBytes, contender.cap));
  }
  const peaks = new Map<string, number>();
  for (const contender of contenders) {
    const results = runs.get(contender.name) ?? [];
    const peak = median(results.map((run) => run.peak));
    peaks.set(contender.name, peak);
    const last = results[results.length - 1];
    print(
      `  ${contender.name.padEnd(20)} peak ${fixed(peak / MiB, 1).padStart(6)} MiB` +
        ` (runs: ${results.map((run) => fixed(run.peak / MiB, 1)).join(', ')}),` +
        ` read ${fixed(last.read / MiB, 1)} MiB, ended: ${last.ended}`,
    );
  }
  const ours = peaks.get(contenders[0].name) ?? NaN;
  const uncapped = peaks.get(contenders[1].name) ?? NaN;
  const ratio = uncapped / ours;
  print(`  -> uncapped / ours: ${fixed(ratio, 1)}x`);

  const problems: string[] = [];
  const oursRuns = runs.get(contenders[0].name) ?? [];
  for (const run of oursRuns) {
    if (run.ended !== 'oversized (event)') problems.push(`(c) ours ended with ${run.ended}, not an oversized event`);
    if (run.text !== 'Hello') problems.push(`(c) ours kept ${JSON.stringify(run.text.slice(0, 20))}, not "Hello"`);
    if (run.read > DEFAULT_MAX_EVENT_BYTES + MiB)
      problems.push(`(c) ours read ${fixed(run.read / MiB, 1)} MiB, more than the cap and one MiB`);
  }
  const goals = [
    {
      ok: ours <= 3 * DEFAULT_MAX_EVENT_BYTES && ratio >= 2,
      text:
        `(c) ${options.eventMiB} MiB event: peak ours ${fixed(ours / MiB, 1)} MiB vs uncapped ${fixed(uncapped / MiB, 1)} MiB ` +
        `(${fixed(ratio, 1)}x less; goal: at most 3x the cap and at least 2x less)`,
    },
  ];
  return { goals, problems };
}
