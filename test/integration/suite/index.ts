/**
 * The integration suite's entry point, loaded by VS Code inside the extension host (the module shape
 * @vscode/test-electron and the web workbench's `extensionTestsPath` expect: `run(): Promise<void>`).
 *
 * Output: the extension host's console does not reach the runner on the web-server route, so each mocha event is
 * POSTed to the runner's bridge (GATEWAY_CHAT_UI_BRIDGE/report), which prints it. Without a bridge (Electron
 * route) the same lines go to the console, which @vscode/test-electron forwards. (console.* in the extension
 * host is VS Code's own accessor and cannot be wrapped; on the web route the workbench relays it to the page
 * console, where the runner picks it up.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { recordHostileResults } from '../../hostile/results';
import { formatEvent, newTally, summaryLine, tallyEvent, formatFailures, type ReportEvent } from '../report';
import { takeAfterReloadMarker } from './reloadCheck';
import { skipReasonOf } from './skip';

const BRIDGE = process.env.GATEWAY_CHAT_UI_BRIDGE;
/** Where the hostile-corpus tests of this tier are recorded (the runner removes it before the first run). */
const HOSTILE_RESULTS = process.env.GATEWAY_CHAT_HOSTILE_RESULTS;

interface Sink {
  emit(event: ReportEvent): void;
  flush(): Promise<void>;
}

/** Posts events in order; a failed post is printed to the console instead (never fails the run). */
function bridgeSink(url: string, fallback: Sink): Sink {
  let chain = Promise.resolve();
  return {
    emit(event) {
      chain = chain.then(async () => {
        try {
          const response = await fetch(`${url}/report`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(event),
          });
          await response.arrayBuffer();
        } catch {
          fallback.emit(event);
        }
      });
    },
    flush: () => chain,
  };
}

function consoleSink(): Sink {
  const tally = newTally();
  const print = (line: string) => console.log(line);
  return {
    emit(event) {
      tallyEvent(tally, event);
      for (const line of formatEvent(event)) print(line);
      if (event.type === 'end') {
        for (const line of formatFailures(tally)) print(line);
        print('');
        print(summaryLine(tally));
      }
    },
    flush: () => Promise.resolve(),
  };
}

function depthOf(runnable: Mocha.Runnable | Mocha.Suite): number {
  let depth = 0;
  for (let node = runnable.parent; node && !node.root; node = node.parent) depth++;
  return depth;
}

function reporterFor(sink: Sink, route: string, counts: { passed: number; failed: number; pending: number }) {
  const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } =
    Mocha.Runner.constants;
  return class BridgeReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      const started = Date.now();
      runner.once(EVENT_RUN_BEGIN, () =>
        sink.emit({
          type: 'start',
          total: runner.total,
          vscodeVersion: vscode.version,
          uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
          route,
        }),
      );
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        if (!suite.root && suite.title) sink.emit({ type: 'suite', title: suite.title, depth: depthOf(suite) });
      });
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
        counts.passed++;
        sink.emit({
          type: 'pass',
          title: test.title,
          fullTitle: test.fullTitle(),
          depth: depthOf(test),
          durationMs: test.duration ?? 0,
        });
      });
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, error: Error) => {
        counts.failed++;
        sink.emit({
          type: 'fail',
          title: test.title,
          fullTitle: test.fullTitle(),
          depth: depthOf(test),
          durationMs: test.duration,
          message: error?.message ?? String(error),
          stack: error?.stack,
        });
      });
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
        counts.pending++;
        sink.emit({
          type: 'pending',
          title: test.title,
          fullTitle: test.fullTitle(),
          depth: depthOf(test),
          reason: skipReasonOf(test),
        });
      });
      runner.once(EVENT_RUN_END, () => sink.emit({ type: 'end', ...counts, durationMs: Date.now() - started }));
    }
  };
}

export async function run(): Promise<void> {
  const route = BRIDGE ? 'web server + UI bridge' : 'no UI bridge';
  const local = consoleSink();
  const sink = BRIDGE ? bridgeSink(BRIDGE, local) : local;
  const counts = { passed: 0, failed: 0, pending: 0 };
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: Number(process.env.GATEWAY_CHAT_TEST_TIMEOUT_MS) || 60_000,
    slow: 15_000,
    color: false,
  });
  mocha.reporter(reporterFor(sink, route, counts));
  const grep = process.env.GATEWAY_CHAT_TEST_GREP;
  if (grep) mocha.grep(grep);

  // After the runner reloads the window, only the checks of what a reload must keep run.
  const afterReload = takeAfterReloadMarker(process.env.GATEWAY_CHAT_USER_DATA_DIR, fs, path);
  const folder = afterReload ? path.join(__dirname, 'afterReload') : __dirname;
  const files = fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.test.js'))
    .sort();
  for (const file of files) mocha.addFile(path.join(folder, file));

  let failures: number;
  try {
    failures = await new Promise<number>((resolve, reject) => {
      try {
        const runner = mocha.run(resolve);
        if (HOSTILE_RESULTS) recordHostileResults(runner, { tier: 'integration', file: HOSTILE_RESULTS, append: true });
      } catch (error) {
        // e.g. a test file that throws while loading: report it, or the runner would only see "exit 1"
        const err = error as Error;
        sink.emit({
          type: 'fail',
          title: 'loading the suite',
          fullTitle: 'loading the suite',
          depth: 0,
          message: err?.message ?? String(err),
          stack: err?.stack,
        });
        sink.emit({
          type: 'end',
          passed: counts.passed,
          failed: counts.failed + 1,
          pending: counts.pending,
          durationMs: 0,
        });
        reject(error);
      }
    });
  } finally {
    await sink.flush();
  }
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
  if (counts.passed === 0) throw new Error('no integration test passed (none ran?)');
}
