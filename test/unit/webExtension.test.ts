/**
 * VS Code for the Web runs extensions in a web worker: no Node modules, no `process`, no `Buffer`. This builds the
 * `browser` bundle exactly as `esbuild.js` does and activates it in a context that has only what a worker has, with a
 * recording stand-in for the `vscode` API, to check that it loads, registers every contributed command and the chat
 * view, and touches nothing else.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { webcrypto } from 'node:crypto';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');

interface Recorder {
  readonly commands: string[];
  readonly views: string[];
  readonly required: string[];
  readonly fetched: string[];
}

/**
 * A `vscode` module where every property, call and `new` gives another stand-in, recording what matters. The bundle
 * copies the module's own properties (esbuild's ES-module interop), so its top level lists the names the code uses.
 */
function fakeVscode(recorder: Recorder, names: readonly string[]): unknown {
  const make = (pathSoFar: string): unknown =>
    new Proxy(function stub() {}, {
      get(_target, property) {
        if (property === Symbol.toPrimitive) return () => pathSoFar;
        if (property === 'then') return undefined; // not a promise
        return make(`${pathSoFar}.${String(property)}`);
      },
      apply(_target, _this, args: unknown[]) {
        if (pathSoFar === 'vscode.commands.registerCommand') recorder.commands.push(String(args[0]));
        if (pathSoFar === 'vscode.window.registerWebviewViewProvider') recorder.views.push(String(args[0]));
        if (pathSoFar === 'vscode.l10n.t') return String(args[0]);
        return make(`${pathSoFar}()`);
      },
      construct() {
        return make(`new ${pathSoFar}`) as object;
      },
    });
  const api: Record<string, unknown> = {};
  for (const name of names) Object.defineProperty(api, name, { enumerable: true, get: () => make(`vscode.${name}`) });
  return api;
}

/** The names of the `vscode` API that bundled code reads (`vscode.window`, `vscode2.Uri`…). */
function apiNames(code: string): string[] {
  return [...new Set([...code.matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)].map((match) => match[1]))];
}

describe('the web-worker build (VS Code for the Web)', function () {
  this.timeout(30_000);

  it('activates with only what a web worker offers, registering every contributed command and the chat view', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { extensionBuild } = require(path.join(root, 'esbuild.js')) as {
      extensionBuild(host: string): esbuild.BuildOptions;
    };
    const options = extensionBuild('web');
    const result = await esbuild.build({
      ...options,
      absWorkingDir: root,
      write: false,
      sourcemap: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;

    const recorder: Recorder = { commands: [], views: [], required: [], fetched: [] };
    const vscodeModule = fakeVscode(recorder, apiNames(code));
    const module = { exports: {} as Record<string, unknown> };
    const worker = {
      module,
      exports: module.exports,
      require: (name: string) => {
        recorder.required.push(name);
        if (name === 'vscode') return vscodeModule;
        throw new Error(`Cannot find module '${name}' in a web worker`);
      },
      fetch: (input: unknown) => {
        recorder.fetched.push(String(input));
        return Promise.reject(new Error('no network at activation'));
      },
      console,
      crypto: webcrypto,
      URL,
      URLSearchParams,
      TextEncoder,
      TextDecoder,
      AbortController,
      AbortSignal,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      queueMicrotask,
      structuredClone,
    };
    const context = vm.createContext(worker);
    assert.equal(vm.runInContext('typeof process + typeof Buffer', context), 'undefinedundefined');
    vm.runInContext(code, context, { filename: 'dist/web/extension.js' });

    const activate = module.exports.activate as (context: unknown) => unknown;
    assert.equal(typeof activate, 'function');
    const extensionContext = fakeVscode(recorder, [
      'subscriptions',
      'secrets',
      'globalState',
      'globalStorageUri',
      'extensionUri',
    ]);
    activate(extensionContext);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      browser: string;
      contributes: { commands: { command: string }[] };
    };
    assert.equal(manifest.browser, './dist/web/extension.js');
    const contributed = manifest.contributes.commands.map((entry) => entry.command).sort();
    const missing = contributed.filter((id) => !recorder.commands.includes(id));
    assert.deepEqual(missing, [], 'contributed commands the web build does not register');
    assert.deepEqual(recorder.views, ['gatewayChat.chat']);
    assert.deepEqual([...new Set(recorder.required)], ['vscode'], 'modules the web build asked for');
    assert.deepEqual(recorder.fetched, [], 'requests made at activation');
  });
});
