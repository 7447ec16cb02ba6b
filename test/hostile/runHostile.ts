/**
 * `npm run test:hostile`: runs only the tests tagged with a hostile-corpus case id (`[B7-11] …`, `[D3] …`) in each
 * tier — unit (mocha in Node), browser (the panel in Chromium), integration (inside a real VS Code, selected with
 * GATEWAY_CHAT_TEST_GREP) — then prints one table of every case of test/hostile/cases.ts: expected, tier, result.
 * Exits non-zero when a case failed or has no test, or a tag names no case.
 *
 * `--only=unit,browser` runs some tiers only (cases of the others show "not run"). Needs `npm run build` and
 * `npm run compile-tests` first (the npm script does both).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TAGGED_GREP, TIERS, type Tier } from './cases';
import { resultsFile } from './results';
import { formatTable, summarize } from './table';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const COMMANDS: Record<Tier, { readonly command: readonly string[]; readonly env?: Record<string, string> }> = {
  unit: { command: [NPX, 'mocha', '--config', 'test/unit/.mocharc.json', '--grep', TAGGED_GREP] },
  browser: { command: [NPX, 'mocha', '--config', 'test/browser/.mocharc.json', '--grep', TAGGED_GREP] },
  integration: {
    command: [process.execPath, 'out/test/integration/runTests.js'],
    // The stored-state check of B7-17 runs after the window reload.
    env: { GATEWAY_CHAT_TEST_GREP: TAGGED_GREP, GATEWAY_CHAT_TEST_RELOAD: '1' },
  },
};

function run(command: readonly string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (error) => {
      console.error(`could not start ${command.join(' ')}: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function tiersToRun(args: readonly string[]): Tier[] {
  const only = args.find((arg) => arg.startsWith('--only='));
  if (!only) return [...TIERS];
  const wanted = only.slice('--only='.length).split(',').filter(Boolean);
  const unknown = wanted.filter((name) => !(TIERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown tier ${unknown.join(', ')}: expected ${TIERS.join(', ')}`);
  return TIERS.filter((tier) => wanted.includes(tier));
}

async function main(): Promise<number> {
  const tiers = tiersToRun(process.argv.slice(2));
  const exits: string[] = [];
  for (const tier of tiers) {
    const { command, env } = COMMANDS[tier];
    fs.rmSync(resultsFile(tier), { force: true });
    console.log(
      `\n━━ hostile corpus, ${tier} tier: ${command.join(' ')}${env ? ` (${Object.keys(env).join(', ')})` : ''}`,
    );
    const code = await run(command, env);
    if (code !== 0) exits.push(`${tier} exited with ${code}`);
  }
  const summary = summarize(tiers);
  console.log('\n━━ hostile corpus');
  for (const line of formatTable(summary)) console.log(line);
  for (const line of exits) console.log(line);
  return summary.ok && exits.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
