#!/usr/bin/env node
// Installs (once per machine) what the integration and e2e tiers need to run the extension in a real VS Code
// without internet or a display: Node 24 (npm package `node-linux-<arch>`) and the VS Code server build shipped by
// the npm package `code-server`. Both go in the user's cache, keyed by version, so clean clones and CI on the
// same machine reuse them; `.vscode-test/code-server-<version>` in the repo is made a symlink to the cached
// install.
//
// A directory counts as installed only when its marker file exists: the marker is written after a successful
// install, so an interrupted one is redone. Installs go to a staging directory that is renamed into place.
//
// Usage: node test/tools/install-vscode-server.js [--json]
//   env GATEWAY_CHAT_CODE_SERVER_VERSION (default 4.139.1), XDG_CACHE_HOME (default ~/.cache)
// As a module: require(...).ensureInstalled() returns the paths (synchronous; prints what it does to stderr).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const CODE_SERVER_VERSION = process.env.GATEWAY_CHAT_CODE_SERVER_VERSION || '4.139.1';
const NODE_MAJOR = '24';
const MARKER = '.gateway-chat-install-complete';
const REPO_ROOT = path.resolve(__dirname, '..', '..');

function log(message) {
  process.stderr.write(`[install-vscode-server] ${message}\n`);
}

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'gateway-chat');
}

function nodePackageName() {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (process.platform !== 'linux' || !arch) {
    throw new Error(
      `no Node ${NODE_MAJOR} package for ${process.platform}-${process.arch}: only linux-x64/arm64 are set up`,
    );
  }
  return `node-linux-${arch}`;
}

function paths() {
  const root = cacheRoot();
  const nodeDir = path.join(root, `node${NODE_MAJOR}`);
  const nodePackageDir = path.join(nodeDir, 'node_modules', nodePackageName());
  const codeServerDir = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  const codeServerPackageDir = path.join(codeServerDir, 'node_modules', 'code-server');
  return {
    cacheRoot: root,
    nodeDir,
    nodePackageDir,
    node: path.join(nodePackageDir, 'bin', 'node'),
    codeServerVersion: CODE_SERVER_VERSION,
    codeServerDir,
    codeServerPackageDir,
    /** code-server's own CLI (installs extensions, runs an end-user server). */
    codeServerEntry: path.join(codeServerPackageDir, 'out', 'node', 'entry.js'),
    /** The VS Code server build inside code-server. */
    vscodeDir: path.join(codeServerPackageDir, 'lib', 'vscode'),
    serverMain: path.join(codeServerPackageDir, 'lib', 'vscode', 'out', 'server-main.js'),
    repoLink: path.join(REPO_ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`),
  };
}

function isComplete(dir) {
  return fs.existsSync(path.join(dir, MARKER));
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** A lock directory beside `dir`, so two runs on one machine don't install into the same place at once. */
function withLock(dir, fn) {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 20 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // being created right now, or left empty by a crash: judged by its age below
      }
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if ((owner && !pidAlive(owner)) || (!owner && age > 60_000)) {
        log(`removing a stale lock ${lock}`);
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${owner})`);
      log(`waiting for another install (pid ${owner}) to finish...`);
      sleepMs(5000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function run(command, args, options) {
  log(`$ ${[command, ...args].join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** Runs `install(stagingDir)`, then verifies, writes the marker and renames the staging dir into `dir`. */
function installInto(dir, description, install, verify) {
  return withLock(dir, () => {
    if (isComplete(dir)) return; // another process finished it while we waited
    removeLeftovers(dir);
    const staging = `${dir}.partial-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const started = Date.now();
    log(`installing ${description} into ${dir}`);
    try {
      install(staging);
      verify(staging);
      fs.writeFileSync(
        path.join(staging, MARKER),
        JSON.stringify({ description, installedAt: new Date().toISOString() }, null, 2) + '\n',
      );
      if (fs.existsSync(dir)) {
        log(`replacing an incomplete or unmarked install at ${dir}`);
        const old = `${dir}.old-${process.pid}`;
        fs.renameSync(dir, old);
        fs.renameSync(staging, dir);
        fs.rmSync(old, { recursive: true, force: true });
      } else {
        fs.renameSync(staging, dir);
      }
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    log(`installed ${description} in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

/** Staging/old dirs left by an install that was killed (their pid is gone). */
function removeLeftovers(dir) {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  for (const name of fs.readdirSync(parent)) {
    const match = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(partial|old)-(\\d+)$`).exec(name);
    if (match && !pidAlive(Number(match[2]))) {
      log(`removing the leftover of an interrupted install: ${path.join(parent, name)}`);
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

function npmCli() {
  // npm's own entry script, run with the Node we choose (so its user agent and lifecycle scripts see that Node).
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) return process.env.npm_execpath;
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ];
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) {
    const real = fs.realpathSync(which.stdout.trim());
    if (real.endsWith('.js')) candidates.unshift(real);
  }
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error('cannot find npm-cli.js; is npm installed?');
  return found;
}

const NPM_FLAGS = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=warn'];

function writePrivatePackageJson(dir, name) {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }) + '\n');
}

function ensureNode(p) {
  if (isComplete(p.nodeDir) && fs.existsSync(p.node)) {
    log(`Node ${NODE_MAJOR}: cached at ${p.node}`);
    return;
  }
  const pkg = nodePackageName();
  installInto(
    p.nodeDir,
    `${pkg}@${NODE_MAJOR} (Node ${NODE_MAJOR} for the VS Code server)`,
    (staging) => {
      writePrivatePackageJson(staging, 'gateway-chat-node');
      run(process.execPath, [npmCli(), 'install', ...NPM_FLAGS, `${pkg}@${NODE_MAJOR}`], { cwd: staging });
    },
    (staging) => {
      const bin = path.join(staging, 'node_modules', pkg, 'bin', 'node');
      const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
      if (out.status !== 0 || !out.stdout.startsWith(`v${NODE_MAJOR}.`)) {
        throw new Error(`${bin} --version gave ${JSON.stringify(out.stdout || out.stderr)}; expected v${NODE_MAJOR}.x`);
      }
      log(`Node ${out.stdout.trim()} ready`);
    },
  );
}

/** The native modules of the server compile at install: say what is missing up front, not after 2 minutes. */
function checkBuildTools() {
  const missing = [];
  const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
  for (const tool of ['python3', 'make', 'g++']) if (!has(tool)) missing.push(tool);
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h') && !has('krb5-config'))
    missing.push('Kerberos headers (libkrb5-dev)');
  if (missing.length) {
    throw new Error(
      `cannot build code-server's native modules: missing ${missing.join(', ')}. ` +
        'On Debian/Ubuntu: apt-get update && apt-get install -y python3 make g++ libkrb5-dev',
    );
  }
}

function ensureCodeServer(p) {
  if (isComplete(p.codeServerDir) && fs.existsSync(p.serverMain)) {
    log(`code-server ${CODE_SERVER_VERSION}: cached at ${p.codeServerDir}`);
    return;
  }
  checkBuildTools();
  installInto(
    p.codeServerDir,
    `code-server@${CODE_SERVER_VERSION} (VS Code server build; compiles native modules, takes ~3 minutes)`,
    (staging) => {
      writePrivatePackageJson(staging, 'gateway-chat-code-server');
      const nodeBin = path.dirname(p.node);
      const env = {
        ...process.env,
        // Native modules must build against Node 24's headers, and the install scripts must run on Node 24.
        PATH: `${nodeBin}${path.delimiter}${process.env.PATH || ''}`,
        npm_config_nodedir: p.nodePackageDir,
      };
      for (const key of Object.keys(env)) {
        // Inherited npm settings from an outer `npm run` (e.g. its node_gyp/user agent) must not leak in.
        if (/^npm_(config_(user_agent|node_gyp|prefix|global)|execpath|node_execpath|lifecycle|package)/i.test(key)) {
          delete env[key];
        }
      }
      env.npm_config_nodedir = p.nodePackageDir;
      run(p.node, [npmCli(), 'install', ...NPM_FLAGS, `code-server@${CODE_SERVER_VERSION}`], { cwd: staging, env });
    },
    (staging) => {
      const main = path.join(staging, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
      const modules = path.join(staging, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
      if (!fs.existsSync(main)) throw new Error(`install finished but ${main} is missing`);
      if (!fs.existsSync(modules)) throw new Error(`install finished but ${modules} is missing (postinstall failed?)`);
      const spdlog = path.join(modules, '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node');
      if (!fs.existsSync(spdlog)) throw new Error(`install finished but the native module ${spdlog} was not built`);
    },
  );
}

function ensureRepoLink(p) {
  const target = p.codeServerDir;
  const link = p.repoLink;
  fs.mkdirSync(path.dirname(link), { recursive: true });
  const current = fs.lstatSync(link, { throwIfNoEntry: false });
  if (current) {
    if (current.isSymbolicLink() && fs.readlinkSync(link) === target) return;
    fs.rmSync(link, { recursive: true, force: true });
  }
  fs.symlinkSync(target, link, 'dir');
  log(`linked ${path.relative(REPO_ROOT, link)} -> ${target}`);
}

function readVersions(p) {
  const product = JSON.parse(fs.readFileSync(path.join(p.vscodeDir, 'product.json'), 'utf8'));
  const vscodePackage = JSON.parse(fs.readFileSync(path.join(p.vscodeDir, 'package.json'), 'utf8'));
  const codeServerPackage = JSON.parse(fs.readFileSync(path.join(p.codeServerPackageDir, 'package.json'), 'utf8'));
  return {
    vscodeVersion: product.version || vscodePackage.version,
    vscodeCommit: product.commit,
    codeServerVersion: codeServerPackage.version,
  };
}

/** Installs what is missing and returns where everything is. Synchronous. */
function ensureInstalled() {
  const p = paths();
  fs.mkdirSync(p.cacheRoot, { recursive: true });
  ensureNode(p);
  ensureCodeServer(p);
  ensureRepoLink(p);
  return { ...p, ...readVersions(p) };
}

module.exports = { ensureInstalled, paths, removeLeftovers, CODE_SERVER_VERSION };

if (require.main === module) {
  try {
    const result = ensureInstalled();
    log(`VS Code ${result.vscodeVersion} (server build from code-server ${result.codeServerVersion}) is ready`);
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } catch (error) {
    log(`FAILED: ${error && error.message ? error.message : error}`);
    process.exit(1);
  }
}
