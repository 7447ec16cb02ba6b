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
 * "Chunk to paint" streams in real time with real frames, one chunk every 40 to 60 ms (seeded; about 100 tokens per
 * second, and never locked to the 60 Hz frame clock), and measures from the dispatch of a delta to the first task
 * after the next frame (a requestAnimationFrame callback, registered after the panel's own, then a message-channel
 * task: the frame's style, layout and paint are done by then). Part of that is waiting for the next frame, which no
 * renderer can shorten: a third contender, "no render", dispatches nothing and measures that wait alone. "In-frame"
 * leaves the wait out: from the start of the first frame after the chunk (the frame's own timestamp) to painted, so a
 * chunk whose in-frame time is within 16.7 ms is on screen in the first frame after it arrived.
 */
import * as esbuild from 'esbuild';
import type { MessageView } from '../../src/shared/protocol';
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

/** Every bench page: the panel's usual width, and cross-origin isolated for 5 µs timers (100 µs otherwise). */
const BENCH_PAGE = { viewport: { width: 400, height: 800 }, crossOriginIsolated: true } as const;

const WORDS =
  'the a stream reply token render block parser panel host message chunk model gateway fast small view code list table'.split(
    ' ',
  );

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
      const lines = Array.from(
        { length: 40 },
        (_, index) => `  const value${index} = compute(${index}, "${word()}"); // ${word()} ${word()}`,
      );
      push(['```ts', 'function example() {', ...lines, '}', '```', '', ''].join('\n'));
      nextCode += codeEvery;
      continue;
    }
    const kind = section++ % 4;
    if (kind === 0) push(`## Section ${section}\n\n`);
    if (kind === 1) push(`${Array.from({ length: 8 }, () => `- ${sentence(6)}`).join('\n')}\n\n`);
    if (kind === 2)
      push(
        `| name | value | note |\n|---|---:|---|\n${Array.from({ length: 6 }, (_, index) => `| ${word()} | ${index} | ${sentence(3)} |`).join('\n')}\n\n`,
      );
    push(`${Array.from({ length: 4 }, () => sentence(12)).join(' ')}\n${sentence(10)}\n\n`);
  }
  return parts.join('').slice(0, chars);
}

export function chunked(text: string, size: number): string[] {
  const list: string[] = [];
  for (let at = 0; at < text.length; at += size) list.push(text.slice(at, at + size));
  return list;
}

declare global {
  interface Window {
    __naiveRender?: (container: HTMLElement, text: string) => void;
  }
}

export async function naiveBundle(): Promise<string> {
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

type PaintContender = 'ours' | 'naive' | 'no render';

/** One chunk's latency: from its dispatch to painted, and from the start of the first frame after it to painted. */
interface PaintSample {
  readonly total: number;
  readonly inFrame: number;
}

export interface Run {
  /** Per update: reply length after it, its duration in ms with the layout it causes, and without (script only). */
  readonly updates: { length: number; ms: number; scriptMs: number }[];
  readonly totalMs: number;
}

/** A conversation of `count` short questions and answers (each answer with a list and a code block). */
function earlierMessages(count: number): MessageView[] {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? userMessage(`u${index}`, `Question ${index}: how does the ${WORDS[index % WORDS.length]} work?`)
      : assistantMessage(
          `m${index}`,
          `It works **well**.\n\n- point one\n- point two\n\n\`\`\`js\nconsole.log(${index});\n\`\`\`\n\nMore text for message ${index}.`,
        ),
  );
}

export async function prepare(panel: PanelPage, naive: string, earlier: number, syncFrames = true): Promise<void> {
  await panel.send(snapshot({ messages: earlierMessages(earlier) }));
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
async function streamInRealTime(
  panel: PanelPage,
  prefix: string,
  chunks: readonly string[],
  intervalMs: number,
  contender: PaintContender,
): Promise<PaintSample[]> {
  await addBenchReply(panel);
  // Seeded gaps of 80 % to 120 % of the interval: arrivals fall anywhere between two frames.
  const random = seededRandom(7);
  const gaps = chunks.map(() => intervalMs * (0.8 + 0.4 * random()));
  return panel.page.evaluate(
    ({ prefix, chunks, gaps, contender }) => {
      const conversation = document.querySelector<HTMLElement>('.conversation');
      const body = document.querySelector<HTMLElement>('.message[data-id="bench"] .message-body');
      if (!conversation || !body || !window.__naiveRender) throw new Error('the bench page is not ready');
      const naive = window.__naiveRender;
      let text = '';
      const apply = (chunk: string) => {
        text += chunk;
        if (contender === 'no render') return;
        if (contender === 'ours') {
          window.dispatchEvent(
            new MessageEvent('message', { data: { type: 'delta', messageId: 'bench', text: chunk } }),
          );
          return;
        }
        const follow = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight <= 40;
        naive(body, text);
        if (follow) conversation.scrollTop = conversation.scrollHeight;
      };
      /** The next frame's timestamp (when it began) and when its work was done. */
      const afterNextPaint = () =>
        new Promise<{ frame: number; painted: number }>((resolve) =>
          requestAnimationFrame((frame) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve({ frame, painted: performance.now() });
            channel.port2.postMessage(undefined);
          }),
        );
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      return (async () => {
        apply(prefix);
        await afterNextPaint();
        await sleep(100);
        const samples: { total: number; inFrame: number }[] = [];
        let next = performance.now();
        for (const [index, chunk] of chunks.entries()) {
          const started = performance.now();
          apply(chunk);
          const { frame, painted } = await afterNextPaint();
          samples.push({ total: painted - started, inFrame: painted - Math.max(frame, started) });
          next += gaps[index];
          await sleep(Math.max(0, next - performance.now()));
        }
        return samples;
      })();
    },
    { prefix, chunks: [...chunks], gaps, contender },
  );
}

/** From the dispatch of a conversation's snapshot to the first task after the next frame (the panel is on screen). */
async function timeToOpen(panel: PanelPage, count: number): Promise<number> {
  // A warm-up conversation first, so the timed one does not pay for the page's first render (fonts, compilation).
  await panel.send(snapshot({ messages: earlierMessages(10), conversationId: 'warm-up' }));
  const message = snapshot({ messages: earlierMessages(count), conversationId: `open-${count}` });
  return panel.page.evaluate(
    (data) =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data }));
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve(performance.now() - started);
          channel.port2.postMessage(undefined);
        });
      }),
    message,
  );
}

/** Adds the streaming reply the bench streams into, unless the page has it already. */
async function addBenchReply(panel: PanelPage): Promise<void> {
  if (await panel.page.$('.message[data-id="bench"]')) return;
  await panel.send({ type: 'messageAdded', message: assistantMessage('bench', '', 'streaming') });
}

/**
 * Brings every earlier message into the page (as a user who scrolled up through all of them) and leaves the view at
 * the top, reading, so the reply streamed next is not followed.
 */
async function showEverything(panel: PanelPage): Promise<number> {
  return panel.page.evaluate(async () => {
    const view = document.querySelector<HTMLElement>('.conversation');
    if (!view) throw new Error('the bench page is not ready');
    for (
      let button = view.querySelector<HTMLButtonElement>('.earlier-messages button');
      button;
      button = view.querySelector('.earlier-messages button')
    )
      button.click();
    view.dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
    view.scrollTop = 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return view.querySelectorAll('.message').length;
  });
}

/** Streams `chunks` in the page and returns the duration of each update (with the layout it causes, or script only). */
export async function stream(
  panel: PanelPage,
  chunks: readonly string[],
  contender: 'ours' | 'naive',
  layout = true,
): Promise<Run> {
  await addBenchReply(panel);
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
          window.dispatchEvent(
            new MessageEvent('message', { data: { type: 'delta', messageId: 'bench', text: chunk } }),
          );
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

export async function runRenderBench(
  options: RenderBenchOptions = DEFAULT_RENDER_BENCH_OPTIONS,
  print: (line: string) => void = console.log,
): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  const reply = mixedReply(options.replyChars);
  const chunks = chunked(reply, options.chunkChars);
  const naive = await naiveBundle();
  const harness = await PanelHarness.start();
  try {
    print(
      `\nRender: ${(reply.length / 1000).toFixed(0)} KB mixed reply (12 code blocks) in ${chunks.length} chunks of ${options.chunkChars} characters; headless Chromium, real bundle, production CSP, 5 µs timers; ${options.runs} alternating runs, medians`,
    );
    const runs: Record<'ours' | 'naive', Run[]> = { ours: [], naive: [] };
    for (let round = 0; round <= options.runs; round++) {
      for (const contender of ['ours', 'naive'] as const) {
        const panel = await harness.openPanel(BENCH_PAGE);
        try {
          if (round === 0 && contender === 'ours' && !(await panel.page.evaluate(() => crossOriginIsolated)))
            problems.push('the bench page is not cross-origin isolated: timings have a 100 µs resolution');
          await prepare(panel, naive, 2);
          // The warm-up round streams a quarter of the reply.
          const run = await stream(panel, round === 0 ? chunks.slice(0, chunks.length / 4) : chunks, contender);
          if (round > 0) runs[contender].push(run);
          if (round === options.runs && contender === 'ours') {
            const text = await panel.page.$eval(
              '.message[data-id="bench"] .message-body',
              (element) => element.textContent ?? '',
            );
            if (text.length < reply.length * 0.8)
              problems.push(`ours rendered only ${text.length} characters of ${reply.length}`);
          }
          // The naive HTML has inline table styles, which the CSP refuses; the panel's own rendering must be clean.
          if (contender === 'ours') await panel.assertHealthy();
        } finally {
          await panel.close();
        }
      }
    }
    const total = (name: 'ours' | 'naive') => median(runs[name].map((run) => run.totalMs));
    const at = (name: 'ours' | 'naive', length: number, q: number) =>
      median(runs[name].map((run) => quantile(around(run, length), q)));
    const rows: string[][] = [
      [
        'total main-thread time (ms)',
        fixed(total('ours')),
        fixed(total('naive')),
        `${fixed(total('naive') / total('ours'))}×`,
      ],
    ];
    for (const length of options.checkpoints) {
      for (const [label, q] of [
        ['p50', 0.5],
        ['p95', 0.95],
      ] as const) {
        rows.push([
          `per update at ${length / 1000} KB, ${label} (ms)`,
          fixed(at('ours', length, q), 2),
          fixed(at('naive', length, q), 2),
          `${fixed(at('naive', length, q) / at('ours', length, q))}×`,
        ]);
      }
    }
    print(table(['measure', 'ours', 'naive', 'naive/ours'], rows));

    // Chunk to paint at 100 tokens per second, at the end of the long reply: ours against naive, alternating.
    const paintChunks = chunks.slice(-options.paintChunks);
    const paintPrefix = reply.slice(0, reply.length - paintChunks.join('').length);
    const paintContenders: readonly PaintContender[] = ['ours', 'naive', 'no render'];
    const paint: Record<PaintContender, PaintSample[][]> = { ours: [], naive: [], 'no render': [] };
    for (let round = 1; round <= options.runs; round++) {
      for (const contender of paintContenders) {
        const panel = await harness.openPanel(BENCH_PAGE);
        try {
          await prepare(panel, naive, 2, false);
          paint[contender].push(
            await streamInRealTime(panel, paintPrefix, paintChunks, options.paintIntervalMs, contender),
          );
        } finally {
          await panel.close();
        }
      }
    }
    const latency = (name: PaintContender, q: number, part: keyof PaintSample = 'total') =>
      median(
        paint[name].map((list) =>
          quantile(
            list.map((sample) => sample[part]),
            q,
          ),
        ),
      );
    print(
      `\nRender: chunk to paint, one ${options.chunkChars}-character chunk every ${options.paintIntervalMs * 0.8}–${options.paintIntervalMs * 1.2} ms (~100 tokens/s) at the end of the ${(reply.length / 1000).toFixed(0)} KB reply, ${paintChunks.length} chunks, real frames; "no render" is the wait for the next frame alone`,
    );
    const paintRows: string[][] = [];
    for (const [part, name] of [
      ['total', 'chunk to paint'],
      ['inFrame', 'in-frame (from the next frame)'],
    ] as const) {
      for (const [label, q] of [
        ['p50', 0.5],
        ['p95', 0.95],
      ] as const) {
        paintRows.push([
          `${name} ${label} (ms)`,
          ...paintContenders.map((contender) => fixed(latency(contender, q, part), 2)),
          `${fixed(latency('naive', q, part) / latency('ours', q, part))}×`,
        ]);
      }
    }
    print(table(['measure', ...paintContenders, 'naive/ours'], paintRows));

    // Long conversations: the same reply streamed after 50 or 1,000 earlier messages (ours only), and after 1,000 all
    // brought into the page by a user who scrolled up through them and is reading at the top while the reply streams.
    const conversationChunks = chunked(reply.slice(0, options.conversationReplyChars), options.chunkChars);
    const [small, large] = options.conversationSizes;
    const cases = [
      { label: `${small} messages`, size: small, everything: false },
      { label: `${large} messages`, size: large, everything: false },
      { label: `${large}, all in the page`, size: large, everything: true },
    ];
    const bySize = new Map<string, Run[]>(cases.map(({ label }) => [label, []]));
    const paintBySize = new Map<string, PaintSample[][]>(cases.map(({ label }) => [label, []]));
    const openBySize = new Map<number, number[]>([small, large].map((size) => [size, []]));
    const inPage = new Map<string, number>();
    for (let round = 0; round <= options.runs; round++) {
      // Alternating: every other round runs the cases in the reverse order.
      for (const { label, size, everything } of round % 2 === 0 ? cases : [...cases].reverse()) {
        const panel = await harness.openPanel(BENCH_PAGE);
        try {
          await prepare(panel, naive, size);
          if (everything) {
            // The reply is under way before the user scrolls up (a reply added later takes the view back to the bottom).
            await addBenchReply(panel);
            inPage.set(label, await showEverything(panel));
          }
          const run = await stream(panel, round === 0 ? conversationChunks.slice(0, 100) : conversationChunks, 'ours');
          if (round > 0) bySize.get(label)?.push(run);
        } finally {
          await panel.close();
        }
        if (round === 0) continue;
        const live = await harness.openPanel(BENCH_PAGE);
        try {
          if (!everything) openBySize.get(size)?.push(await timeToOpen(live, size));
          await prepare(live, naive, size, false);
          if (everything) {
            await addBenchReply(live);
            await showEverything(live);
          }
          const text = reply.slice(0, options.conversationReplyChars);
          const tail = chunked(text, options.chunkChars).slice(-Math.min(options.paintChunks, 60));
          paintBySize
            .get(label)
            ?.push(
              await streamInRealTime(
                live,
                text.slice(0, text.length - tail.join('').length),
                tail,
                options.paintIntervalMs,
                'ours',
              ),
            );
        } finally {
          await live.close();
        }
      }
    }
    const perUpdate = (label: string, q: number, script = false) =>
      median(
        (bySize.get(label) ?? []).map((run) =>
          quantile(
            run.updates.map((update) => (script ? update.scriptMs : update.ms)),
            q,
          ),
        ),
      );
    const paintAt = (label: string, q: number, part: keyof PaintSample = 'total') =>
      median(
        (paintBySize.get(label) ?? []).map((list) =>
          quantile(
            list.map((sample) => sample[part]),
            q,
          ),
        ),
      );
    const openAt = (size: number) => median(openBySize.get(size) ?? []);
    const [smallCase, largeCase, everythingCase] = cases.map(({ label }) => label);
    print(
      `\nRender: streaming ${options.conversationReplyChars / 1000} KB after ${small} vs ${large} earlier messages (ours); the last column has all ${large} in the page (${inPage.get(everythingCase) ?? '?'} messages), the user reading at the top`,
    );
    const ratioRow = (label: string, at: (caseLabel: string) => number, digits: number) => [
      label,
      fixed(at(smallCase), digits),
      fixed(at(largeCase), digits),
      fixed(at(largeCase) / at(smallCase), 2),
      fixed(at(everythingCase), digits),
      fixed(at(everythingCase) / at(smallCase), 2),
    ];
    print(
      table(
        ['measure', smallCase, largeCase, `${large}/${small}`, everythingCase, `all/${small}`],
        [
          ratioRow('per update p50, with layout (ms)', (label) => perUpdate(label, 0.5), 3),
          ratioRow('per update p95, with layout (ms)', (label) => perUpdate(label, 0.95), 3),
          ratioRow('per update p50, script only (ms)', (label) => perUpdate(label, 0.5, true), 3),
          ratioRow('per update p95, script only (ms)', (label) => perUpdate(label, 0.95, true), 3),
          ratioRow('chunk to paint p50 (ms)', (label) => paintAt(label, 0.5), 2),
          ratioRow('chunk to paint p95 (ms)', (label) => paintAt(label, 0.95), 2),
          ratioRow('in-frame p95 (ms)', (label) => paintAt(label, 0.95, 'inFrame'), 2),
        ],
      ),
    );
    print(
      `  open the conversation (snapshot to painted), median: ${small} messages ${fixed(openAt(small), 1)} ms, ${large} messages ${fixed(openAt(large), 1)} ms (${fixed(openAt(large) / openAt(small), 2)}×)`,
    );
    const last = options.checkpoints[options.checkpoints.length - 1];
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    print('\nRender goals (reported, not asserted):');
    print(
      `  ≥10× less total main-thread time than naive at ${last / 1000} KB: ${fixed(total('naive') / total('ours'))}× ${verdict(total('naive') / total('ours') >= 10)}`,
    );
    const p95s = options.checkpoints.map((length) => at('ours', length, 0.95));
    const p50s = options.checkpoints.map((length) => at('ours', length, 0.5));
    print(
      `  p95 per update (with layout) < 4 ms at ${last / 1000} KB: ${fixed(p95s[p95s.length - 1], 2)} ms ${verdict(p95s[p95s.length - 1] < 4)}`,
    );
    print(
      `    by length ${options.checkpoints.map((length) => `${length / 1000} KB`).join(' / ')}: p50 ${p50s.map((value) => fixed(value, 2)).join(' / ')} ms, p95 ${p95s.map((value) => fixed(value, 2)).join(' / ')} ms`,
    );
    const inFrame = latency('ours', 0.95, 'inFrame');
    print(
      `  chunk-to-paint p95 within one frame (16.7 ms) of the first frame after the chunk: ${fixed(inFrame, 2)} ms ${verdict(inFrame <= 16.7)} (naive ${fixed(latency('naive', 0.95, 'inFrame'), 2)} ms)`,
    );
    print(
      `    dispatch to paint, wait for the frame included: p95 ${fixed(latency('ours', 0.95), 2)} ms; the wait alone ("no render") p95 ${fixed(latency('no render', 0.95), 2)} ms, so no renderer gets this under 16.7 ms`,
    );
    const ratio = perUpdate(largeCase, 0.5) / perUpdate(smallCase, 0.5);
    const scriptRatio = perUpdate(largeCase, 0.5, true) / perUpdate(smallCase, 0.5, true);
    const paintRatio = paintAt(largeCase, 0.95) / paintAt(smallCase, 0.95);
    print(
      `  ${large}/${small}-message per-update ratio ≤ 1.2: with layout ${fixed(ratio, 2)} ${verdict(ratio <= 1.2)}; script only ${fixed(scriptRatio, 2)} ${verdict(scriptRatio <= 1.2)}; chunk-to-paint p95 ${fixed(paintRatio, 2)}`,
    );
    print(
      `    with all ${large} brought into the page (the user scrolled up through them): per-update ratio ${fixed(perUpdate(everythingCase, 0.5) / perUpdate(smallCase, 0.5), 2)}; opening ${large} vs ${small} messages ${fixed(openAt(large) / openAt(small), 2)}×`,
    );
  } finally {
    await harness.close();
  }
  return { problems };
}
