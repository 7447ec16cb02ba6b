/**
 * A small benchmark harness shared by the benchmark parts: contenders measured in one process, alternating
 * (ABCD ABCD …) after warm-up runs, with a GC between runs when available; medians and IQRs; plain-text tables.
 */
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
export { seededRandom } from '../support/seededRandom';

export interface Contender<Input, Output> {
  readonly name: string;
  run(input: Input): Promise<Output> | Output;
}

export interface Sample<Output> {
  /** Milliseconds of each measured run. */
  readonly times: number[];
  /** The output of the last run (for equivalence checks). */
  readonly output: Output;
}

export interface MeasureOptions {
  readonly warmup: number;
  readonly runs: number;
  /** A contender whose warm-up run takes longer than this is measured `slowRuns` times only. */
  readonly slowMs?: number;
  readonly slowRuns?: number;
}

let gcFunction: (() => void) | undefined | null = null;

/** `global.gc` without `--expose-gc` on the command line (the entry point is a plain `node file.js`). */
export function collectGarbage(): void {
  if (gcFunction === null) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFunction = undefined;
    }
  }
  gcFunction?.();
}

/**
 * Runs every contender on the same input, round after round, each round in the same order (A B C D, A B C D, …),
 * so drift in the machine's speed touches all of them alike. Warm-up rounds are not recorded.
 */
export async function measureAlternating<Input, Output>(
  contenders: readonly Contender<Input, Output>[],
  input: Input,
  options: MeasureOptions,
): Promise<Map<string, Sample<Output>>> {
  const times = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const outputs = new Map<string, Output>();
  const slow = new Set<string>();
  const rounds = options.warmup + options.runs;
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) {
      const measured = round >= options.warmup;
      if (measured && slow.has(contender.name) && round - options.warmup >= (options.slowRuns ?? options.runs))
        continue;
      collectGarbage();
      const started = performance.now();
      const output = await contender.run(input);
      const elapsed = performance.now() - started;
      outputs.set(contender.name, output);
      if (measured) times.get(contender.name)?.push(elapsed);
      else if (options.slowMs !== undefined && elapsed > options.slowMs) slow.add(contender.name);
    }
  }
  const result = new Map<string, Sample<Output>>();
  for (const contender of contenders) {
    result.set(contender.name, {
      times: times.get(contender.name) ?? [],
      output: outputs.get(contender.name) as Output,
    });
  }
  return result;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function iqr(values: readonly number[]): number {
  return quantile(values, 0.75) - quantile(values, 0.25);
}

/**
 * A plain-text table: the first `leftColumns` columns left-aligned (labels), the others right-aligned (numbers). A row
 * with a single cell is a note printed across the table.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const tabular = rows.filter((row) => row.length > 1);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...tabular.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells.length === 1
      ? cells[0]
      : cells
          .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
          .join('  ')
          .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}
