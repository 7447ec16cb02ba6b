// `npm test`: every tier in order — static checks, unit, panel in Chromium, integration inside a real VS Code, and the
// packaged .vsix end to end — then the hostile-corpus table (from the results the tiers wrote, no second run) and one
// summary line. Stops at the first tier that fails to run at all; a tier with failing tests is reported and the run
// goes on, so one run shows everything that is broken.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const only = process.argv.slice(2);

/** name, command, how to count its tests, the hostile-corpus tier whose results it writes */
const tiers = [
  ['static checks', [npm, 'run', '--silent', 'check'], 'none'],
  ['VS Code server', ['node', 'test/tools/install-vscode-server.js'], 'none'],
  ['build', [npm, 'run', '--silent', 'package'], 'none'],
  ['compile tests', [npm, 'run', '--silent', 'compile-tests'], 'none'],
  ['unit', ['npx', 'mocha', '--config', 'test/unit/.mocharc.json'], 'mocha', 'unit'],
  ['panel in Chromium', ['npx', 'mocha', '--config', 'test/browser/.mocharc.json'], 'mocha', 'browser'],
  ['integration in VS Code', ['node', 'out/test/integration/runTests.js'], 'summary', 'integration'],
  ['packaged .vsix end to end', ['node', 'out/test/e2e/runVsixE2e.js'], 'summary'],
];

/** Where the tiers record their hostile-corpus tests (test/hostile/results.ts). */
const HOSTILE_RESULTS = path.join(root, 'out', 'hostile');

/**
 * The hostile-corpus table of the tiers that ran, from the files they wrote; false when a case failed or has no
 * test (or the table could not be made), true when every case passed.
 */
function printHostileTable(ran, lines) {
  console.log('\n━━ hostile corpus');
  let table;
  try {
    table = require(path.join(root, 'out', 'test', 'hostile', 'table.js'));
  } catch (error) {
    console.error(`✘ the hostile-corpus table is not built (npm run compile-tests): ${error.message}`);
    lines.push('hostile corpus: FAILED (not built)');
    return false;
  }
  const summary = table.summarize(ran);
  for (const line of table.formatTable(summary)) console.log(line);
  lines.push(table.countsLine(summary));
  return summary.ok;
}

function run(command) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    const tee = (target) => (chunk) => {
      output += chunk.toString();
      target.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function count(kind, output) {
  // Strip colours so the counts are found whatever the reporter prints.
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const number = (pattern) => {
    const matches = [...text.matchAll(pattern)];
    return matches.length ? Number(matches[matches.length - 1][1]) : 0;
  };
  if (kind === 'mocha') {
    return {
      passed: number(/^\s*(\d+) passing/gm),
      failed: number(/^\s*(\d+) failing/gm),
      skipped: number(/^\s*(\d+) pending/gm),
    };
  }
  if (kind === 'summary') {
    const last = [...text.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)].pop();
    return last
      ? { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) }
      : { passed: 0, failed: 0, skipped: 0 };
  }
  return undefined;
}

async function main() {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];
  let broken = false;
  const hostileTiers = [];
  fs.rmSync(HOSTILE_RESULTS, { recursive: true, force: true });
  for (const [name, command, kind, hostileTier] of tiers) {
    if (only.length && !only.some((word) => name.includes(word))) continue;
    if (hostileTier) hostileTiers.push(hostileTier);
    console.log(`\n━━ ${name}: ${command.join(' ')}`);
    const started = Date.now();
    const { code, output } = await run(command);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const counts = count(kind, output);
    if (counts) {
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.skipped += counts.skipped;
      if (counts.passed + counts.failed === 0 && code === 0) {
        console.error(`✘ ${name}: no test ran`);
        broken = true;
      }
      lines.push(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds} s)`);
    } else {
      lines.push(`${name}: ${code === 0 ? 'ok' : 'FAILED'} (${seconds} s)`);
    }
    if (code !== 0) {
      broken = true;
      if (!counts || counts.passed + counts.failed === 0) {
        console.error(`✘ ${name} failed (exit ${code}); later tiers need it, stopping.`);
        break;
      }
    }
  }
  if (hostileTiers.length > 0 && !printHostileTable(hostileTiers, lines)) broken = true;
  console.log('\n━━ summary');
  for (const line of lines) console.log(line);
  console.log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(broken || totals.failed > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
