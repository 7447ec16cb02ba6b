/**
 * Records, for a tier's mocha run, every test whose title starts with hostile-corpus case ids (`[B7-11] …`): its ids
 * and whether it passed, failed or was skipped, into a JSON file per tier (out/hostile/<tier>.json). Used by the
 * unit and browser reporter (reporter.ts) and by the integration suite inside VS Code (suite/index.ts). Node
 * built-ins only; the runner is only listened to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Mocha from 'mocha';
import { idsOfTitle, type Tier } from './cases';

export type Outcome = 'passed' | 'failed' | 'pending';

export interface TestResult {
  readonly ids: readonly string[];
  readonly fullTitle: string;
  readonly outcome: Outcome;
  /** Why it failed (first line), or why it was skipped, when known. */
  readonly reason?: string;
}

export interface TierResults {
  readonly tier: Tier;
  readonly tests: TestResult[];
}

/** out/hostile/ of the repository (this file runs as out/test/hostile/results.js). */
export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'hostile');

export function resultsFile(tier: Tier): string {
  return path.join(RESULTS_DIR, `${tier}.json`);
}

export function readResults(file: string): TierResults | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as TierResults;
    return Array.isArray(parsed.tests) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface RecorderOptions {
  readonly tier: Tier;
  readonly file: string;
  /**
   * Adds to what the file already holds instead of starting it afresh: the integration suite runs twice in one tier
   * (before and after a window reload), and its runner removes the file before the first run.
   */
  readonly append?: boolean;
}

/** Listens to a mocha runner and keeps the file up to date after every tagged test, so a crash loses nothing. */
export function recordHostileResults(runner: Mocha.Runner, options: RecorderOptions): void {
  const earlier = options.append ? (readResults(options.file)?.tests ?? []) : [];
  const results: TierResults = { tier: options.tier, tests: [...earlier] };
  const seen = new Set<Mocha.Runnable>();
  const write = () => {
    try {
      fs.mkdirSync(path.dirname(options.file), { recursive: true });
      fs.writeFileSync(options.file, `${JSON.stringify(results, null, 2)}\n`);
    } catch (error) {
      console.error(`hostile corpus: could not write ${options.file}: ${String(error)}`);
    }
  };
  const record = (test: Mocha.Runnable, outcome: Outcome, reason?: string) => {
    const ids = idsOfTitle(test.title);
    if (ids.length === 0 || seen.has(test)) return;
    seen.add(test);
    results.tests.push({ ids, fullTitle: test.fullTitle(), outcome, ...(reason ? { reason } : {}) });
    write();
  };
  write();
  runner.on('pass', (test: Mocha.Test) => record(test, 'passed'));
  runner.on('pending', (test: Mocha.Test) => record(test, 'pending', skipReason(test)));
  runner.on('fail', (runnable: Mocha.Runnable, error: Error) => {
    const reason = firstLine(error);
    if ((runnable as Mocha.Runnable & { type?: string }).type !== 'hook') return record(runnable, 'failed', reason);
    // A failed hook means the tests it guards never ran: those tagged count as failed, not as missing.
    const suite = runnable.parent;
    if (!suite) return;
    const { _grep: grep, _invert: invert } = runner as unknown as { _grep?: RegExp; _invert?: boolean };
    const selected = (test: Mocha.Test) => !grep || grep.test(test.fullTitle()) !== Boolean(invert);
    for (const test of testsOf(suite)) {
      if (test.state === undefined && selected(test)) record(test, 'failed', `${runnable.title}: ${reason}`);
    }
  });
  runner.once('end', write);
}

function testsOf(suite: Mocha.Suite): Mocha.Test[] {
  return [...suite.tests, ...suite.suites.flatMap(testsOf)];
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0].slice(0, 300);
}

/** The reason the integration suite's `skipWithReason` keeps on a test or a suite around it. */
function skipReason(test: Mocha.Runnable): string | undefined {
  const key = Symbol.for('gatewayChat.skipReason');
  for (let node: Mocha.Runnable | Mocha.Suite | undefined = test; node; node = node.parent) {
    const reason = (node as unknown as Record<symbol, unknown>)[key];
    if (typeof reason === 'string') return reason;
  }
  return undefined;
}
