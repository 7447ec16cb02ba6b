/**
 * `npm run bench`: the benchmarks, one part after another (only the SSE parser part so far). Options:
 * `--quick` for a short smoke run (fewer runs, smaller inputs) while editing.
 */
import { DEFAULT_SSE_BENCH_OPTIONS, runSseBench } from './sseBench';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sse = await runSseBench(
    quick ? { ...DEFAULT_SSE_BENCH_OPTIONS, runs: 3, warmup: 1, sizesMiB: [1, 2], deltas: 5_000 } : DEFAULT_SSE_BENCH_OPTIONS,
  );
  // Mismatched outputs are a bug, not a slow parser: fail the run. Missed goals are only reported.
  if (sse.problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
