/**
 * The pathological-markdown part of `npm run bench` (docs/research/perf_security.md, B7 case 9): each input of
 * test/support/pathologicalMarkdown.ts streamed into the real panel (dist/webview.js in headless Chromium under the
 * production CSP) in chunks, timing every update with the layout it causes, as the render part does (synchronous
 * frames), against the naive renderer that parses and replaces the whole reply on every chunk; then the same text
 * shown at once, as a snapshot does after a reload. Goal (reported, not asserted): no update over 50 ms.
 */
import { PATHOLOGICAL_MARKDOWN } from '../support/pathologicalMarkdown';
import { PanelHarness, assistantMessage, type PanelPage } from '../support/panelPage';
import { fixed, quantile, table } from './harness';
import { chunked, naiveBundle, prepare, stream } from './renderBench';

export interface PathologicalBenchOptions {
  /** Characters per streamed chunk (the inputs are large: a typical gateway chunk would mean 50,000 updates). */
  readonly chunkChars: number;
  /** Longest update allowed, in ms. */
  readonly budgetMs: number;
}

export const DEFAULT_PATHOLOGICAL_BENCH_OPTIONS: PathologicalBenchOptions = { chunkChars: 5_000, budgetMs: 50 };

const PAGE = { viewport: { width: 400, height: 800 }, crossOriginIsolated: true } as const;

/** The time from the dispatch of a snapshot holding the whole reply to its layout done. */
async function snapshotMs(panel: PanelPage, text: string): Promise<number> {
  return panel.page.evaluate((source) => {
    const conversation = document.querySelector<HTMLElement>('.conversation');
    if (!conversation) throw new Error('the bench page is not ready');
    const started = performance.now();
    window.dispatchEvent(
      new MessageEvent('message', {
        data: {
          type: 'snapshot',
          state: {
            conversationId: 'snapshot',
            messages: [{ id: 'whole', role: 'assistant', text: source, status: 'done' }],
            hasApiKey: true,
            streaming: false,
            model: 'm',
            sendWith: 'enter',
            imageLimits: { maxLongSide: 2048, maxShortSideHigh: 768, maxBytes: 20 * 1024 * 1024, maxCount: 10 },
          },
        },
      }),
    );
    void conversation.scrollHeight;
    return performance.now() - started;
  }, text);
}

export async function runPathologicalBench(
  options: PathologicalBenchOptions = DEFAULT_PATHOLOGICAL_BENCH_OPTIONS,
  print: (line: string) => void = console.log,
): Promise<{ problems: string[] }> {
  const harness = await PanelHarness.start();
  const naive = await naiveBundle();
  const rows: string[][] = [];
  const over: string[] = [];
  print(`\n━━ Pathological markdown (B7 case 9): chunks of ${options.chunkChars} characters, the panel vs naive`);
  try {
    for (const { name, text } of PATHOLOGICAL_MARKDOWN) {
      const chunks = chunked(text, options.chunkChars);
      const runs: Record<'ours' | 'naive', number[]> = { ours: [], naive: [] };
      let script: number[] = [];
      let whole = 0;
      for (const contender of ['ours', 'naive'] as const) {
        const panel = await harness.openPanel(PAGE);
        try {
          await prepare(panel, naive, 0);
          const { updates } = await stream(panel, chunks, contender);
          runs[contender] = updates.map((update) => update.ms);
          if (contender === 'ours') script = updates.map((update) => update.scriptMs);
          if (contender === 'ours') {
            await panel.send({ type: 'messageAdded', message: assistantMessage('done', '', 'done') });
            whole = await snapshotMs(panel, text);
          }
          // The naive baseline sets inline styles (table alignment), which the CSP refuses: only ours is judged.
          if (contender === 'ours') await panel.assertHealthy();
        } finally {
          await panel.close();
        }
      }
      const worst = Math.max(...runs.ours);
      if (worst > options.budgetMs || whole > options.budgetMs) over.push(name);
      rows.push([
        name,
        String(text.length),
        String(chunks.length),
        fixed(quantile(runs.ours, 0.95), 2),
        fixed(worst, 2),
        fixed(Math.max(...script), 2),
        fixed(whole, 1),
        fixed(quantile(runs.naive, 0.95), 2),
        fixed(Math.max(...runs.naive), 2),
      ]);
    }
    print(
      table(
        [
          'input',
          'chars',
          'updates',
          'ours p95 (ms)',
          'ours max (ms)',
          'script only max (ms)',
          'ours at once (ms)',
          'naive p95 (ms)',
          'naive max (ms)',
        ],
        rows,
      ),
    );
    print('\nPathological goals (reported, not asserted):');
    print(
      `  no update (streamed, or the whole reply at once) over ${options.budgetMs} ms: ${over.length === 0 ? 'met' : `MISSED for ${over.join(', ')}`}`,
    );
  } finally {
    await harness.close();
  }
  // Timings are reported, never a failure: nothing here is a bug the way a wrong output would be.
  return { problems: [] };
}
