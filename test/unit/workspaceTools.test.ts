import { strict as assert } from 'node:assert';
import { buildChatRequest } from '../../src/core/chatRequest';
import { combineToolboxes } from '../../src/core/tools/combinedToolbox';
import { applyTextReplacements } from '../../src/core/tools/textReplacements';
import { checkWorkspaceToolArguments } from '../../src/core/tools/toolArguments';
import { workspaceToolbox } from '../../src/core/tools/workspaceToolbox';
import {
  ACTING_TOOL_NAMES,
  READ_ONLY_TOOL_NAMES,
  TOOL_LIMITS,
  toolParameterNames,
  workspaceToolDefinitions,
  type WorkspaceToolName,
} from '../../src/core/tools/workspaceTools';
import { validateChatCompletionRequest } from '../support/requestSchema';
import { definition } from './turnHelpers';

const context = { folders: [{ name: 'project' }] };

function check(tool: WorkspaceToolName, args: unknown) {
  return checkWorkspaceToolArguments(tool, args, context);
}

function problem(tool: WorkspaceToolName, args: unknown): string {
  const checked = check(tool, args);
  assert.ok(!checked.ok, `expected ${tool} ${JSON.stringify(args)} to be refused`);
  return checked.problem;
}

const root = { folderIndex: 0, relativePath: '', segments: [] };
const file = (relativePath: string) => ({ folderIndex: 0, relativePath, segments: relativePath.split('/') });

describe('workspace tools', () => {
  describe('definitions', () => {
    it('offers every read-only tool, and the acting ones only when acting is allowed', () => {
      const names = (acting: boolean) => workspaceToolDefinitions({ acting }).map((tool) => tool.function.name);
      assert.deepEqual(names(false), [...READ_ONLY_TOOL_NAMES]);
      assert.deepEqual(names(true), [...READ_ONLY_TOOL_NAMES, ...ACTING_TOOL_NAMES]);
    });

    it('are valid tools of a request against OpenAI’s schema', () => {
      const body = buildChatRequest({
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        tools: workspaceToolDefinitions({ acting: true }),
        toolChoice: 'auto',
        parallelToolCalls: true,
      });
      assert.deepEqual(validateChatCompletionRequest(body), []);
    });

    it('say what each parameter is, and which are required, in schemas that refuse other properties', () => {
      for (const tool of workspaceToolDefinitions({ acting: true })) {
        const schema = tool.function.parameters as { type: string; additionalProperties: boolean; required: string[] };
        assert.equal(schema.type, 'object', tool.function.name);
        assert.equal(schema.additionalProperties, false, tool.function.name);
        for (const name of schema.required)
          assert.ok(toolParameterNames(tool.function.name as WorkspaceToolName).includes(name));
        assert.ok((tool.function.description ?? '').length > 20, tool.function.name);
      }
    });
  });

  describe('argument checks', () => {
    it('read_file: a checked path and an optional line range', () => {
      assert.deepEqual(check('read_file', { path: 'src/a.ts', start_line: 3, end_line: '9' }), {
        ok: true,
        value: { tool: 'read_file', path: file('src/a.ts'), startLine: 3, endLine: 9 },
      });
      assert.match(problem('read_file', {}), /read_file needs "path"\./);
      assert.match(problem('read_file', { file_path: 'a' }), /needs "path" \(it got "file_path" instead\)/);
      assert.match(problem('read_file', { path: '../x' }), /^"path": The path "\.\.\/x" leaves its folder/);
      assert.match(
        problem('read_file', { path: 'a', start_line: 0 }),
        /"start_line" must be a whole number of at least 1, not 0/,
      );
      assert.match(problem('read_file', { path: 'a', start_line: 1.5 }), /whole number/);
      assert.match(
        problem('read_file', { path: 'a', start_line: 9, end_line: 3 }),
        /"end_line" \(3\) comes before "start_line" \(9\)/,
      );
      assert.match(
        problem('read_file', { path: 'a', start_line: 1, end_line: TOOL_LIMITS.maxReadLines + 1 }),
        /at most 2000 lines/,
      );
      assert.match(problem('read_file', { path: 42 }), /"path" must be a string, not 42/);
    });

    it('list_folder: the workspace folder when the path is left out, empty or "."', () => {
      for (const args of [{}, { path: '' }, { path: '.' }])
        assert.deepEqual(check('list_folder', args), { ok: true, value: { tool: 'list_folder', path: root } });
      assert.deepEqual(check('list_folder', { path: 'src' }), {
        ok: true,
        value: { tool: 'list_folder', path: file('src') },
      });
    });

    it('find_files: a relative glob and a bounded number of results', () => {
      assert.deepEqual(check('find_files', { pattern: '**/*.md' }), {
        ok: true,
        value: { tool: 'find_files', pattern: '**/*.md', maxResults: TOOL_LIMITS.defaultFindResults },
      });
      assert.match(problem('find_files', { pattern: '/etc/*' }), /absolute/);
      assert.match(problem('find_files', { pattern: '*', max_results: 100_000 }), /from 1 to 1000/);
    });

    it('search_text: the query, a valid regular expression when is_regex, flags and an include glob', () => {
      assert.deepEqual(check('search_text', { query: 'TODO', is_regex: 'false', include: 'src/**' }), {
        ok: true,
        value: {
          tool: 'search_text',
          query: 'TODO',
          isRegex: false,
          caseSensitive: false,
          include: 'src/**',
          maxResults: TOOL_LIMITS.defaultSearchResults,
        },
      });
      assert.match(problem('search_text', { query: '(', is_regex: true }), /not a valid regular expression/);
      assert.match(problem('search_text', { query: '  ' }), /"query" is empty/);
      assert.match(problem('search_text', { query: 'x', case_sensitive: 'yes' }), /must be true or false, not "yes"/);
      assert.match(problem('search_text', { query: 'x'.repeat(1001) }), /longer than 1000/);
    });

    it('get_problems and get_git_diff: the whole workspace unless a path is given', () => {
      assert.deepEqual(check('get_problems', {}), { ok: true, value: { tool: 'get_problems' } });
      assert.deepEqual(check('get_problems', { path: 'a.ts' }), {
        ok: true,
        value: { tool: 'get_problems', path: file('a.ts') },
      });
      assert.deepEqual(check('get_git_diff', { staged: true }), {
        ok: true,
        value: { tool: 'get_git_diff', staged: true },
      });
      assert.match(problem('get_git_diff', { path: 'C:\\x' }), /drive letter/);
    });

    it('get_active_editor and get_open_editors take nothing (and ignore what they are given)', () => {
      assert.deepEqual(check('get_active_editor', { whatever: 1 }), { ok: true, value: { tool: 'get_active_editor' } });
      assert.deepEqual(check('get_open_editors', {}), { ok: true, value: { tool: 'get_open_editors' } });
    });

    it('propose_edit and create_file refuse the files that configure the editor or run code (settings, tasks, git hooks)', () => {
      const edits = [{ old_text: 'a', new_text: 'b' }];
      for (const path of [
        '.vscode/settings.json',
        '.VSCode/tasks.json',
        'packages/app/.vscode/launch.json',
        '.git/hooks/pre-commit',
        '.git/config',
        '.devcontainer/devcontainer.json',
        '.husky/pre-push',
        'team.code-workspace',
        '.vscode./settings.json',
      ]) {
        assert.match(problem('propose_edit', { path, edits }), /Refused: .*tools may not change/, path);
        assert.match(problem('create_file', { path, content: '{}' }), /Refused/, path);
      }
      // Reading them stays possible, and look-alikes are not protected.
      assert.ok(check('read_file', { path: '.vscode/settings.json' }).ok);
      for (const path of ['src/vscode/settings.json', 'docs/.gitignore', '.github/workflows/ci.yml', 'my.vscode.md'])
        assert.ok(check('propose_edit', { path, edits }).ok, path);
    });

    it('propose_edit: a path and a list of exact replacements', () => {
      assert.deepEqual(check('propose_edit', { path: 'a.ts', edits: [{ old_text: 'let', new_text: 'const' }] }), {
        ok: true,
        value: { tool: 'propose_edit', path: file('a.ts'), edits: [{ oldText: 'let', newText: 'const' }] },
      });
      assert.match(problem('propose_edit', { path: 'a.ts', edits: [] }), /non-empty list/);
      assert.match(problem('propose_edit', { path: 'a.ts', edits: [{ old_text: 'x' }] }), /"edits\[0\]" must have/);
      assert.match(
        problem('propose_edit', { path: 'a.ts', edits: [{ old_text: '', new_text: 'x' }] }),
        /old_text" is empty/,
      );
      const many = Array.from({ length: 51 }, () => ({ old_text: 'a', new_text: 'b' }));
      assert.match(problem('propose_edit', { path: 'a.ts', edits: many }), /more than 50 edits/);
    });

    it('create_file: a path (never the folder itself) and its content', () => {
      assert.deepEqual(check('create_file', { path: 'new.md', content: '' }), {
        ok: true,
        value: { tool: 'create_file', path: file('new.md'), content: '' },
      });
      assert.match(problem('create_file', { path: '.', content: 'x' }), /names a folder/);
      assert.match(problem('create_file', { path: 'a' }), /needs "content"/);
    });

    it('run_terminal_command: the command, the folder to run it in and a bounded timeout', () => {
      assert.deepEqual(check('run_terminal_command', { command: 'npm test' }), {
        ok: true,
        value: {
          tool: 'run_terminal_command',
          command: 'npm test',
          cwd: root,
          timeoutSeconds: TOOL_LIMITS.defaultCommandTimeoutSeconds,
        },
      });
      assert.match(problem('run_terminal_command', { command: 'ls', cwd: '/tmp' }), /"cwd": .*absolute/);
      assert.match(problem('run_terminal_command', { command: 'ls', timeout_seconds: 601 }), /from 1 to 600/);
      assert.match(problem('run_terminal_command', { command: '' }), /"command" is empty/);
    });

    it('refuses arguments that are not an object', () => {
      assert.match(problem('read_file', ['a.txt']), /must be a JSON object/);
      assert.match(problem('read_file', null), /must be a JSON object/);
    });
  });

  describe('workspaceToolbox', () => {
    it('asks before acting tools, not before read-only ones unless told to, and not for tools allowed earlier', () => {
      const box = workspaceToolbox({ acting: true, folders: context.folders });
      assert.equal(box.needsApproval('read_file', {}), false);
      for (const name of ACTING_TOOL_NAMES) assert.equal(box.needsApproval(name, {}), true, name);
      const asking = workspaceToolbox({ acting: true, folders: context.folders, askBeforeReadOnly: true });
      assert.equal(asking.needsApproval('read_file', {}), true);
      const allowed = workspaceToolbox({
        acting: true,
        folders: context.folders,
        allowedForConversation: new Set(['run_terminal_command']),
      });
      assert.equal(allowed.needsApproval('run_terminal_command', {}), false);
      assert.equal(allowed.needsApproval('create_file', {}), true);
    });

    it('offers only read-only tools when acting is not allowed (Restricted Mode, virtual workspaces)', () => {
      const box = workspaceToolbox({ acting: false, folders: context.folders });
      assert.ok(!box.definitions.some((tool) => (ACTING_TOOL_NAMES as readonly string[]).includes(tool.function.name)));
    });

    it('checks arguments with the tool’s own check, paths against the workspace folders', () => {
      const box = workspaceToolbox({ acting: true, folders: [{ name: 'api' }, { name: 'web' }] });
      assert.deepEqual(box.checkArguments?.('read_file', { path: 'web/index.html' }), {
        ok: true,
        value: { tool: 'read_file', path: { folderIndex: 1, relativePath: 'index.html', segments: ['index.html'] } },
      });
      assert.equal(box.checkArguments?.('read_file', { path: 'index.html' }).ok, false);
    });
  });

  describe('applyTextReplacements (propose_edit)', () => {
    it('replaces each exact piece once, in any order of the edits', () => {
      const result = applyTextReplacements('let a = 1;\nlet b = 2;\n', [
        { oldText: 'let b', newText: 'const b' },
        { oldText: 'let a', newText: 'const a' },
      ]);
      assert.deepEqual(result, { ok: true, text: 'const a = 1;\nconst b = 2;\n' });
    });

    it('refuses a piece that is missing, that appears twice, or that overlaps another edit', () => {
      const text = 'x = 1\nx = 1\ny = 2\n';
      const missing = applyTextReplacements(text, [{ oldText: 'z', newText: '' }]);
      assert.ok(!missing.ok && /not found in the file/.test(missing.problem));
      const twice = applyTextReplacements(text, [{ oldText: 'x = 1', newText: '' }]);
      assert.ok(!twice.ok && /more than once/.test(twice.problem));
      const overlap = applyTextReplacements(text, [
        { oldText: 'x = 1\ny', newText: '' },
        { oldText: 'y = 2', newText: '' },
      ]);
      assert.ok(!overlap.ok && /Edit 2: .*overlaps/.test(overlap.problem));
    });

    it('matches and writes in the file’s own CRLF line ends when the model wrote LF', () => {
      const result = applyTextReplacements('a\r\nb\r\nc\r\n', [{ oldText: 'a\nb', newText: 'A\nB' }]);
      assert.deepEqual(result, { ok: true, text: 'A\r\nB\r\nc\r\n' });
    });
  });
});

describe('combineToolboxes', () => {
  it('offers the tools of several toolboxes, each call checked and asked about by the toolbox that defines it', () => {
    const workspace = workspaceToolbox({ acting: false, folders: context.folders });
    const other = {
      definitions: [definition('read_file'), definition('mcp_weather')],
      checkArguments: () => ({ ok: false as const, problem: 'never used for read_file' }),
      needsApproval: () => true,
    };
    const both = combineToolboxes(workspace, other);
    const names = both.definitions.map((tool) => tool.function.name);
    assert.deepEqual(names, [...READ_ONLY_TOOL_NAMES, 'mcp_weather']);
    assert.equal(both.checkArguments?.('read_file', { path: 'a' }).ok, true);
    assert.equal(both.needsApproval('read_file', {}), false);
    assert.equal(both.needsApproval('mcp_weather', {}), true);
    assert.equal(both.checkArguments?.('mcp_weather', {}).ok, false);
  });
});
