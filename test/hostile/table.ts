/**
 * The hostile-corpus table: every case of the catalogue with what is expected, the tier it belongs in, and what the
 * tagged tests of the tiers that ran say about it: passed, FAILED, skipped, or no test. Read from the results files
 * the tiers wrote (out/hostile/<tier>.json); used by `npm run test:hostile` and by `npm test` after its tiers.
 */
import { CASES, TIERS, type Tier } from './cases';
import { readResults, resultsFile, type TestResult } from './results';

export type CaseResult = 'passed' | 'FAILED' | 'skipped' | 'no test' | 'not run';

export interface CaseRow {
  readonly id: string;
  readonly expected: string;
  readonly tiers: readonly Tier[];
  readonly result: CaseResult;
  /** How many tagged tests each tier ran for the case. */
  readonly tests: Partial<Record<Tier, number>>;
  readonly failures: readonly string[];
}

export interface HostileSummary {
  readonly rows: readonly CaseRow[];
  readonly counts: Readonly<Record<CaseResult, number>>;
  /** Tagged tests whose ids are not in the catalogue (a typo, or a case to add). */
  readonly unknownIds: readonly { id: string; fullTitle: string }[];
  /** Every tagged test that ran, by outcome. */
  readonly tests: { passed: number; failed: number; pending: number };
  /** Whether every case passed and no tag is unknown. */
  readonly ok: boolean;
}

/**
 * Builds the table from the results of `ran` (the tiers whose tests were run this time; the others' files are not
 * read, and their cases show "not run" when no tier that ran has a test for them).
 */
export function summarize(ran: readonly Tier[] = TIERS): HostileSummary {
  const byTier = new Map<Tier, TestResult[]>();
  for (const tier of ran) byTier.set(tier, readResults(resultsFile(tier))?.tests ?? []);
  const known = new Set(CASES.map((entry) => entry.id));
  const unknownIds: { id: string; fullTitle: string }[] = [];
  const tests = { passed: 0, failed: 0, pending: 0 };
  for (const results of byTier.values()) {
    for (const test of results) {
      tests[test.outcome]++;
      for (const id of test.ids) if (!known.has(id)) unknownIds.push({ id, fullTitle: test.fullTitle });
    }
  }
  const rows = CASES.map((entry): CaseRow => {
    const counts: Partial<Record<Tier, number>> = {};
    const outcomes: TestResult[] = [];
    for (const [tier, results] of byTier) {
      const mine = results.filter((test) => test.ids.includes(entry.id));
      if (mine.length > 0) counts[tier] = mine.length;
      outcomes.push(...mine);
    }
    const failures = outcomes
      .filter((test) => test.outcome === 'failed')
      .map((test) => `${test.fullTitle}${test.reason ? `: ${test.reason}` : ''}`);
    let result: CaseResult;
    if (failures.length > 0) result = 'FAILED';
    else if (outcomes.some((test) => test.outcome === 'passed')) result = 'passed';
    else if (outcomes.length > 0) result = 'skipped';
    else if (entry.tiers.every((tier) => !ran.includes(tier))) result = 'not run';
    else result = 'no test';
    return { id: entry.id, expected: entry.expected, tiers: entry.tiers, result, tests: counts, failures };
  });
  const counts = { passed: 0, FAILED: 0, skipped: 0, 'no test': 0, 'not run': 0 } as Record<CaseResult, number>;
  for (const row of rows) counts[row.result]++;
  const ok = rows.every((row) => row.result === 'passed' || row.result === 'not run') && unknownIds.length === 0;
  return { rows, counts, unknownIds, tests, ok };
}

/** One line for a run's summary: "hostile corpus: 62 cases, 50 passed, 1 FAILED, 11 no test". */
export function countsLine(summary: HostileSummary): string {
  const parts = (Object.entries(summary.counts) as [CaseResult, number][])
    .filter(([result, count]) => count > 0 || result === 'passed')
    .map(([result, count]) => `${count} ${result}`);
  return `hostile corpus: ${summary.rows.length} cases, ${parts.join(', ')}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function testsText(row: CaseRow): string {
  const parts = (Object.entries(row.tests) as [Tier, number][]).map(([tier, count]) => `${tier} ${count}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The table as lines of text, then the failures, unknown ids and counts. */
export function formatTable(summary: HostileSummary): string[] {
  const header = { id: 'case', expected: 'expected', tier: 'tier', result: 'result' };
  const cells = summary.rows.map((row) => ({
    id: row.id,
    expected: row.expected,
    tier: row.tiers.join('+'),
    result: `${row.result}${testsText(row)}`,
  }));
  const width = (key: keyof typeof header) => Math.max(header[key].length, ...cells.map((cell) => cell[key].length));
  const widths = { id: width('id'), expected: width('expected'), tier: width('tier') };
  const line = (cell: typeof header) =>
    `${pad(cell.id, widths.id)}  ${pad(cell.expected, widths.expected)}  ${pad(cell.tier, widths.tier)}  ${cell.result}`;
  const lines = [
    line(header),
    line({
      id: '-'.repeat(widths.id),
      expected: '-'.repeat(widths.expected),
      tier: '-'.repeat(widths.tier),
      result: '------',
    }),
  ];
  lines.push(...cells.map(line));
  const failed = summary.rows.filter((row) => row.failures.length > 0);
  if (failed.length > 0) {
    lines.push('', 'failed:');
    for (const row of failed) for (const failure of row.failures) lines.push(`  ${row.id}: ${failure}`);
  }
  if (summary.unknownIds.length > 0) {
    lines.push('', 'tags that name no case of the catalogue (test/hostile/cases.ts):');
    for (const { id, fullTitle } of summary.unknownIds) lines.push(`  [${id}] ${fullTitle}`);
  }
  const { passed, failed: failedTests, pending } = summary.tests;
  lines.push('', `tagged tests: ${passed} passed, ${failedTests} failed, ${pending} skipped`, countsLine(summary));
  return lines;
}
