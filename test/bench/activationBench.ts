/**
 * Activation and size (research plan B-6): load the production `dist/extension.js` in fresh Node processes with a
 * stand-in `vscode` module, time `require` + `activate()`, and compare with an empty extension in the same run.
 * The stand-in also counts what activation touched: secret reads, fetches, webviews — each should be 0.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fixed, median, quantile, table } from './harness';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Runs in a child process: a recursive stand-in for the vscode API that records the calls that matter. */
const PROBE = String.raw`
const Module = require('module');
const touched = { secretReads: 0, fetches: 0, webviews: 0, outputChannels: 0 };
const stub = new Proxy(function () {}, {
  get: (_t, key) => (key === 'then' ? undefined : stub),
  apply: () => stub,
  construct: () => stub,
});
// A bundle copies the module's own properties (esbuild's ESM interop), so the API names must be real keys: take
// every top-level name of the vscode API from its type definitions.
const types = require('fs').readFileSync(process.argv[2], 'utf8');
const names = new Set([...types.matchAll(/^\texport (?:namespace|class|enum|const|function|let) (\w+)/gm)].map((match) => match[1]));
const vscode = {};
for (const name of names) vscode[name] = stub;
vscode.window = new Proxy({}, { get: (_w, k) => {
  if (k === 'createOutputChannel') return () => { touched.outputChannels++; return stub; };
  if (k === 'createWebviewPanel') return () => { touched.webviews++; return stub; };
  return stub;
} });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
globalThis.fetch = () => { touched.fetches++; return new Promise(() => {}); };
const secrets = { get: () => { touched.secretReads++; return Promise.resolve(undefined); }, store: stub, delete: stub, onDidChange: () => stub };
const context = { subscriptions: [], secrets, extensionUri: stub, globalStorageUri: stub, globalState: stub, workspaceState: stub };
const start = process.hrtime.bigint();
const extension = require(process.argv[1]);
const loaded = process.hrtime.bigint();
extension.activate(context);
const activated = process.hrtime.bigint();
setTimeout(() => {
  process.stdout.write(JSON.stringify({ requireMs: Number(loaded - start) / 1e6, activateMs: Number(activated - loaded) / 1e6, touched }));
}, 50);
`;

interface Probe {
  requireMs: number;
  activateMs: number;
  touched: Record<string, number>;
}

function probe(bundle: string): Probe {
  const types = path.join(REPO, 'node_modules', '@types', 'vscode', 'index.d.ts');
  const result = spawnSync(process.execPath, ['-e', PROBE, bundle, types], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`activation probe failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Probe;
}

function sizes(file: string): string {
  const bytes = fs.readFileSync(file);
  return `${fixed(bytes.length / 1024)} KiB (${fixed(zlib.gzipSync(bytes).length / 1024)} KiB gzip)`;
}

export function runActivationBench(runs = 20): void {
  const bundle = path.join(REPO, 'dist', 'extension.js');
  const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-bench-')), 'empty.js');
  fs.writeFileSync(empty, 'exports.activate = function () {}; exports.deactivate = function () {};\n');
  const ours: Probe[] = [];
  const floor: Probe[] = [];
  for (let run = 0; run < runs; run++) {
    ours.push(probe(bundle));
    floor.push(probe(empty));
  }
  const row = (name: string, samples: Probe[]) => {
    const total = samples.map((sample) => sample.requireMs + sample.activateMs);
    return [
      name,
      fixed(median(samples.map((sample) => sample.requireMs)), 2),
      fixed(median(samples.map((sample) => sample.activateMs)), 2),
      fixed(median(total), 2),
      fixed(quantile(total, 0.95), 2),
    ];
  };
  console.log('\n== B-6 Activation and size ==');
  console.log(`${runs} cold Node processes each, alternating; dist/extension.js against an empty extension`);
  console.log(
    table(
      ['bundle', 'require ms', 'activate() ms', 'total ms (median)', 'total p95'],
      [row('ours', ours), row('empty', floor)],
    ),
  );
  const total = (samples: Probe[]) => median(samples.map((sample) => sample.requireMs + sample.activateMs));
  console.log(
    `ours / empty: ${fixed(total(ours) / total(floor), 2)}x; ours minus empty: ${fixed(total(ours) - total(floor), 2)} ms (goal: activate() < 50 ms)`,
  );
  const touched = ours[0].touched;
  console.log(
    `during activation: ${Object.entries(touched)
      .map(([what, count]) => `${what} ${count}`)
      .join(', ')} (goal: all 0)`,
  );
  for (const [name, file] of [
    ['dist/extension.js', bundle],
    ['dist/webview.js', path.join(REPO, 'dist', 'webview.js')],
    ['dist/webview.css', path.join(REPO, 'dist', 'webview.css')],
  ] as const) {
    console.log(`${name}: ${sizes(file)}`);
  }
  const vsix = fs.readdirSync(REPO).find((file) => /^gateway-chat-.*\.vsix$/.test(file));
  if (vsix) console.log(`${vsix}: ${fixed(fs.statSync(path.join(REPO, vsix)).size / 1024)} KiB (goal: < 1 MiB)`);
  fs.rmSync(path.dirname(empty), { recursive: true, force: true });
}
