/**
 * Runs the integration suite (out/test/integration/suite/index.js) inside a real VS Code.
 *
 * Default route (works offline and headless): the VS Code server build from the npm package `code-server`
 * (installed once per machine by test/tools/install-vscode-server.js), opened in headless Chromium with the
 * smoke-test payload that loads this repository as the extension under development and the suite as its tests.
 * The suite reports each mocha event to a small HTTP "bridge" served here, which also lets it drive the workbench
 * page (activity bar, input boxes, the chat webview) through Playwright. See test/integration/README.md.
 *
 * GATEWAY_CHAT_TEST_ROUTE=electron: @vscode/test-electron downloads desktop VS Code (needs internet and a display)
 * and runs the same suite; UI-driven tests skip themselves there.
 *
 * Environment: GATEWAY_CHAT_TEST_GREP (mocha grep), GATEWAY_CHAT_TEST_VERBOSE=1 (server/browser output),
 * GATEWAY_CHAT_INTEGRATION_TIMEOUT_MS (whole run, default 600000), GATEWAY_CHAT_KEEP_DIRS=1 (keep temp dirs),
 * GATEWAY_CHAT_TEST_RELOAD=1 (the reload phase even with a grep that does not name it: the hostile corpus has
 * checks after the reload), GATEWAY_CHAT_TEST_BRIDGE=off (web route without the UI bridge, as the Electron route runs: UI tests skip and the
 * suite's console output, which the web workbench relays to the page console, is printed instead).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { resultsFile } from '../hostile/results';
import { launchChromium, newLoopbackContext } from '../support/chromium';
import { describeInstall, ensureServerInstalled, findRepoRoot, VsCodeServer } from '../support/vscodeServer';
import { formatEvent, formatFailures, newTally, summaryLine, tallyEvent, type ReportEvent, type Tally } from './report';
import { AFTER_RELOAD_MARKER } from './suite/reloadCheck';
import { BRIDGE_ACTIONS, WorkbenchDriver } from './workbenchDriver';

const VERBOSE = /^(1|true|yes)$/i.test(process.env.GATEWAY_CHAT_TEST_VERBOSE ?? '');
const BRIDGE_OFF = /^(0|off|false|no)$/i.test(process.env.GATEWAY_CHAT_TEST_BRIDGE ?? '');
const KEEP_DIRS = /^(1|true|yes)$/i.test(process.env.GATEWAY_CHAT_KEEP_DIRS ?? '');
/**
 * After the suite, reload the window and run the checks of what a reload keeps (they drive the panel, so they need the
 * UI bridge; with a grep they run only when it names them).
 */
const RELOAD_PHASE =
  !BRIDGE_OFF &&
  (!process.env.GATEWAY_CHAT_TEST_GREP ||
    /reload/i.test(process.env.GATEWAY_CHAT_TEST_GREP) ||
    /^(1|true|yes)$/i.test(process.env.GATEWAY_CHAT_TEST_RELOAD ?? ''));
const OVERALL_TIMEOUT_MS = Number(process.env.GATEWAY_CHAT_INTEGRATION_TIMEOUT_MS) || 10 * 60 * 1000;
const EXTENSION_ID = 'gateway-chat.gateway-chat';
/** The suite records its hostile-corpus tests here (both runs, before and after the reload, add to it). */
const HOSTILE_RESULTS = resultsFile('integration');

const started = Date.now();
// A closed stdout (e.g. piped into `head`) must not kill the run before it cleans up.
process.stdout.on('error', () => undefined);
function elapsed(): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
function note(line: string): void {
  print(`[integration +${elapsed()}] ${line}`);
}

/** Paths passed to the suite so it can check what a user's machine would hold (settings, logs). */
function suiteEnvironment(userDataDir: string): Record<string, string> {
  const env: Record<string, string> = {
    GATEWAY_CHAT_USER_DATA_DIR: userDataDir,
    GATEWAY_CHAT_SETTINGS_FILE: path.join(userDataDir, 'User', 'settings.json'),
    GATEWAY_CHAT_LOGS_DIR: path.join(userDataDir, 'logs'),
    GATEWAY_CHAT_HOSTILE_RESULTS: HOSTILE_RESULTS,
  };
  for (const name of ['GATEWAY_CHAT_TEST_GREP', 'GATEWAY_CHAT_TEST_TIMEOUT_MS']) {
    if (process.env[name]) env[name] = process.env[name] as string;
  }
  return env;
}

/** An extension that gives VS Code language model tools, as other extensions (and MCP servers) do. */
function fixtureExtension(repo: string): string {
  return path.join(repo, 'test', 'fixtures', 'lm-tools-extension');
}

function makeWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-ws-'));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Scratch workspace for the Gateway Chat integration tests\n');
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// The bridge: reports from the suite, UI actions for the suite.

interface Bridge {
  url: string;
  tally: Tally;
  lastEvent: string;
  setDriver(driver: WorkbenchDriver): void;
  /** Ignore further reports (after a timeout, while tearing down). */
  mute(): void;
  close(): Promise<void>;
}

async function startBridge(): Promise<Bridge> {
  const token = crypto.randomBytes(12).toString('hex');
  const tally = newTally();
  let driver: WorkbenchDriver | undefined;
  let uiChain: Promise<unknown> = Promise.resolve();
  const state = { lastEvent: '(none yet)', muted: false };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  const reply = (res: http.ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'POST' || !url.pathname.startsWith(`/${token}/`))
        return reply(res, 404, { ok: false, error: 'not found' });
      const route = url.pathname.slice(token.length + 2);
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        return reply(res, 400, { ok: false, error: `bad JSON: ${(error as Error).message}` });
      }
      if (route === 'report') {
        if (state.muted) return reply(res, 200, { ok: true });
        const event = body as ReportEvent;
        tallyEvent(tally, event);
        if (event.type !== 'log')
          state.lastEvent = `${event.type}${'fullTitle' in event ? `: ${event.fullTitle}` : ''}`;
        for (const line of formatEvent(event)) print(line);
        return reply(res, 200, { ok: true });
      }
      if (route === 'ui') {
        const { action, args } = body as { action: string; args?: unknown[] };
        if (!(BRIDGE_ACTIONS as readonly string[]).includes(action))
          return reply(res, 400, { ok: false, error: `unknown UI action ${action}` });
        if (!driver) return reply(res, 503, { ok: false, error: 'the workbench page is not ready' });
        const current = driver;
        // One UI action at a time, in arrival order.
        const run = uiChain.then(async () => {
          if (VERBOSE) note(`ui ${action}(${(args ?? []).map((a) => JSON.stringify(a)).join(', ')})`);
          const method = (current as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[action];
          // JSON turns an omitted optional argument into null: give the driver its default back.
          return method.apply(
            current,
            (args ?? []).map((arg) => (arg === null ? undefined : arg)),
          );
        });
        uiChain = run.catch(() => undefined);
        try {
          const value = await run;
          return reply(res, 200, { ok: true, value: value ?? null });
        } catch (error) {
          const message = ((error as Error).message ?? String(error)).split('\nCall log:')[0];
          if (VERBOSE) note(`ui ${action} failed: ${message}`);
          return reply(res, 200, { ok: false, error: message });
        }
      }
      return reply(res, 404, { ok: false, error: `unknown route ${route}` });
    })().catch((error) => {
      if (!res.headersSent) reply(res, 500, { ok: false, error: String(error) });
    });
  });
  server.requestTimeout = 0; // a UI wait may take a while
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${token}`,
    tally,
    get lastEvent() {
      return state.lastEvent;
    },
    setDriver(d) {
      driver = d;
    },
    mute() {
      state.muted = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Web-server route

async function runWeb(repo: string, suiteIndex: string): Promise<number> {
  const install = ensureServerInstalled();
  note(describeInstall(install));

  const workspace = makeWorkspace();
  const bridge = await startBridge();
  let server: VsCodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  let driver: WorkbenchDriver | undefined;

  const cleanup = async () => {
    clearTimeout(timer);
    if (browser) await withDeadline(browser.close(), 10_000).catch(() => undefined);
    if (server) await server.stop({ keepDirs: KEEP_DIRS });
    await bridge.close();
    if (!KEEP_DIRS) fs.rmSync(workspace, { recursive: true, force: true });
    else if (server)
      note(`kept user data dir ${server.userDataDir}, extensions dir ${server.extensionsDir}, workspace ${workspace}`);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    note(`received ${signal}: stopping VS Code and the browser`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let automationExit: number | undefined;
  let failure: string | undefined;
  // The whole run (not the one-time install) is bounded: every step below races this.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `TIMEOUT: the integration run did not finish within ${Math.round(OVERALL_TIMEOUT_MS / 1000)} s ` +
              `(last suite event: ${bridge.lastEvent}). VS Code and the browser are being killed. ` +
              'Raise GATEWAY_CHAT_INTEGRATION_TIMEOUT_MS or run with GATEWAY_CHAT_TEST_VERBOSE=1 to see the server and browser output.',
          ),
        ),
      OVERALL_TIMEOUT_MS,
    );
  });
  timedOut.catch(() => undefined);
  const bounded = <T>(promise: Promise<T>) => Promise.race([promise, timedOut]);
  // Last resort if even the cleanup hangs.
  setTimeout(() => {
    print(`TIMEOUT: cleanup did not finish; killing VS Code (pid ${server?.pid}) and exiting`);
    server?.killNow();
    print(summaryLine({ ...bridge.tally, failed: bridge.tally.failed + 1 }));
    process.exit(1);
  }, OVERALL_TIMEOUT_MS + 60_000).unref();
  try {
    const serverStart = Date.now();
    server = await bounded(
      VsCodeServer.start({
        install,
        // Language model tools of "another extension" (13-tools-vscode). The web workbench takes one extension under
        // development only (its payload is read into a Map), so this one is installed instead.
        installedExtensions: [fixtureExtension(repo)],
        onOutput: VERBOSE ? (line) => print(`[server] ${line}`) : undefined,
      }),
    );
    note(`VS Code server listening on ${server.url} (pid ${server.pid}, started in ${Date.now() - serverStart} ms)`);

    browser = await bounded(launchChromium());
    const context = await newLoopbackContext(browser);
    const page = await context.newPage();
    driver = new WorkbenchDriver(page, path.join(repo, 'test-results', 'screenshots'));
    bridge.setDriver(driver);
    if (VERBOSE) {
      page.on('console', (message) => print(`[browser ${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => print(`[browser pageerror] ${error.message}`));
    } else if (BRIDGE_OFF) {
      // In extension development mode the workbench relays the extension host's console.log/info to the page as
      // "%c INFO color: #33f <text>" (as it does its own info logs): print what follows the suite's first line.
      let suiteStarted = false;
      page.on('console', (message) => {
        const relayed = /^%c\s*INFO\s+color:\s*#[0-9a-f]+\s?([\s\S]*)$/i.exec(message.text());
        if (!relayed) return;
        for (const line of relayed[1].split('\n')) {
          suiteStarted ||= line.startsWith('Integration suite:');
          if (!suiteStarted) continue;
          print(line);
          const summary = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(line.trim());
          if (summary) {
            Object.assign(bridge.tally, {
              passed: +summary[1],
              failed: +summary[2],
              pending: +(summary[3] ?? 0),
              started: true,
              ended: true,
            });
          }
        }
      });
    }
    page.on('crash', () => note('the workbench page crashed'));

    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    // The workbench calls this when the suite's run() settles: 0 passed, 1 failed.
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(Number(code)));
    const started = server;
    const payload: Array<[string, string]> = [
      // The extension's own log at trace level, so the suite's secret check covers every line it can write.
      ['logLevel', `${EXTENSION_ID}:trace`],
      ['extensionDevelopmentPath', started.remoteUri(repo)],
      ['extensionTestsPath', started.remoteUri(suiteIndex)],
      [
        'extensionEnvironment',
        JSON.stringify({
          ...(BRIDGE_OFF ? {} : { GATEWAY_CHAT_UI_BRIDGE: bridge.url }),
          ...suiteEnvironment(started.userDataDir),
        }),
      ],
    ];
    const url = server.workbenchUrl(workspace, payload);
    note(`opening the workbench in headless Chromium: ${server.url}/?folder=${workspace}&payload=…`);
    await bounded(page.goto(url, { waitUntil: 'domcontentloaded' }));
    await bounded(driver.waitForWorkbench(90_000));
    note('workbench loaded; the suite runs in the extension host');

    const serverDied = new Promise<never>((_, reject) => {
      const check = setInterval(() => {
        if (server && !isAlive(server.pid)) {
          clearInterval(check);
          reject(
            new Error(`the VS Code server (pid ${server.pid}) exited during the run:\n${server.log.slice(-3000)}`),
          );
        }
      }, 1000);
      check.unref();
    });
    automationExit = await Promise.race([exited, timedOut, serverDied]);
    note(`the suite finished: VS Code reported exit code ${automationExit}`);
    if (RELOAD_PHASE) {
      // VS Code's own "Reload Window" (which saves the workbench's state as a user's reload does): the same workbench,
      // workspace and profile load again with a new extension host, whose suite run finds the marker and runs the
      // `afterReload/` checks of what the reload had to keep.
      note('reloading the window (Developer: Reload Window): the suite runs again in the new extension host');
      const exitedAgain = new Promise<number>((resolve) => (reportExit = resolve));
      bridge.tally.ended = false;
      fs.writeFileSync(path.join(server.userDataDir, AFTER_RELOAD_MARKER), 'reload\n');
      const reloaded = page.waitForEvent('domcontentloaded', { timeout: 90_000 });
      await bounded(driver.runCommandFromPalette('Developer: Reload Window'));
      await bounded(reloaded);
      await bounded(driver.waitForWorkbench(90_000));
      const afterReload = await Promise.race([exitedAgain, timedOut, serverDied]);
      note(`the suite finished after the reload: VS Code reported exit code ${afterReload}`);
      automationExit = Math.max(automationExit, afterReload);
    }
  } catch (error) {
    failure = (error as Error).message ?? String(error);
    bridge.mute();
    print('');
    print(failure);
    if (driver) {
      const shot = await withDeadline(driver.screenshot('integration-failure'), 10_000).catch(() => undefined);
      if (shot) print(`screenshot of the workbench: ${path.relative(repo, shot)}`);
    }
    if (server && !VERBOSE) {
      print('--- last VS Code server output ---');
      print(server.log.slice(-4000));
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return finish(bridge.tally, automationExit, failure);
}

function finish(tally: Tally, automationExit: number | undefined, failure: string | undefined): number {
  if (failure) {
    // The run itself failed (timeout, server died, ...): that counts as a failure in the summary line too.
    tallyEvent(tally, {
      type: 'fail',
      title: 'integration run',
      fullTitle: 'integration run',
      depth: 0,
      message: failure.split('\n')[0],
    });
  }
  for (const line of formatFailures(tally)) print(line);
  print('');
  if (!tally.started && !failure)
    print('The suite never reported a start: did it load? (run with GATEWAY_CHAT_TEST_VERBOSE=1)');
  if (tally.started && !tally.ended && !failure) print('The suite never reported its end.');
  note(`done (VS Code exit code ${automationExit ?? 'none'})`);
  print(summaryLine(tally));
  const ok = !failure && automationExit === 0 && tally.ended && tally.failed === 0 && tally.passed > 0;
  return ok ? 0 : 1;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------------------
// Electron route (desktop VS Code; needs a display and internet for the download)

async function runElectron(repo: string, suiteIndex: string): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const workspace = makeWorkspace();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-user-'));
  note(`desktop VS Code via @vscode/test-electron (version ${process.env.GATEWAY_CHAT_VSCODE_VERSION ?? 'stable'})`);
  try {
    await runTests({
      version: process.env.GATEWAY_CHAT_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: [repo, fixtureExtension(repo)],
      extensionTestsPath: suiteIndex,
      extensionTestsEnv: suiteEnvironment(userDataDir),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${userDataDir}`,
        '--log',
        `${EXTENSION_ID}:trace`,
      ],
    });
    return 0;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    print(`desktop VS Code run failed: ${message}`);
    if (!/^Test run (failed|terminated)/.test(message)) {
      // VS Code never ran the suite (download or launch failed), so the suite printed no summary.
      print(
        'The Electron route downloads desktop VS Code (internet) and opens a window (a display, or xvfb-run on Linux). ' +
          'Offline or headless, use the default route: npm run test:integration',
      );
      print('0 passed, 1 failed');
    }
    return 1;
  } finally {
    if (!KEEP_DIRS) {
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<number> {
  const repo = findRepoRoot(__dirname);
  const suiteIndex = path.join(__dirname, 'suite', 'index.js');
  if (!fs.existsSync(suiteIndex)) throw new Error(`${suiteIndex} is missing: run npm run compile-tests`);
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { main?: string };
  const main = path.join(repo, manifest.main ?? 'dist/extension.js');
  if (!fs.existsSync(main)) throw new Error(`${path.relative(repo, main)} is missing: run npm run build`);

  fs.rmSync(HOSTILE_RESULTS, { force: true });
  const route = (process.env.GATEWAY_CHAT_TEST_ROUTE ?? 'web').toLowerCase();
  if (route === 'electron') return runElectron(repo, suiteIndex);
  if (route !== 'web') throw new Error(`GATEWAY_CHAT_TEST_ROUTE=${route}: expected "web" (default) or "electron"`);
  return runWeb(repo, suiteIndex);
}

main().then(
  (code) => {
    note(`total ${elapsed()}`);
    process.exit(code);
  },
  (error) => {
    print(`integration runner failed: ${(error as Error).stack ?? error}`);
    print('0 passed, 1 failed');
    process.exit(1);
  },
);
