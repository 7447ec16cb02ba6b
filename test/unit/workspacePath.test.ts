import { strict as assert } from 'node:assert';
import { checkWorkspaceGlob, checkWorkspacePath } from '../../src/core/tools/workspacePath';

const ONE = [{ name: 'project' }];
const TWO = [{ name: 'api' }, { name: 'web' }];

function problemOf(raw: string, folders = ONE): string {
  const checked = checkWorkspacePath(raw, folders);
  assert.equal(checked.ok, false, `expected ${JSON.stringify(raw)} to be refused`);
  return checked.ok ? '' : checked.problem;
}

describe('checkWorkspacePath (paths from tool calls)', () => {
  it('accepts a relative path and normalizes it: forward slashes, no "." or empty segments', () => {
    for (const raw of ['src/a.ts', './src/a.ts', 'src//a.ts', 'src\\a.ts', 'src/./a.ts', 'src/a.ts/'])
      assert.deepEqual(checkWorkspacePath(raw, ONE), {
        ok: true,
        folderIndex: 0,
        relativePath: 'src/a.ts',
        segments: ['src', 'a.ts'],
      });
  });

  it('keeps a first segment named like the only folder: it is a subfolder of that name', () => {
    const checked = checkWorkspacePath('project/a.ts', ONE);
    assert.ok(checked.ok);
    assert.equal(checked.relativePath, 'project/a.ts');
  });

  it('refuses absolute paths, on every platform', () => {
    for (const raw of ['/etc/passwd', '\\Windows\\system.ini', '/']) assert.match(problemOf(raw), /is absolute/, raw);
  });

  it('refuses ".." anywhere, even when it would stay inside', () => {
    for (const raw of ['../secret', 'src/../../x', 'src/..', '..\\..\\x', 'a/b/../c'])
      assert.match(problemOf(raw), /leaves its folder with "\.\."/, raw);
  });

  it('refuses Windows drive letters, drive-relative paths and UNC shares, on every platform', () => {
    assert.match(problemOf('C:\\Users\\me\\.ssh\\id_rsa'), /drive letter/);
    assert.match(problemOf('c:secret.txt'), /drive letter/);
    assert.match(problemOf('\\\\server\\share\\x'), /network \(UNC\)/);
    assert.match(problemOf('//server/share/x'), /network \(UNC\)/);
    assert.match(problemOf('\\\\?\\C:\\x'), /network \(UNC\)/);
  });

  it('refuses a NUL byte and other control characters', () => {
    assert.match(problemOf('a.txt\u0000.png'), /NUL character/);
    assert.match(problemOf('a\nb'), /control character/);
  });

  it('refuses URIs, "~", colons (alternate data streams) and Windows device names', () => {
    assert.match(problemOf('file:///etc/passwd'), /is a URI/);
    assert.match(problemOf('~/.ssh/id_rsa'), /starts with "~"/);
    assert.match(problemOf('a.txt:hidden'), /contains ":"/);
    for (const raw of ['NUL', 'src/con.txt', 'com1', 'LPT9.log', 'aux. '])
      assert.match(problemOf(raw.trim()), /names the device/, raw);
  });

  it('refuses white space around the path instead of guessing', () => {
    assert.match(problemOf(' a.txt'), /white space/);
  });

  it('refuses the folder itself unless asked to accept it, and says when no folder is open', () => {
    assert.match(problemOf('.'), /names a folder, not a file/);
    assert.deepEqual(checkWorkspacePath('.', ONE, { allowRoot: true }), {
      ok: true,
      folderIndex: 0,
      relativePath: '',
      segments: [],
    });
    assert.match(problemOf('a.txt', []), /No folder is open/);
  });

  it('in a multi-root workspace, takes the folder from the first segment and refuses other first segments', () => {
    assert.deepEqual(checkWorkspacePath('web/src/app.ts', TWO), {
      ok: true,
      folderIndex: 1,
      relativePath: 'src/app.ts',
      segments: ['src', 'app.ts'],
    });
    assert.match(problemOf('src/app.ts', TWO), /must start with the name of a workspace folder: "api", "web"/);
    assert.deepEqual(checkWorkspacePath('api', TWO, { allowRoot: true }), {
      ok: true,
      folderIndex: 0,
      relativePath: '',
      segments: [],
    });
  });

  it('shows a long path only in part in its message', () => {
    assert.ok(problemOf(`/${'x'.repeat(5000)}`).length < 300);
  });
});

describe('checkWorkspaceGlob', () => {
  it('accepts relative globs, with backslashes turned into slashes', () => {
    assert.deepEqual(checkWorkspaceGlob('src/**/*.ts'), { ok: true, pattern: 'src/**/*.ts' });
    assert.deepEqual(checkWorkspaceGlob('src\\**\\*.ts'), { ok: true, pattern: 'src/**/*.ts' });
  });

  it('refuses empty, absolute, escaping and drive-letter patterns', () => {
    for (const [raw, reason] of [
      ['', /empty/],
      ['/etc/**', /absolute/],
      ['../**/*.key', /leaves the workspace/],
      ['C:/**', /drive letter/],
      ['**/*\u0000', /NUL/],
    ] as const) {
      const checked = checkWorkspaceGlob(raw);
      assert.ok(!checked.ok, raw);
      assert.match(checked.problem, reason);
    }
  });
});
