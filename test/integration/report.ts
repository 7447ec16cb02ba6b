/**
 * The events the integration suite reports (from inside the extension host) and how they are printed. Shared by
 * the suite's mocha reporter and the runner that prints them, so both routes (web server + bridge, desktop
 * Electron + console) print the same lines. Plain data, no `vscode`, no mocha.
 */

export type ReportEvent =
  | { type: 'start'; total: number; vscodeVersion: string; uiKind: string; route: string }
  | { type: 'suite'; title: string; depth: number }
  | { type: 'pass'; title: string; fullTitle: string; depth: number; durationMs: number }
  | {
      type: 'fail';
      title: string;
      fullTitle: string;
      depth: number;
      durationMs?: number;
      message: string;
      stack?: string;
    }
  | { type: 'pending'; title: string; fullTitle: string; depth: number; reason?: string }
  | { type: 'log'; text: string }
  | { type: 'end'; passed: number; failed: number; pending: number; durationMs: number };

export interface Tally {
  passed: number;
  failed: number;
  pending: number;
  failures: Array<{ fullTitle: string; message: string; stack?: string }>;
  started: boolean;
  ended: boolean;
}

export function newTally(): Tally {
  return { passed: 0, failed: 0, pending: 0, failures: [], started: false, ended: false };
}

export function tallyEvent(tally: Tally, event: ReportEvent): void {
  switch (event.type) {
    case 'start':
      tally.started = true;
      break;
    case 'pass':
      tally.passed++;
      break;
    case 'fail':
      tally.failed++;
      tally.failures.push({ fullTitle: event.fullTitle, message: event.message, stack: event.stack });
      break;
    case 'pending':
      tally.pending++;
      break;
    case 'end':
      tally.ended = true;
      break;
    case 'suite':
    case 'log':
      break;
  }
}

/** The final line CI greps for: `N passed, N failed` (`, N skipped` when some were skipped). */
export function summaryLine(tally: Pick<Tally, 'passed' | 'failed' | 'pending'>): string {
  return `${tally.passed} passed, ${tally.failed} failed${tally.pending ? `, ${tally.pending} skipped` : ''}`;
}

function indent(depth: number): string {
  return '  '.repeat(Math.max(0, depth));
}

/** The lines to print for one event (spec-reporter style, no colours: this is for CI logs). */
export function formatEvent(event: ReportEvent): string[] {
  switch (event.type) {
    case 'start':
      return [
        `Integration suite: ${event.total} tests in VS Code ${event.vscodeVersion} (${event.uiKind}, ${event.route})`,
      ];
    case 'suite':
      return ['', `${indent(event.depth)}${event.title}`];
    case 'pass':
      return [`${indent(event.depth)}  ✓ ${event.title} (${event.durationMs} ms)`];
    case 'fail':
      return [
        `${indent(event.depth)}  ✗ ${event.title}${event.durationMs !== undefined ? ` (${event.durationMs} ms)` : ''}`,
        ...event.message.split('\n').map((line) => `${indent(event.depth)}      ${line}`),
      ];
    case 'pending':
      return [`${indent(event.depth)}  - ${event.title} (skipped${event.reason ? `: ${event.reason}` : ''})`];
    case 'log':
      return event.text.split('\n').map((line) => `      | ${line}`);
    case 'end':
      return [];
  }
}

/** Failure details for the end of the log. */
export function formatFailures(tally: Tally): string[] {
  if (!tally.failures.length) return [];
  const lines = ['', 'Failures:'];
  tally.failures.forEach((failure, index) => {
    lines.push('', `  ${index + 1}) ${failure.fullTitle}`);
    const detail =
      failure.stack && failure.stack.includes(failure.message)
        ? failure.stack
        : `${failure.message}\n${failure.stack ?? ''}`;
    for (const line of detail.trim().split('\n').slice(0, 25)) lines.push(`     ${line}`);
  });
  return lines;
}
