/**
 * The render part of `npm run bench`: the panel's incremental markdown renderer (the real bundle, dist/webview.js, in
 * headless Chromium under the production CSP, driven by the same `delta` messages the host sends) against a naive
 * renderer (markdown-it parses the whole reply and the container's HTML is replaced on every chunk; it lives only in
 * this benchmark's page). Contenders alternate, each run in a fresh page.
 *
 * "Per update" is the synchronous work of applying one chunk, rendering it and laying out the page, measured in the
 * page with `performance.now()`: requestAnimationFrame is made synchronous so the panel renders inside the dispatch
 * of the delta, and a read of `scrollHeight` after it stands for the layout the next frame does (the panel itself
 * never forces one: it follows the bottom after the frame's layout). "Script only" leaves that layout out.
 *
 * "Chunk to paint" streams in real time with real frames, one chunk every 50 ms (about 100 tokens per second), and
 * measures from the dispatch of a delta to the first task after the next frame (a requestAnimationFrame callback,
 * registered after the panel's own, then a message-channel task: the frame's style, layout and paint are done by
 * then).
 */
import * as esbuild from 'esbuild';
import { PanelHarness, REPO_ROOT, assistantMessage, snapshot, userMessage, type PanelPage } from '../support/panelPage';
import { fixed, median, quantile, seededRandom, table } from './harness';

export interface RenderBenchOptions {
  /** Size of the streamed reply, in characters. */
  readonly replyChars: number;
  readonly chunkChars: number;
  /** Measured runs per contender (alternating); one warm-up run each before. */
  readonly runs: number;
  /** Characters of the reply streamed for the long-conversation comparison. */
  readonly conversationReplyChars: number;
  readonly conversationSizes: readonly [number, number];
  /** Reply lengths (characters) at which per-update times are reported. */
  readonly checkpoints: readonly number[];
  /** Chunks streamed in real time (one per `paintIntervalMs`) for the chunk-to-paint latency. */
  readonly paintChunks: number;
  readonly paintIntervalMs: number;
}

export const DEFAULT_RENDER_BENCH_OPTIONS: RenderBenchOptions = {
  replyChars: 50_000,
  chunkChars: 20,
  runs: 3,
  conversationReplyChars: 20_000,
  conversationSizes: [50, 1000],
  checkpoints: [10_000, 25_000, 50_000],
  paintChunks: 120,
  paintIntervalMs: 50,
};

const WORDS = 'the a stream reply token render block parser panel host message chunk model gateway fast small view code list table'.split(' ');

/** A reply like a long model answer: headings, prose with inline markup, lists, tables and 12 code blocks. */
export function mixedReply(chars: number, codeBlocks = 12, seed = 1): string {
  const random = seededRandom(seed);
  const word = () => WORDS[Math.floor(random() * WORDS.length)];
  const sentence = (words: number) => {
    const list = Array.from({ length: words }, word);
    if (random() < 0.3) list[2] = `**${list[2]}**`;
    if (random() < 0.3) list[4] = `\`${list[4]}()\``;
    if (random() < 0.2) list[6] = `[${list[6]}](https://example.com/${list[6]})`;
    return `${list.join(' ')}.`;
  };
  const codeEvery = Math.floor(chars / codeBlocks);
  const parts: string[] = [];
  let length = 0;
  let nextCode = codeEvery / 2;
  let section = 0;
  const push = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  while (length < chars) {
    if (length >= nextCode && parts.filter((part) => part.startsWith('```')).length < codeBlocks) {
      const lines = Array.from({ length: 40 }, (_, index) => `  const value${index} = compute(${index}, "${word()}"); // ${word()} ${word()}`);
      push(['```ts', 'function example() {', ...lines, '}', '```', '', ''].join('\n'));
      nextCode += codeEvery;
      continue;
    }
    const kind = section++ % 4;
    if (kind === 0) push(`## Section ${section}\n\n`);
    if (kind === 1) push(`${Array.from({ length: 8 }, () => `- ${sentence(6)}`).join('\n')}\n\n`);
    if (kind === 2) push(`| name | value | note |\n|---|---:|---|\n${Array.from({ length: 6 }, (_, index) => `| ${word()} | ${index} | ${sentence(3)} |`).join('\n')}\n\n`);
    push(`${Array.from({ length: 4 }, () => sentence(12)).join(' ')}\n${sentence(10)}\n\n`);
  }
  return parts.join('').slice(0, chars);
}

function chunked(text: string, size: number): string[] {
  const list: string[] = [];
  for (let at = 0; at < text.length; at += size) list.push(text.slice(at, at + size));
  return list;
}

declare global {
  interface Window {
    __naiveRender?: (container: HTMLElement, text: string) => void;
  }
}

async function naiveBundle(): Promise<string> {
  // The baseline only, never in src/: whole-reply parse and HTML replacement on every chunk.
  const result = await esbuild.build({
    stdin: {
      contents: `import MarkdownIt from 'markdown-it';
        const md = new MarkdownIt({ html: false, linkify: true });
        window.__naiveRender = (container, text) => { container.innerHTML = md.render(text); };`,
      resolveDir: REPO_ROOT,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

interface Run {
  /** Per update: reply length after it, its duration in ms with the layout it causes, and without (script only). */
  readonly updates: { length: number; ms: number; scriptMs: number }[];
  readonly totalMs: number;
}

async function prepare(panel: PanelPage, naive: string, earlier: number, syncFrames = true): Promise<void> {
  const messages = [];
  for (let index = 0; index < earlier; index++) {
    messages.push(
      index % 2 === 0
        ? userMessage(`u${index}`, `Question ${index}: how does the ${WORDS[index % WORDS.length]} work?`)
        : assistantMessage(`m${index}`, `It works **well**.\n\n- point one\n- point two\n\n\`\`\`js\nconsole.log(${index});\n\`\`\`\n\nMore text for message ${index}.`),
    );
  }
  await panel.send(snapshot({ messages }));
  await panel.page.evaluate(
    ({ code, nonce, syncFrames }) => {
      const script = document.createElement('script');
      script.nonce = nonce;
      script.textContent = code;
      document.head.append(script);
      if (!syncFrames) return;
      // Render inside the dispatch of each delta, so the work of an update can be timed.
      window.requestAnimationFrame = (callback) => {
        callback(performance.now());
        return 0;
      };
    },
    { code: naive, nonce: panel.nonce, syncFrames },
  );
}

/**
 * Streams `prefix` at once, then `chunks` one every `intervalMs` with real frames, and returns each chunk's latency
 * from its dispatch to the first task after the next frame was painted.
 */
async function streamInRealTime(panel: PanelPage, prefix: string, chunks: readonly string[], intervalMs: number, contender: 'ours' | 'naive'): Promise<number[]> {
  await panel.send({ type: 'messageAdded', message: assistantMessage('bench', '', 'streaming') });
  return panel.page.evaluate(
    ({ prefix, chunks, intervalMs, contender }) => {
      const conversation = document.querySelector<HTMLElement>('.conversation');
      const body = document.querySelector<HTMLElement>('.message[data-id="bench"] .message-body');
      if (!conversation || !body || !window.__naiveRender) throw new Error('the bench page is not ready');
      const naive = window.__naiveRender;
      let text = '';
      const apply = (chunk: string) => {
        text += chunk;
        if (contender === 'ours') {
          window.dispatchEvent(new MessageEvent('message', { data: { type: 'delta', messageId: 'bench', text: chunk } }));
          return;
        }
        const follow = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight <= 40;
        naive(body, text);
        if (follow) conversation.scrollTop = conversation.scrollHeight;
      };
      const afterNextPaint = () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve(performance.now());
            channel.port2.postMessage(undefined);
          }),
        );
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      return (async () => {
        apply(prefix);
        await afterNextPaint();
        await sleep(100);
        const latencies: number[] = [];
        let next = performance.now();
        for (const chunk of chunks) {
          const started = performance.now();
          apply(chunk);
          latencies.push((await afterNextPaint()) - started);
          next += intervalMs;
          await sleep(Math.max(0, next - performance.now()));
        }
        return latencies;
      })();
    },
    { prefix, chunks: [...chunks], intervalMs, contender },
  );
}

/** Streams `chunks` in the page and returns the duration of each update (with the layout it causes, or script only). */
async function stream(panel: PanelPage, chunks: readonly string[], contender: 'ours' | 'naive', layout = true): Promise<Run> {
  await panel.send({ type: 'messageAdded', message: assistantMessage('bench', '', 'streaming') });
  const updates = await panel.page.evaluate(
    ({ chunks, contender, layout }) => {
      const conversation = document.querySelector<HTMLElement>('.conversation');
      const body = document.querySelector<HTMLElement>('.message[data-id="bench"] .message-body');
      if (!conversation || !body || !window.__naiveRender) throw new Error('the bench page is not ready');
      const naive = window.__naiveRender;
      const list: { length: number; ms: number; scriptMs: number }[] = [];
      let text = '';
      for (const chunk of chunks) {
        text += chunk;
        const started = performance.now();
        let scriptMs: number;
        if (contender === 'ours') {
          window.dispatchEvent(new MessageEvent('message', { data: { type: 'delta', messageId: 'bench', text: chunk } }));
          scriptMs = performance.now() - started;
          // The layout the next frame does for this update.
          if (layout) void conversation.scrollHeight;
        } else {
          const follow = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight <= 40;
          naive(body, text);
          if (follow) conversation.scrollTop = conversation.scrollHeight;
          scriptMs = performance.now() - started;
        }
        list.push({ length: text.length, ms: performance.now() - started, scriptMs });
      }
      return list;
    },
    { chunks: [...chunks], contender, layout },
  );
  return { updates, totalMs: updates.reduce((sum, update) => sum + update.ms, 0) };
}

/** Per-update durations of the updates within ±5 % of `length` characters. */
function around(run: Run, length: number): number[] {
  return run.updates.filter((update) => Math.abs(update.length - length) <= length * 0.05).map((update) => update.ms);
}

export async function runRenderBench(options: RenderBenchOptions = DEFAULT_RENDER_BENCH_OPTIONS, print: (line: string) => void = console.log): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  const reply = mixedReply(options.replyChars);
  const chunks = chunked(reply, options.chunkChars);
  const naive = await naiveBundle();
  const harness = await PanelHarness.start();
  try {
    print(`\nRender: ${(reply.length / 1000).toFixed(0)} KB mixed reply (12 code blocks) in ${chunks.length} chunks of ${options.chunkChars} characters; headless Chromium, real bundle, production CSP; ${options.runs} alternating runs, medians`);
    const runs: Record<'ours' | 'naive', Run[]> = { ours: [], naive: [] };
    for (let round = 0; round <= options.runs; round++) {
      for (const contender of ['ours', 'naive'] as const) {
        const panel = await harness.openPanel({ viewport: { width: 400, height: 800 } });
        try {
          await prepare(panel, naive, 2);
          // The warm-up round streams a quarter of the reply.
          const run = await stream(panel, round === 0 ? chunks.slice(0, chunks.length / 4) : chunks, contender);
          if (round > 0) runs[contender].push(run);
          if (round === options.runs && contender === 'ours') {
            const text = await panel.page.$eval('.message[data-id="bench"] .message-body', (element) => element.textContent ?? '');
            if (text.length < reply.length * 0.8) problems.push(`ours rendered only ${text.length} characters of ${reply.length}`);
          }
          // The naive HTML has inline table styles, which the CSP refuses; the panel's own rendering must be clean.
          if (contender === 'ours') await panel.assertHealthy();
        } finally {
          await panel.close();
        }
      }
    }
    const total = (name: 'ours' | 'naive') => median(runs[name].map((run) => run.totalMs));
    const at = (name: 'ours' | 'naive', length: number, q: number) => median(runs[name].map((run) => quantile(around(run, length), q)));
    const rows: string[][] = [
      ['total main-thread time (ms)', fixed(total('ours')), fixed(total('naive')), `${fixed(total('naive') / total('ours'))}×`],
    ];
    for (const length of options.checkpoints) {
      for (const [label, q] of [['p50', 0.5], ['p95', 0.95]] as const) {
        rows.push([`per update at ${length / 1000} KB, ${label} (ms)`, fixed(at('ours', length, q), 2), fixed(at('naive', length, q), 2), `${fixed(at('naive', length, q) / at('ours', length, q))}×`]);
      }
    }
    print(table(['measure', 'ours', 'naive', 'naive/ours'], rows));

    // Chunk to paint at 100 tokens per second, at the end of the long reply: ours against naive, alternating.
    const paintChunks = chunks.slice(-options.paintChunks);
    const paintPrefix = reply.slice(0, reply.length - paintChunks.join('').length);
    const paint: Record<'ours' | 'naive', number[][]> = { ours: [], naive: [] };
    for (let round = 1; round <= options.runs; round++) {
      for (const contender of ['ours', 'naive'] as const) {
        const panel = await harness.openPanel({ viewport: { width: 400, height: 800 } });
        try {
          await prepare(panel, naive, 2, false);
          paint[contender].push(await streamInRealTime(panel, paintPrefix, paintChunks, options.paintIntervalMs, contender));
        } finally {
          await panel.close();
        }
      }
    }
    const latency = (name: 'ours' | 'naive', q: number) => median(paint[name].map((list) => quantile(list, q)));
    print(`\nRender: chunk to paint, one ${options.chunkChars}-character chunk every ${options.paintIntervalMs} ms (~100 tokens/s) at the end of the ${(reply.length / 1000).toFixed(0)} KB reply, ${paintChunks.length} chunks, real frames`);
    print(
      table(
        ['measure', 'ours', 'naive', 'naive/ours'],
        (['p50', 'p95'] as const).map((label) => {
          const q = label === 'p50' ? 0.5 : 0.95;
          return [`chunk to paint ${label} (ms)`, fixed(latency('ours', q), 2), fixed(latency('naive', q), 2), `${fixed(latency('naive', q) / latency('ours', q))}×`];
        }),
      ),
    );

    // Long conversations: the same reply streamed after 50 or 1,000 earlier messages (ours only).
    const conversationChunks = chunked(reply.slice(0, options.conversationReplyChars), options.chunkChars);
    const bySize = new Map<number, Run[]>(options.conversationSizes.map((size) => [size, []]));
    const paintBySize = new Map<number, number[][]>(options.conversationSizes.map((size) => [size, []]));
    for (let round = 0; round <= options.runs; round++) {
      for (const size of options.conversationSizes) {
        const panel = await harness.openPanel({ viewport: { width: 400, height: 800 } });
        try {
          await prepare(panel, naive, size);
          const run = await stream(panel, round === 0 ? conversationChunks.slice(0, 100) : conversationChunks, 'ours');
          if (round > 0) bySize.get(size)?.push(run);
        } finally {
          await panel.close();
        }
        if (round === 0) continue;
        const live = await harness.openPanel({ viewport: { width: 400, height: 800 } });
        try {
          await prepare(live, naive, size, false);
          const text = reply.slice(0, options.conversationReplyChars);
          const tail = chunked(text, options.chunkChars).slice(-Math.min(options.paintChunks, 60));
          paintBySize.get(size)?.push(await streamInRealTime(live, text.slice(0, text.length - tail.join('').length), tail, options.paintIntervalMs, 'ours'));
        } finally {
          await live.close();
        }
      }
    }
    const perUpdate = (size: number, q: number, script = false) =>
      median((bySize.get(size) ?? []).map((run) => quantile(run.updates.map((update) => (script ? update.scriptMs : update.ms)), q)));
    const paintAt = (size: number, q: number) => median((paintBySize.get(size) ?? []).map((list) => quantile(list, q)));
    const [small, large] = options.conversationSizes;
    print(`\nRender: streaming ${options.conversationReplyChars / 1000} KB after ${small} vs ${large} earlier messages (ours)`);
    const ratioRow = (label: string, at: (size: number) => number, digits: number) => [label, fixed(at(small), digits), fixed(at(large), digits), fixed(at(large) / at(small), 2)];
    print(
      table(
        ['measure', `${small} messages`, `${large} messages`, `${large}/${small}`],
        [
          ratioRow('per update p50, with layout (ms)', (size) => perUpdate(size, 0.5), 3),
          ratioRow('per update p95, with layout (ms)', (size) => perUpdate(size, 0.95), 3),
          ratioRow('per update p50, script only (ms)', (size) => perUpdate(size, 0.5, true), 3),
          ratioRow('per update p95, script only (ms)', (size) => perUpdate(size, 0.95, true), 3),
          ratioRow('chunk to paint p50 (ms)', (size) => paintAt(size, 0.5), 2),
          ratioRow('chunk to paint p95 (ms)', (size) => paintAt(size, 0.95), 2),
        ],
      ),
    );
    const last = options.checkpoints[options.checkpoints.length - 1];
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    print('\nRender goals (reported, not asserted):');
    print(`  ≥10× less total main-thread time than naive at ${last / 1000} KB: ${fixed(total('naive') / total('ours'))}× ${verdict(total('naive') / total('ours') >= 10)}`);
    const p95s = options.checkpoints.map((length) => at('ours', length, 0.95));
    const p50s = options.checkpoints.map((length) => at('ours', length, 0.5));
    print(`  p95 per update (with layout) < 4 ms at ${last / 1000} KB: ${fixed(p95s[p95s.length - 1], 2)} ms ${verdict(p95s[p95s.length - 1] < 4)}`);
    print(`    by length ${options.checkpoints.map((length) => `${length / 1000} KB`).join(' / ')}: p50 ${p50s.map((value) => fixed(value, 2)).join(' / ')} ms, p95 ${p95s.map((value) => fixed(value, 2)).join(' / ')} ms`);
    print(`  chunk-to-paint p95 within one frame (16.7 ms): ${fixed(latency('ours', 0.95), 2)} ms ${verdict(latency('ours', 0.95) <= 16.7)} (naive ${fixed(latency('naive', 0.95), 2)} ms)`);
    const ratio = perUpdate(large, 0.5) / perUpdate(small, 0.5);
    const scriptRatio = perUpdate(large, 0.5, true) / perUpdate(small, 0.5, true);
    const paintRatio = paintAt(large, 0.95) / paintAt(small, 0.95);
    print(`  ${large}/${small}-message per-update ratio ≤ 1.2: with layout ${fixed(ratio, 2)} ${verdict(ratio <= 1.2)}; script only ${fixed(scriptRatio, 2)} ${verdict(scriptRatio <= 1.2)}; chunk-to-paint p95 ${fixed(paintRatio, 2)}`);
  } finally {
    await harness.close();
  }
  return { problems };
}
