/**
 * Starts the real VS Code server build (shipped inside the npm package `code-server`, run on Node 24) on 127.0.0.1
 * for the integration and e2e tiers. See shared docs "real-vscode.md". The install itself is done by the plain-JS
 * test/tools/install-vscode-server.js (cached per machine); this module locates it, starts and stops servers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ServerInstall {
  /** Node 24 binary used to run the server. */
  node: string;
  nodePackageDir: string;
  codeServerDir: string;
  codeServerPackageDir: string;
  /** code-server's own CLI (`--install-extension`, end-user server). */
  codeServerEntry: string;
  /** lib/vscode inside code-server. */
  vscodeDir: string;
  serverMain: string;
  vscodeVersion: string;
  vscodeCommit: string;
  codeServerVersion: string;
}

/** The repository root: the nearest directory above `from` whose package.json is this extension's. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gateway-chat') return dir;
      } catch {
        // keep looking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the gateway-chat repository above ${from}`);
    dir = parent;
  }
}

/** Installs Node 24 + code-server into the user cache if needed (prints what it does) and returns the paths. */
export function ensureServerInstalled(): ServerInstall {
  const installer = path.join(findRepoRoot(), 'test', 'tools', 'install-vscode-server.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureInstalled } = require(installer) as { ensureInstalled(): ServerInstall };
  return ensureInstalled();
}

export function describeInstall(install: ServerInstall): string {
  return `VS Code ${install.vscodeVersion} (server build from code-server ${install.codeServerVersion})`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `vscode-remote://127.0.0.1:<port>/abs/path`: how the web workbench names a file on the server. */
/** Copies an extension folder into an extensions dir under the name VS Code gives an installed one. */
function placeExtension(folder: string, extensionsDir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.cpSync(folder, target, { recursive: true });
}

export function remoteUri(port: number, absolutePath: string): string {
  const posix = path.resolve(absolutePath).split(path.sep).join('/');
  return `vscode-remote://127.0.0.1:${port}${encodeURI(posix)}`;
}

/** Settings that keep a throwaway profile quiet and offline: no update checks, no telemetry, no welcome page. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'npm.autoDetect': 'off',
  'typescript.tsc.autoDetect': 'off',
};

export interface StartServerOptions {
  install: ServerInstall;
  /**
   * `server-main` (default): the VS Code server build run directly, with the development/smoke-test flags the
   * integration runner needs. `code-server`: code-server's own CLI as an end user runs it (`--auth none`), for
   * the packaged-extension e2e check.
   */
  flavor?: 'server-main' | 'code-server';
  /** server-main only: honour the smoke-test `payload` query (extensionDevelopmentPath, ...). Default true. */
  smokeTestDriver?: boolean;
  /** code-server only: the folder to open. */
  folder?: string;
  /** User settings, written to `<user-data-dir>/User/settings.json` before the server starts (merged over QUIET_SETTINGS). */
  settings?: Record<string, unknown>;
  /**
   * Remote settings (the settings editor's Remote tab), written to `<user-data-dir>/Machine/settings.json`. The
   * browser window of a VS Code server is a remote window: machine-scoped settings are read from here only.
   */
  remoteSettings?: Record<string, unknown>;
  /**
   * Extension folders (a package.json and what it names) placed in the extensions dir before the server starts, as if
   * the user had installed them: VS Code finds them there when it first reads the extensions dir.
   */
  installedExtensions?: readonly string[];
  /** Reuse these instead of fresh temp dirs (they are then not deleted on stop). */
  userDataDir?: string;
  extensionsDir?: string;
  /** More server arguments. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Prints each server output line (e.g. when GATEWAY_CHAT_TEST_VERBOSE is set). */
  onOutput?: (line: string) => void;
  startTimeoutMs?: number;
}

const live = new Set<VsCodeServer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: a runner that dies without stopping its servers still takes them down.
  process.on('exit', () => {
    for (const server of live) server.killNow();
  });
}

export class VsCodeServer {
  private output = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    private readonly ownedDirs: string[],
    readonly install: ServerInstall,
  ) {
    this.exitPromise = new Promise((resolve) => child.once('exit', () => ((this.exited = true), resolve())));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get settingsFile(): string {
    return path.join(this.userDataDir, 'User', 'settings.json');
  }

  /** The server writes its own and every extension host's logs (including each extension's log channel) here. */
  get logsDir(): string {
    return path.join(this.userDataDir, 'logs');
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Everything the server printed so far. */
  get log(): string {
    return this.output;
  }

  static async start(options: StartServerOptions): Promise<VsCodeServer> {
    const { install } = options;
    const owned: string[] = [];
    const makeTemp = (prefix: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      owned.push(dir);
      return dir;
    };
    const userDataDir = options.userDataDir ?? makeTemp('gateway-chat-user-');
    const extensionsDir = options.extensionsDir ?? makeTemp('gateway-chat-ext-');
    for (const folder of options.installedExtensions ?? []) placeExtension(folder, extensionsDir);
    writeUserSettings(userDataDir, { ...QUIET_SETTINGS, ...options.settings });
    if (options.remoteSettings) writeRemoteSettings(userDataDir, options.remoteSettings);

    const port = await freePort();
    const flavor = options.flavor ?? 'server-main';
    const args =
      flavor === 'server-main'
        ? [
            install.serverMain,
            '--host',
            '127.0.0.1',
            '--port',
            String(port),
            '--without-connection-token',
            '--accept-server-license-terms',
            '--user-data-dir',
            userDataDir,
            '--extensions-dir',
            extensionsDir,
            ...(options.smokeTestDriver === false ? [] : ['--enable-smoke-test-driver']),
            '--disable-workspace-trust',
            '--disable-telemetry',
            ...(options.args ?? []),
          ]
        : [
            install.codeServerEntry,
            '--auth',
            'none',
            '--bind-addr',
            `127.0.0.1:${port}`,
            ...codeServerProfileArgs(userDataDir, extensionsDir),
            '--disable-telemetry',
            '--disable-update-check',
            '--disable-workspace-trust',
            '--disable-getting-started-override',
            '--ignore-last-opened',
            ...(options.args ?? []),
            ...(options.folder ? [path.resolve(options.folder)] : []),
          ];
    const child = spawn(install.node, args, {
      detached: true, // own process group: stop() takes the extension hosts and watchers down with it
      stdio: ['ignore', 'pipe', 'pipe'],
      env: serverEnv(install, options.env),
    });
    const server = new VsCodeServer(child, port, userDataDir, extensionsDir, owned, install);
    live.add(server);
    installExitHook();

    const ready = new Promise<void>((resolve, reject) => {
      let pending = '';
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        server.output += text;
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) options.onOutput?.(line);
        if (/Web UI available at|HTTP server listening on/.test(server.output)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`VS Code server exited before it was ready (${code ?? signal}):\n${server.output}`)),
      );
    });
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`VS Code server printed no "Web UI available" within ${timeoutMs} ms:\n${server.output}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (error) {
      await server.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return server;
  }

  /** `http://127.0.0.1:<port>/?folder=<abs>&payload=<urlencoded JSON>` */
  workbenchUrl(folder?: string, payload?: Array<[string, string]>): string {
    const query: string[] = [];
    if (folder) query.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
    if (payload) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return `${this.url}/${query.length ? `?${query.join('&')}` : ''}`;
  }

  remoteUri(absolutePath: string): string {
    return remoteUri(this.port, absolutePath);
  }

  /** Kills the server's whole process group (SIGTERM, then SIGKILL) and deletes the temp dirs it created. */
  async stop(options: { keepDirs?: boolean } = {}): Promise<void> {
    if (!this.exited) {
      this.signal('SIGTERM');
      const gone = await Promise.race([this.exitPromise.then(() => true), delay(5000).then(() => false)]);
      if (!gone) this.signal('SIGKILL');
      await Promise.race([this.exitPromise, delay(2000)]);
    }
    // Extension hosts are children in the same group; make sure none outlives the server.
    this.signal('SIGKILL');
    live.delete(this);
    if (!options.keepDirs) {
      for (const dir of this.ownedDirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  /** Synchronous kill (and temp-dir removal) for process-exit hooks. */
  killNow(): void {
    this.signal('SIGKILL');
    live.delete(this);
    for (const dir of this.ownedDirs) {
      try {
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort on the way out
      }
    }
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        if (!this.exited) process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }
}

/** The environment for the server: Node 24 first on PATH (code-server re-spawns `node`), nothing from an outer npm run. */
function serverEnv(install: ServerInstall, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
  env.PATH = `${path.dirname(install.node)}${path.delimiter}${process.env.PATH ?? ''}`;
  return env;
}

export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): string {
  return writeSettingsFile(path.join(userDataDir, 'User', 'settings.json'), settings);
}

/** The remote (machine) settings of a VS Code server: where its windows read machine-scoped settings. */
export function remoteSettingsFile(userDataDir: string): string {
  return path.join(userDataDir, 'Machine', 'settings.json');
}

export function writeRemoteSettings(userDataDir: string, settings: Record<string, unknown>): string {
  return writeSettingsFile(remoteSettingsFile(userDataDir), settings);
}

function writeSettingsFile(file: string, settings: Record<string, unknown>): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
  return file;
}

/**
 * The profile of a code-server command line. code-server writes a default config (with a generated password) where
 * --config points: it is kept in the throwaway profile, not in ~/.config.
 */
function codeServerProfileArgs(userDataDir: string, extensionsDir: string): string[] {
  return [
    '--config',
    path.join(userDataDir, 'code-server-config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
}

/** Runs code-server's own command line (as a user would) against a profile; throws when it fails. */
export function runCodeServerCli(
  install: ServerInstall,
  userDataDir: string,
  extensionsDir: string,
  ...args: string[]
): string {
  const result = spawnSync(
    install.node,
    [install.codeServerEntry, ...codeServerProfileArgs(userDataDir, extensionsDir), ...args],
    { encoding: 'utf8', timeout: 120_000, env: serverEnv(install) },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`code-server ${args.join(' ')} exited with ${result.status}:\n${output}`);
  return output;
}

/** Installs a packaged extension the way a user would, with code-server's own CLI, into `extensionsDir`. */
export function installVsix(install: ServerInstall, vsix: string, userDataDir: string, extensionsDir: string): string {
  return runCodeServerCli(install, userDataDir, extensionsDir, '--install-extension', path.resolve(vsix));
}

/** Calls `visit` with every file under `dir`, recursively; unreadable folders are skipped. */
function walkFiles(dir: string, visit: (file: string) => void): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(full, visit);
    else if (entry.isFile()) visit(full);
  }
}

/** Every file under `dir` (recursively) whose contents include `needle`; unreadable entries are skipped. */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  walkFiles(dir, (file) => {
    try {
      if (fs.readFileSync(file).includes(needle)) found.push(file);
    } catch {
      // vanished or unreadable
    }
  });
  return found;
}

/** Lists files under `dir` (relative paths), for reports. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  walkFiles(dir, (file) => out.push(path.relative(dir, file)));
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
