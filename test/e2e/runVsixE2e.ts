/**
 * Acceptance check: the packaged .vsix works end to end as a user uses it.
 *
 * Installs gateway-chat-*.vsix (built by `npm run package`) into a fresh profile with code-server's own CLI,
 * points `gatewayChat.baseUrl` at a local FakeGateway in the remote settings (a code-server window is a remote
 * window, whose machine-scoped settings come from there), starts code-server as an end user
 * does (`--auth none`, no development flags, no test payload), opens it in headless Chromium and, only through the
 * UI: F1 → "Gateway Chat: Set API Key" → types the key → Enter; clicks "Gateway Chat" in the activity bar; asks a
 * question in the panel; waits for the streamed reply. Then checks what the gateway received, and that the key is
 * in none of settings.json, the log files and the webview DOM.
 *
 * Run: npm run test:e2e (= npm run package && npm run compile-tests && node out/test/e2e/runVsixE2e.js).
 * Env: GATEWAY_CHAT_VSIX (a .vsix to test instead of the newest in the repo root), GATEWAY_CHAT_TEST_VERBOSE=1,
 * GATEWAY_CHAT_KEEP_DIRS=1, GATEWAY_CHAT_E2E_TIMEOUT_MS (default 300000).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, newLoopbackContext } from '../support/chromium';
import { FakeGateway, sseReply, type RecordedRequest } from '../support/fakeGateway';
import {
  describeInstall,
  ensureServerInstalled,
  filesContaining,
  findRepoRoot,
  installVsix,
  runCodeServerCli,
  listFiles,
  remoteSettingsFile,
  VsCodeServer,
} from '../support/vscodeServer';
import { WorkbenchDriver } from '../integration/workbenchDriver';

const VERBOSE = /^(1|true|yes)$/i.test(process.env.GATEWAY_CHAT_TEST_VERBOSE ?? '');
const KEEP_DIRS = /^(1|true|yes)$/i.test(process.env.GATEWAY_CHAT_KEEP_DIRS ?? '');
const TIMEOUT_MS = Number(process.env.GATEWAY_CHAT_E2E_TIMEOUT_MS) || 5 * 60 * 1000;
const EXTENSION_ID = 'gateway-chat.gateway-chat';
const API_KEY = `sk-e2e-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;
const QUESTION = 'What does HTTP status 429 mean?';
const ANSWER_DELTAS = ['429 means ', '"Too Many Requests": ', 'the server is rate limiting you. ', 'Wait and retry.'];
const ANSWER = ANSWER_DELTAS.join('');

const started = Date.now();
// A closed stdout (e.g. piped into `head`) must not kill the run before it cleans up.
process.stdout.on('error', () => undefined);
const print = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => print(`[e2e +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

interface Results {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

function findVsix(repo: string): string {
  if (process.env.GATEWAY_CHAT_VSIX) return path.resolve(process.env.GATEWAY_CHAT_VSIX);
  const version = (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;
  const candidates = fs
    .readdirSync(repo)
    .filter((file) => /^gateway-chat-.*\.vsix$/.test(file))
    .map((file) => path.join(repo, file));
  if (!candidates.length) throw new Error(`no gateway-chat-*.vsix in ${repo}: run npm run package first`);
  const exact = candidates.find((file) => path.basename(file) === `gateway-chat-${version}.vsix`);
  return exact ?? candidates.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

async function main(): Promise<Results> {
  const repo = findRepoRoot(__dirname);
  const results: Results = { passed: 0, failed: 0, skipped: 0, failures: [] };
  let blocked: string | undefined; // the user flow stops at its first failing step
  const step = async (title: string, body: () => Promise<void> | void, options: { always?: boolean } = {}) => {
    if (blocked && !options.always) {
      results.skipped++;
      print(`  - ${title} (skipped: "${blocked}" failed)`);
      return;
    }
    const t0 = Date.now();
    try {
      await body();
      results.passed++;
      print(`  ✓ ${title} (${Date.now() - t0} ms)`);
    } catch (error) {
      results.failed++;
      const message = ((error as Error).message ?? String(error)).split('\nCall log:')[0];
      results.failures.push(`${title}: ${message}`);
      print(`  ✗ ${title} (${Date.now() - t0} ms)`);
      for (const line of message.split('\n')) print(`      ${line}`);
      if (!options.always) blocked = title;
    }
  };

  const vsix = findVsix(repo);
  note(`package under test: ${path.relative(repo, vsix) || vsix} (${fs.statSync(vsix).size} bytes)`);
  const install = ensureServerInstalled();
  note(describeInstall(install));

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-e2e-user-'));
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-e2e-ext-'));
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-e2e-ws-'));
  fs.writeFileSync(path.join(workspace, 'notes.md'), '# Notes\n');
  let gateway: FakeGateway | undefined;
  let server: VsCodeServer | undefined;
  let browser: Browser | undefined;
  let driver: WorkbenchDriver | undefined;
  let request: RecordedRequest | undefined;

  const cleanup = async () => {
    if (browser) await browser.close().catch(() => undefined);
    if (server) await server.stop();
    if (gateway) await gateway.close();
    if (KEEP_DIRS) note(`kept ${userDataDir}, ${extensionsDir}, ${workspace}`);
    else for (const dir of [userDataDir, extensionsDir, workspace]) fs.rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = setTimeout(() => {
    print(`TIMEOUT: the e2e check did not finish within ${TIMEOUT_MS / 1000} s; killing code-server and the browser`);
    void (driver?.screenshot('e2e-vsix-timeout') ?? Promise.resolve())
      .catch(() => undefined)
      .then(cleanup)
      .finally(() => {
        print(`${results.passed} passed, ${results.failed + 1} failed`);
        process.exit(1);
      });
  }, TIMEOUT_MS);

  try {
    print('');
    print('Packaged extension, end to end (code-server, as a user)');
    await step('the .vsix installs with code-server --install-extension', () => {
      const output = installVsix(install, vsix, userDataDir, extensionsDir);
      if (VERBOSE) print(output);
      const listed = runCodeServerCli(install, userDataDir, extensionsDir, '--list-extensions', '--show-versions');
      assert.match(
        listed,
        new RegExp(`${EXTENSION_ID.replace('.', '\\.')}@`),
        `code-server does not list ${EXTENSION_ID}: ${listed}`,
      );
      note(
        `installed: ${listed
          .trim()
          .split('\n')
          .filter((line) => line.includes(EXTENSION_ID))
          .join(', ')}`,
      );
    });

    await step('code-server starts with the extension and remote settings pointing at a local gateway', async () => {
      gateway = await FakeGateway.start();
      gateway.enqueue(sseReply(ANSWER_DELTAS, { delayMs: 40 }));
      server = await VsCodeServer.start({
        install,
        flavor: 'code-server',
        folder: workspace,
        userDataDir,
        extensionsDir,
        remoteSettings: { 'gatewayChat.baseUrl': gateway.baseUrl, 'gatewayChat.model': 'openai/gpt-4o-mini' },
        onOutput: VERBOSE ? (line) => print(`[code-server] ${line}`) : undefined,
      });
      note(`code-server on ${server.url} (pid ${server.pid}); gateway on ${gateway.baseUrl}`);
      browser = await launchChromium();
      const context = await newLoopbackContext(browser);
      const page = await context.newPage();
      if (VERBOSE) page.on('console', (message) => print(`[browser ${message.type()}] ${message.text()}`));
      driver = new WorkbenchDriver(page, path.join(repo, 'test-results', 'screenshots'));
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
      await driver.waitForWorkbench(90_000);
      // What a user sees first: the extension's icon in the activity bar.
      await page
        .locator('.activitybar a[aria-label^="Gateway Chat"]')
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
    });

    await step('F1 → "Gateway Chat: Set API Key" → type the key → Enter', async () => {
      const d = driver as WorkbenchDriver;
      await d.runCommandFromPalette('Gateway Chat: Set API Key');
      await d.waitForQuickInput();
      await d.typeInQuickInput(API_KEY);
      await d.pressInWorkbench('Enter');
      await d.waitForQuickInputClosed();
    });

    await step(
      'clicking "Gateway Chat" in the activity bar opens the panel, with no "set API key" banner',
      async () => {
        const d = driver as WorkbenchDriver;
        await d.openChatView();
        await d.waitFor('textarea#composer', 'visible');
        await d.waitFor('#no-key-banner', 'hidden');
      },
    );

    await step('a question typed in the panel and sent with Enter gets the streamed reply', async () => {
      const d = driver as WorkbenchDriver;
      const gw = gateway as FakeGateway;
      await d.typeInComposer(QUESTION);
      await d.press('Enter');
      request = await gw.nextChatRequest(20_000);
      await d.waitForPanelText('.message[data-role="user"] .message-body', QUESTION);
      await d.waitForPanelText('.message[data-role="assistant"] .message-body', ANSWER, 20_000);
      const deadline = Date.now() + 10_000;
      while ((await d.attribute('.message[data-role="assistant"]', 'data-status', -1)) !== 'done') {
        if (Date.now() > deadline) throw new Error('the reply never reached data-status="done"');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await d.page.keyboard.press('Escape').catch(() => undefined);
    });

    await step('the gateway received "Authorization: Bearer <key>" and a schema-valid body with the question', () => {
      const r = request as RecordedRequest;
      assert.equal(r.method, 'POST');
      assert.match(r.path, /\/v1\/chat\/completions$/);
      assert.equal(r.headers.authorization, `Bearer ${API_KEY}`);
      assert.deepEqual(r.schemaErrors, [], 'the body does not match the Chat Completions schema');
      const body = r.body as { model?: string; stream?: boolean; messages?: Array<{ role: string; content: unknown }> };
      assert.equal(body.model, 'openai/gpt-4o-mini');
      assert.equal(body.stream, true);
      const last = body.messages?.[body.messages.length - 1];
      assert.equal(last?.role, 'user');
      assert.equal(last?.content, QUESTION);
    });

    await step('screenshot e2e-vsix', async () => {
      const file = await (driver as WorkbenchDriver).screenshot('e2e-vsix');
      note(`saved ${path.relative(repo, file)}`);
    });

    print('');
    print('The key stays secret');
    await step(
      'the key is in neither the user nor the remote settings.json',
      () => {
        const remote = remoteSettingsFile(userDataDir);
        assert.match(fs.readFileSync(remote, 'utf8'), /gatewayChat\.baseUrl/);
        for (const file of [path.join(userDataDir, 'User', 'settings.json'), remote])
          assert.equal(fs.readFileSync(file, 'utf8').includes(API_KEY), false, `the key is in ${file}`);
      },
      { always: true },
    );
    await step(
      'the key is in no file under the logs directory (the extension wrote its log there)',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500)); // log channels flush asynchronously
        const logs = path.join(userDataDir, 'logs');
        const files = listFiles(logs);
        assert.ok(
          files.some((file) => file.includes(EXTENSION_ID)),
          `no log of ${EXTENSION_ID} under ${logs}: ${files.join(', ')}`,
        );
        assert.deepEqual(filesContaining(logs, API_KEY), [], 'the key appears in these log files');
        // And nowhere else in the profile on disk (the browser keeps SecretStorage, not the server).
        assert.deepEqual(filesContaining(userDataDir, API_KEY), [], 'the key appears in these profile files');
      },
      { always: true },
    );
    await step(
      'the key is not in the chat webview DOM',
      async () => {
        if (!driver) throw new Error('no browser page');
        const html = await driver.webviewHtml();
        assert.ok(html.includes('composer'));
        assert.equal(html.includes(API_KEY), false, 'the key is in the webview DOM');
      },
      { always: true },
    );
  } finally {
    if (results.failed && driver) {
      const shot = await driver.screenshot('e2e-vsix-failure').catch(() => undefined);
      if (shot) note(`screenshot of the failure: ${path.relative(repo, shot)}`);
    }
    if (results.failed && server && !VERBOSE) {
      print('--- last code-server output ---');
      print(server.log.slice(-3000));
    }
    clearTimeout(timer);
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return results;
}

main().then(
  (results) => {
    if (results.failures.length) {
      print('');
      print('Failures:');
      results.failures.forEach((failure, index) => print(`  ${index + 1}) ${failure.split('\n')[0]}`));
    }
    print('');
    note(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    print(`${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
    process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
  },
  (error) => {
    print(`e2e runner failed: ${(error as Error).stack ?? error}`);
    print('0 passed, 1 failed');
    process.exit(1);
  },
);
