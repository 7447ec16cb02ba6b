/**
 * The workspace tools the model may call, run in the real VS Code as a call with those arguments would run them
 * (the test hook checks the arguments as the turn does, then hands them to the host's runner): reading, listing,
 * finding and searching files with their limits and what the user excluded or git ignores, symbolic links that lead
 * out of the workspace, the problems, the editors, the git diff through the built-in Git extension, and a command in
 * the terminal through shell integration.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GatewayChatApi, WorkspaceToolsHook } from '../../../src/extension';
import { activate, TEST_API_KEY, until } from './helpers';
import { skipWithReason } from './skip';

const MARKER = 'NEEDLE_7f3a';

describe('Workspace tools in the real VS Code', function () {
  let tools: WorkspaceToolsHook;
  let root: string;
  let outside: string;
  const diagnostics = vscode.languages.createDiagnosticCollection('gateway-chat-tools-test');

  const run = (tool: string, args: unknown = {}, token?: vscode.CancellationToken) => tools.run(tool, args, token);
  async function refusal(tool: string, args: unknown): Promise<string> {
    try {
      const answer = await run(tool, args);
      assert.fail(`expected ${tool} ${JSON.stringify(args)} to be refused, it answered:\n${answer}`);
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      return (error as Error).message;
    }
  }
  const write = (relative: string, content: string | Uint8Array) => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  const uriOf = (relative: string) => vscode.Uri.file(path.join(root, relative));

  before(async function () {
    const api = (await activate()).exports as GatewayChatApi;
    assert.ok(api.workspaceTools, 'the extension gives its tests no workspace tools hook');
    tools = api.workspaceTools;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'the test window has no workspace folder on disk');
    root = folder.uri.fsPath;
    fs.rmSync(path.join(root, 'tools'), { recursive: true, force: true });
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), `a file outside the workspace ${MARKER}\n`);

    write(
      'tools/src/app.ts',
      ['export function add(a: number, b: number) {', `  return a + b; // ${MARKER}`, '}', ''].join('\n'),
    );
    write('tools/src/util.ts', 'export const two = 2;\n');
    write('tools/.gitignore', '# build output\ndist/\n*.log\n!keep.log\n');
    write('tools/dist/bundle.ts', `// ${MARKER} in an ignored folder\n`);
    write('tools/debug.log', `${MARKER} in an ignored file\n`);
    write('tools/keep.log', `${MARKER} in a file taken back with !keep.log\n`);
    write('tools/vendor/lib.ts', `// ${MARKER} excluded by search.exclude\n`);
    write('tools/notes.hidden', `${MARKER} excluded by files.exclude\n`);
    write('tools/image.bin', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, ...Buffer.from(MARKER)]));
    write('tools/keys.txt', `gateway key: ${TEST_API_KEY}\n`);
    write('tools/big.txt', Array.from({ length: 6000 }, (_, i) => `line ${i + 1} ${'x'.repeat(80)}`).join('\n') + '\n');
    fs.symlinkSync(outside, path.join(root, 'tools/link-out'), 'dir');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'tools/secret-link.txt'));
    fs.symlinkSync(path.join(root, 'tools/src/app.ts'), path.join(root, 'tools/inner-link.ts'));

    const filesConfig = vscode.workspace.getConfiguration('files');
    const searchConfig = vscode.workspace.getConfiguration('search');
    await filesConfig.update('exclude', { '**/*.hidden': true }, vscode.ConfigurationTarget.Workspace);
    await searchConfig.update('exclude', { '**/vendor': true }, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    diagnostics.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace
      .getConfiguration('search')
      .update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    if (root) fs.rmSync(path.join(root, 'tools'), { recursive: true, force: true });
    if (outside) fs.rmSync(outside, { recursive: true, force: true });
  });

  describe('read_file', () => {
    it('answers with the lines asked for, numbered, under the path and the file’s line count', async () => {
      const answer = await run('read_file', { path: 'tools/src/app.ts', start_line: 2, end_line: 3 });
      assert.equal(answer, `tools/src/app.ts (lines 2-3 of 3):\n2:   return a + b; // ${MARKER}\n3: }`);
    });

    it('refuses paths outside the workspace before anything is read', async () => {
      assert.match(await refusal('read_file', { path: '../../etc/passwd' }), /leaves its folder with "\.\."/);
      assert.match(await refusal('read_file', { path: '/etc/passwd' }), /is absolute/);
    });

    it('refuses a file reached through a symbolic link that leads outside the workspace, file or folder', async () => {
      for (const link of ['tools/secret-link.txt', 'tools/link-out/secret.txt'])
        assert.match(await refusal('read_file', { path: link }), /symbolic link that leads outside/, link);
      assert.match(await refusal('list_folder', { path: 'tools/link-out' }), /symbolic link that leads outside/);
    });

    it('follows a symbolic link that stays inside the workspace', async () => {
      assert.match(await run('read_file', { path: 'tools/inner-link.ts' }), /1: export function add/);
    });

    it('refuses a binary file, and says what it is instead', async () => {
      assert.match(await refusal('read_file', { path: 'tools/image.bin' }), /tools\/image\.bin is a binary file/);
    });

    it('cuts a large file at its character limit on a whole line, and says where to read on', async () => {
      const answer = await run('read_file', { path: 'tools/big.txt' });
      assert.ok(answer.length < 41_000, `the answer has ${answer.length} characters`);
      const next = /Read on with start_line=(\d+)\.\]$/.exec(answer);
      assert.ok(next, `no note on where to read on at the end of:\n${answer.slice(-300)}`);
      const lastShown = answer.split('\n').at(-2) ?? '';
      assert.match(lastShown, new RegExp(`^${Number(next[1]) - 1}: line ${Number(next[1]) - 1} x+$`));
      const onward = await run('read_file', { path: 'tools/big.txt', start_line: Number(next[1]) });
      assert.match(onward.split('\n')[1], new RegExp(`^${next[1]}: line ${next[1]} `));
    });

    it('refuses a file over the size it reads at all', async function () {
      write('tools/huge.txt', Buffer.alloc(17 * 1024 * 1024, 'a'));
      try {
        assert.match(await refusal('read_file', { path: 'tools/huge.txt' }), /is 17\.0 MB, more than the 16\.0 MB/);
      } finally {
        fs.rmSync(path.join(root, 'tools/huge.txt'));
      }
    });

    it('refuses a pipe (a special file that would block a read forever), and a search passes it by', async function () {
      const pipe = path.join(root, 'tools', 'pipe');
      try {
        execFileSync('mkfifo', [pipe]);
      } catch {
        skipWithReason(this, 'mkfifo is not available on this machine');
      }
      try {
        assert.match(await refusal('read_file', { path: 'tools/pipe' }), /is not a regular file/);
        assert.match(await run('search_text', { query: 'anything', include: 'tools/pipe' }), /^No matches/);
      } finally {
        fs.rmSync(pipe, { force: true });
      }
    });

    it('says so when there is no such file, or it is a folder', async () => {
      assert.match(
        await refusal('read_file', { path: 'tools/missing.ts' }),
        /There is no file or folder at tools\/missing\.ts/,
      );
      assert.match(
        await refusal('read_file', { path: 'tools/src' }),
        /is a folder, not a file: list it with list_folder/,
      );
    });

    it('masks keys in what it answers', async () => {
      const answer = await run('read_file', { path: 'tools/keys.txt' });
      assert.ok(!answer.includes(TEST_API_KEY), answer);
      // Masked as a known key once Set API Key has stored it (earlier suites), else by its shape.
      assert.match(answer, /gateway key: (sk-)?\[REDACTED\]$/);
    });
  });

  describe('list_folder, find_files and search_text', () => {
    it('lists a folder, folders with a slash, without what files.exclude or .gitignore leave out', async () => {
      const answer = await run('list_folder', { path: 'tools' });
      const entries = answer.split('\n').filter((line) => !line.startsWith('[') && !line.startsWith('tools'));
      assert.deepEqual(entries, [
        '.gitignore',
        'big.txt',
        'image.bin',
        'inner-link.ts (symbolic link)',
        'keep.log',
        'keys.txt',
        'link-out/ (symbolic link)',
        'secret-link.txt (symbolic link)',
        'src/',
        'vendor/',
      ]);
      assert.match(answer, /\[3 entries are left out: excluded \(files\.exclude\) or \.gitignore'd\.\]/);
    });

    it('finds files by glob, without excluded (files.exclude, search.exclude) and gitignored ones', async () => {
      const answer = await run('find_files', { pattern: 'tools/**/*.{ts,log,hidden}' });
      const found = answer.split('\n').slice(1);
      assert.deepEqual(found, ['tools/inner-link.ts', 'tools/keep.log', 'tools/src/app.ts', 'tools/src/util.ts']);
    });

    it('caps the files found at max_results and says more exist', async () => {
      const answer = await run('find_files', { pattern: 'tools/**', max_results: 2 });
      assert.match(answer, /^2\+ files match "tools\/\*\*":/);
      assert.match(answer, /\[Only the first 2 are listed: use a narrower pattern/);
    });

    it('searches text case-insensitively, skipping binary, excluded, gitignored and outside files', async () => {
      const answer = await run('search_text', { query: MARKER.toLowerCase(), include: 'tools/**' });
      const hits = answer
        .split('\n')
        .filter((line) => /^tools\/.+:\d+: /.test(line))
        .map((line) => line.replace(/:\d+: .*$/, ''));
      assert.deepEqual(hits, ['tools/inner-link.ts', 'tools/keep.log', 'tools/src/app.ts'], answer);
      assert.match(answer, /^3 matches for "needle_7f3a" in "tools\/\*\*" in 3 files/);
      assert.match(answer, /Files skipped: 1 binary, 2 reached through a link leading outside the workspace\.\]$/);
      assert.match(answer, /tools\/src\/app\.ts:2: return a \+ b; \/\/ NEEDLE_7f3a/);
    });

    it('searches with a regular expression, case-sensitively when asked, and refuses a runaway pattern', async () => {
      const answer = await run('search_text', { query: 'return \\w \\+ \\w', is_regex: true, include: 'tools/src/**' });
      assert.match(answer, /^1 match for .* in 1 file/);
      const none = await run('search_text', { query: MARKER.toLowerCase(), case_sensitive: true, include: 'tools/**' });
      assert.match(none, /^No matches for/);
      assert.match(
        await refusal('search_text', { query: '(a+)+$', is_regex: true }),
        /repeats a group that itself repeats/,
      );
    });

    it('keeps its answer within the character limit however many matches are asked for', async () => {
      const answer = await run('search_text', { query: 'line', include: 'tools/big.txt', max_results: 500 });
      assert.ok(answer.length < 41_000, `the answer has ${answer.length} characters`);
      assert.match(answer, /\[Stopped after \d+ matching lines: the answer is limited to 40000 characters\./);
    });

    it('stops at max_results matches and says more may exist', async () => {
      const answer = await run('search_text', { query: 'line', include: 'tools/big.txt', max_results: 5 });
      assert.equal(answer.split('\n').filter((line) => line.startsWith('tools/big.txt:')).length, 5);
      assert.match(answer, /\[Stopped at 5 matches: more may exist/);
    });
  });

  describe('problems and editors', () => {
    it('returns the problems of a file, and of the workspace, with line, column, severity and source', async () => {
      const uri = uriOf('tools/src/app.ts');
      const problem = new vscode.Diagnostic(
        new vscode.Range(1, 9, 1, 10),
        "Cannot find name 'c'.",
        vscode.DiagnosticSeverity.Error,
      );
      problem.source = 'ts';
      problem.code = 2304;
      diagnostics.set(uri, [
        problem,
        new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), 'Prefer const.', vscode.DiagnosticSeverity.Warning),
      ]);
      const answer = await run('get_problems', { path: 'tools/src/app.ts' });
      assert.equal(
        answer,
        [
          'Problems in tools/src/app.ts: 1 error, 1 warning.',
          "tools/src/app.ts:2:10 error: Cannot find name 'c'. [ts 2304]",
          'tools/src/app.ts:1:1 warning: Prefer const.',
        ].join('\n'),
      );
      assert.match(await run('get_problems'), /tools\/src\/app\.ts:2:10 error: Cannot find name 'c'\./);
      assert.match(
        await run('get_problems', { path: 'tools/src/util.ts' }),
        /^No problems are reported for tools\/src\/util\.ts/,
      );
      diagnostics.clear();
    });

    it('describes the active editor: its file, language, cursor and the selected lines', async () => {
      const editor = await vscode.window.showTextDocument(uriOf('tools/src/app.ts'), { preview: false });
      editor.selection = new vscode.Selection(1, 2, 2, 1);
      const answer = await run('get_active_editor');
      assert.match(answer, /^Active editor: tools\/src\/app\.ts \(typescript, 4 lines\)/);
      assert.match(answer, /Selection: line 2, column 3 to line 3, column 2; its lines:\n2: {3}return a \+ b;.*\n3: }/);
    });

    it('lists the open editors, the active one marked, a file outside the workspace by its name only', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(outside, 'secret.txt')), { preview: false });
      await vscode.window.showTextDocument(uriOf('tools/src/util.ts'), { preview: false });
      await vscode.window.showTextDocument(uriOf('tools/src/app.ts'), { preview: false });
      const answer = await run('get_open_editors');
      assert.equal(
        answer,
        [
          '3 editors are open:',
          'secret.txt (outside the workspace)',
          'tools/src/util.ts',
          'tools/src/app.ts (active)',
        ].join('\n'),
      );
    });

    it('does not share what an active editor outside the workspace holds', async () => {
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(outside, 'secret.txt')), { preview: false });
      const answer = await run('get_active_editor');
      assert.equal(
        answer,
        'The active editor shows a file outside the workspace folders; what it holds is not shared.',
      );
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('reads what the editor shows when the file has unsaved changes', async () => {
      // The web workbench saves after a delay by default: keep the change unsaved while the test looks.
      await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
      const editor = await vscode.window.showTextDocument(uriOf('tools/src/util.ts'), { preview: false });
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// edited, not saved\n'));
      try {
        const answer = await run('read_file', { path: 'tools/src/util.ts' });
        assert.match(
          answer,
          /^tools\/src\/util\.ts \(lines 1-2 of 2\):\n1: \/\/ edited, not saved\n2: export const two/,
        );
        assert.match(answer, /unsaved changes in an editor/);
      } finally {
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await vscode.workspace
          .getConfiguration('files')
          .update('autoSave', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  });

  describe('which tools are offered', () => {
    it('offers the acting tools in a trusted workspace on disk', () => {
      const offer = tools.offer();
      assert.equal(vscode.workspace.isTrusted, true);
      assert.equal(offer.acting, true);
      assert.ok(offer.tools.includes('run_terminal_command'));
    });
  });

  describe('run_terminal_command', () => {
    let shellIntegration = true;

    async function runOrSkip(context: Mocha.Context, args: unknown, token?: vscode.CancellationToken): Promise<string> {
      const answer = await run('run_terminal_command', args, token);
      if (/shell integration is not active/.test(answer)) {
        shellIntegration = false;
        skipWithReason(context, 'the terminal of this VS Code build started without shell integration');
      }
      return answer;
    }

    after(() => {
      for (const terminal of vscode.window.terminals) if (terminal.name === 'Gateway Chat') terminal.dispose();
    });

    it('runs a command in the "Gateway Chat" terminal and answers with its output and exit code', async function () {
      const answer = await runOrSkip(this, { command: 'echo "tool-$((6 * 7))"; ls src', cwd: 'tools' });
      assert.match(answer, /^\$ echo "tool-\$\(\(6 \* 7\)\)"; ls src\n\(in tools\)\n/);
      assert.match(answer, /tool-42/);
      assert.match(answer, /app\.ts\s+util\.ts/);
      assert.match(answer, /Exit code: 0$/);
      assert.ok(vscode.window.terminals.some((terminal) => terminal.name === 'Gateway Chat'));
    });

    it('refuses to run in a folder reached through a link that leads outside the workspace', async () => {
      const before = vscode.window.terminals.length;
      const problem = await refusal('run_terminal_command', { command: 'touch ran.txt', cwd: 'tools/link-out' });
      assert.match(problem, /tools\/link-out is reached through a symbolic link that leads outside/);
      assert.equal(fs.existsSync(path.join(outside, 'ran.txt')), false);
      assert.ok(vscode.window.terminals.length <= before, 'a terminal was opened for a refused command');
    });

    it('reports a failing command’s exit code', async function () {
      if (!shellIntegration) this.skip();
      const answer = await runOrSkip(this, { command: 'ls no-such-file-here' });
      assert.match(answer, /No such file or directory/);
      assert.match(answer, /Exit code: 2$/);
    });

    it('stops a command at its timeout with Ctrl+C and answers with what it printed', async function () {
      if (!shellIntegration) this.skip();
      const answer = await runOrSkip(this, { command: 'echo started; sleep 30; echo never', timeout_seconds: 1 });
      assert.match(answer, /started/);
      assert.doesNotMatch(answer, /^never$/m, 'the command went on after Ctrl+C');
      assert.match(answer, /Stopped after 1 s \(the timeout\): Ctrl\+C was sent/);
      // The terminal is free again: the next command runs and ends normally.
      assert.match(await runOrSkip(this, { command: 'echo again' }), /again\nExit code: 0$/);
    });

    it('interrupts a running command when the reply is stopped', async function () {
      if (!shellIntegration) this.skip();
      const source = new vscode.CancellationTokenSource();
      const ends: vscode.TerminalShellExecutionEndEvent[] = [];
      const listeners = [
        vscode.window.onDidStartTerminalShellExecution((event) => {
          if (event.execution.commandLine.value.includes('sleep 25')) source.cancel();
        }),
        vscode.window.onDidEndTerminalShellExecution((event) => ends.push(event)),
      ];
      try {
        const running = run('run_terminal_command', { command: 'sleep 25' }, source.token);
        await assert.rejects(running, (error: Error) => error instanceof vscode.CancellationError);
        const ended = await until('the command to end after Stop', () =>
          ends.find((event) => event.execution.commandLine.value.includes('sleep 25')),
        );
        assert.equal(ended.exitCode, 130, 'the command was not ended by Ctrl+C');
      } finally {
        listeners.forEach((listener) => listener.dispose());
      }
    });
  });

  describe('get_git_diff', () => {
    const repo = () => path.join(root, 'tools', 'repo');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
        cwd: repo(),
        encoding: 'utf8',
      });

    before(function () {
      try {
        execFileSync('git', ['--version']);
      } catch {
        skipWithReason(this, 'git is not installed on this machine');
      }
    });

    after(async () => {
      await vscode.workspace.getConfiguration('git').update('enabled', undefined, vscode.ConfigurationTarget.Global);
    });

    it('says plainly that Git is turned off when it is', async () => {
      assert.match(await refusal('get_git_diff', {}), /Git is turned off in VS Code \(the setting git\.enabled\)/);
    });

    it('returns the working tree’s diff of a repository, the untracked files, and the staged changes', async () => {
      fs.mkdirSync(repo(), { recursive: true });
      fs.writeFileSync(path.join(repo(), 'a.txt'), 'one\ntwo\nthree\n');
      fs.writeFileSync(path.join(repo(), 'b.txt'), 'unchanged\n');
      git('init', '-q');
      git('add', '.');
      git('commit', '-q', '-m', 'first');
      fs.writeFileSync(path.join(repo(), 'a.txt'), 'one\n2\nthree\n');
      fs.writeFileSync(path.join(repo(), 'new.txt'), 'new\n');

      await vscode.workspace.getConfiguration('git').update('enabled', true, vscode.ConfigurationTarget.Global);
      const extension = vscode.extensions.getExtension<GitExports>('vscode.git');
      assert.ok(extension, 'the built-in Git extension is missing');
      const exports = extension.isActive ? extension.exports : await extension.activate();
      await until('Git to be enabled', () => exports.enabled, 15_000);
      // The test profile turns off finding repositories by itself: open this one as a user would.
      const opened = await exports.getAPI(1).openRepository(vscode.Uri.file(repo()));
      assert.ok(opened, 'Git did not open the repository');

      const answer = await run('get_git_diff');
      assert.match(answer, /The unstaged changes in the repository at tools\/repo \(1 file;/);
      assert.match(answer, /diff --git a\/a\.txt b\/a\.txt[\s\S]*-two\n\+2/);
      assert.doesNotMatch(answer, /b\.txt/);
      assert.match(answer, /New files that git does not track yet \(not in the diff\): tools\/repo\/new\.txt/);

      assert.match(
        await run('get_git_diff', { path: 'tools/repo/b.txt' }),
        /^No unstaged changes in the repository at tools\/repo under tools\/repo\/b\.txt\./,
      );
      assert.match(await run('get_git_diff', { staged: true }), /No staged changes/);
      git('add', 'a.txt');
      const staged = await run('get_git_diff', { staged: true });
      assert.match(staged, /The staged changes in the repository at tools\/repo \(1 file;[\s\S]*-two\n\+2/);
    });

    it('says so for a path outside any repository', async () => {
      assert.match(
        await run('get_git_diff', { path: 'tools/src' }),
        /tools\/src is not in a git repository that VS Code has open/,
      );
    });
  });
});

interface GitExports {
  readonly enabled: boolean;
  getAPI(version: 1): { openRepository(root: vscode.Uri): Promise<unknown> };
}
