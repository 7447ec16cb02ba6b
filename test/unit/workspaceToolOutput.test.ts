import { strict as assert } from 'node:assert';
import { READ_LIMITS } from '../../src/core/tools/readLimits';
import { capCommandOutput, plainTerminalText } from '../../src/core/tools/terminalOutput';
import { decodeFileText, numberedLines, splitLines } from '../../src/core/tools/textContent';
import { compileMatcher, matchingLines, riskyRegExpProblem } from '../../src/core/tools/textSearch';
import { workspaceToolOffer } from '../../src/core/tools/toolOffer';
import { splitGitDiff, unquote } from '../../src/core/tools/unifiedDiff';
import { ACTING_TOOL_NAMES, READ_ONLY_TOOL_NAMES } from '../../src/core/tools/workspaceTools';

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('file text for the model', () => {
  it('tells binary files by a NUL byte early on, or by mostly undecodable bytes', () => {
    assert.equal(decodeFileText(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13)).kind, 'binary');
    assert.equal(decodeFileText(bytes(...Array.from({ length: 100 }, (_, i) => 0x80 + (i % 64)))).kind, 'binary');
    assert.deepEqual(decodeFileText(utf8('héllo\n')), { kind: 'text', text: 'héllo\n' });
    assert.deepEqual(decodeFileText(bytes(0x63, 0x61, 0x66, 0xe9)), { kind: 'text', text: 'caf\ufffd' });
    assert.equal(decodeFileText(new Uint8Array()).kind, 'text');
  });

  it('honours byte-order marks: UTF-8 dropped, UTF-16 in either order decoded', () => {
    assert.deepEqual(decodeFileText(bytes(0xef, 0xbb, 0xbf, 0x61)), { kind: 'text', text: 'a' });
    assert.deepEqual(decodeFileText(bytes(0xff, 0xfe, 0x61, 0, 0x62, 0)), { kind: 'text', text: 'ab' });
    assert.deepEqual(decodeFileText(bytes(0xfe, 0xff, 0, 0x61, 0x30, 0x42)), { kind: 'text', text: 'aあ' });
  });

  it('splits lines at every kind of line end, a final one starting no line', () => {
    assert.deepEqual(splitLines('a\r\nb\rc\nd\n'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('\n'), ['']);
  });

  it('numbers the lines of a range under the path and the line count', () => {
    const read = numberedLines('src/a.ts', 'one\ntwo\nthree\n', { startLine: 2 });
    assert.deepEqual(read, { ok: true, text: 'src/a.ts (lines 2-3 of 3):\n2: two\n3: three' });
    assert.deepEqual(numberedLines('e.ts', ''), { ok: true, text: 'e.ts is empty.' });
    assert.deepEqual(numberedLines('a', 'x\n', { endLine: 99 }), { ok: true, text: 'a (lines 1-1 of 1):\n1: x' });
    assert.deepEqual(numberedLines('a', 'x\ny\n', { startLine: 5 }), {
      ok: false,
      problem: 'a has 2 lines, so there is no line 5.',
    });
  });

  it('ends at the last whole line within the budget and says where to read on', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const read = numberedLines('big.txt', text, { maxChars: 100 });
    assert.ok(read.ok);
    const lines = read.text.split('\n');
    assert.equal(lines[0], 'big.txt (lines 1-9 of 100):');
    assert.equal(lines[9], '9: line 9');
    assert.equal(lines[10], '[Cut at 100 characters: lines 10-100 were not shown. Read on with start_line=10.]');
    assert.ok(lines.slice(1, 10).join('\n').length <= 100);
  });

  it('shows the start of one line longer than the whole budget, saying so', () => {
    const read = numberedLines('min.js', `${'x'.repeat(500)}\nnext\n`, { maxChars: 50 });
    assert.ok(read.ok);
    assert.match(
      read.text,
      /^min\.js \(lines 1-1 of 2\):\n1: x{47}\n\[Line 1 is 500 characters long; only its first 50/,
    );
    assert.match(read.text, /Read on with start_line=2\.\]$/);
  });
});

describe('text search matching', () => {
  const find = (query: string, line: string, options = { isRegex: false, caseSensitive: false }) => {
    const compiled = compileMatcher(query, options);
    assert.ok(compiled.ok);
    return compiled.matcher.find(line);
  };

  it('matches plain text without case by default, with case when asked, never as a pattern', () => {
    assert.equal(find('needle', 'a NEEDLE here'), 2);
    assert.equal(find('needle', 'a NEEDLE here', { isRegex: false, caseSensitive: true }), -1);
    assert.equal(find('a.b', 'axb'), -1);
    assert.equal(find('a.b', 'xa.b'), 1);
  });

  it('matches a regular expression, without case unless asked', () => {
    assert.equal(find('ret\\w+ \\d', 'x RETURN 1', { isRegex: true, caseSensitive: false }), 2);
    assert.equal(find('ret\\w+ \\d', 'x RETURN 1', { isRegex: true, caseSensitive: true }), -1);
    const invalid = compileMatcher('(unclosed', { isRegex: true, caseSensitive: false });
    assert.ok(!invalid.ok && /not valid/.test(invalid.problem));
  });

  it('refuses a pattern whose repeated group repeats inside (catastrophic backtracking)', () => {
    for (const risky of ['(a+)+$', '(\\w*)*x', '(?:x+y?)+', '(a{2,})*', '((ab)+c)+', '(a+){2,}'])
      assert.match(riskyRegExpProblem(risky) ?? '', /repeats a group that itself repeats/, risky);
    for (const fine of ['(ab)+', 'a+b+', '(a|b)*c', '[(a+)]+', '\\(a+\\)+', '(a+)?b', '(a+){1}', 'x{2}'])
      assert.equal(riskyRegExpProblem(fine), undefined, fine);
  });

  it('gives a regular expression only the start of a very long line', () => {
    const line = `${'a'.repeat(READ_LIMITS.maxRegexLineChars)}needle`;
    assert.equal(find('needle', line, { isRegex: true, caseSensitive: false }), -1);
    assert.equal(find('needle', line), READ_LIMITS.maxRegexLineChars, 'plain text looks at all of it');
  });

  it('lists matching lines with line and column, a window around the match of a long line, up to a limit', () => {
    const compiled = compileMatcher('needle', { isRegex: false, caseSensitive: false });
    assert.ok(compiled.ok);
    const long = `${'x'.repeat(1000)} needle ${'y'.repeat(1000)}`;
    const matches = matchingLines(`no\n  a needle\n${long}\nneedle again\n`, compiled.matcher, 2);
    assert.equal(matches.length, 2);
    assert.deepEqual(matches[0], { line: 2, column: 5, text: 'a needle' });
    assert.equal(matches[1].line, 3);
    assert.ok(matches[1].text.includes('needle') && matches[1].text.startsWith('…') && matches[1].text.endsWith('…'));
    assert.ok(matches[1].text.length <= READ_LIMITS.maxMatchLineChars + 2);
  });
});

describe('git diff sections', () => {
  const diff = [
    'diff --git a/src/a.ts b/src/a.ts',
    'index 1..2 100644',
    '--- a/src/a.ts',
    '+++ b/src/a.ts',
    '@@ -1 +1 @@',
    '-old',
    '+new',
    'diff --git a/old name.txt b/new name.txt',
    'similarity index 90%',
    'rename from old name.txt',
    'rename to new name.txt',
    'diff --git a/img.png b/img.png',
    'Binary files a/img.png and b/img.png differ',
    'diff --git "a/caf\\303\\251 \\"x\\".txt" "b/caf\\303\\251 \\"x\\".txt"',
    'new file mode 100644',
    '--- /dev/null',
    '+++ "b/caf\\303\\251 \\"x\\".txt"',
    '@@ -0,0 +1 @@',
    '+hi',
    'diff --git a/with space b/with space',
    'old mode 100644',
    'new mode 100755',
    '',
  ].join('\n');

  it('cuts a diff into one section per file, with the paths each touches', () => {
    const sections = splitGitDiff(diff);
    assert.deepEqual(
      sections.map((section) => section.paths),
      [['src/a.ts'], ['old name.txt', 'new name.txt'], ['img.png'], ['café "x".txt'], ['with space']],
    );
    assert.equal(sections[0].text, diff.split('\n').slice(0, 7).join('\n'));
    assert.ok(sections[4].text.endsWith('new mode 100755'));
    assert.deepEqual(splitGitDiff(''), []);
  });

  it('reads git’s C-style quoted paths, octal escapes as UTF-8 bytes', () => {
    assert.equal(unquote('"a\\tb\\\\c\\"d"'), 'a\tb\\c"d');
    assert.equal(unquote('"\\346\\227\\245"'), '日');
    assert.equal(unquote('plain'), 'plain');
  });
});

describe('terminal output for the model', () => {
  it('takes out colours, cursor moves, titles and shell-integration marks', () => {
    const raw =
      '\u001b]633;C\u0007\u001b[1;32mok\u001b[0m done\r\n\u001b]0;title\u001b\\\u001b[2Kline two\r\n\u001b]633;D;0\u0007';
    assert.equal(plainTerminalText(raw), 'ok done\nline two\n');
  });

  it('keeps what a redrawn line (a progress bar) shows last', () => {
    assert.equal(plainTerminalText('10%\r50%\r100%\r\ndone\r\n'), '100%\ndone\n');
  });

  it('cuts a long output in the middle, keeping its start and more of its end', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `${i}`).join('\n');
    const { text: cut, cut: wasCut } = capCommandOutput(text, 400);
    assert.ok(wasCut);
    assert.ok(cut.startsWith('0\n1\n2'));
    assert.ok(cut.endsWith('998\n999'));
    assert.match(cut, /\[… \d+ characters of output left out …\]/);
    assert.deepEqual(capCommandOutput('short', 400), { text: 'short', cut: false });
  });
});

describe('the tools a workspace is offered', () => {
  it('are all of them in a trusted workspace on disk', () => {
    assert.deepEqual(workspaceToolOffer({ trusted: true, folderSchemes: ['file', 'file'] }), {
      acting: true,
      tools: [...READ_ONLY_TOOL_NAMES, ...ACTING_TOOL_NAMES],
    });
  });

  it('are the read-only ones in Restricted Mode, or when a folder is virtual', () => {
    assert.deepEqual(workspaceToolOffer({ trusted: false, folderSchemes: ['file'] }), {
      acting: false,
      tools: [...READ_ONLY_TOOL_NAMES],
      withheldBecause: 'restrictedMode',
    });
    const virtual = workspaceToolOffer({ trusted: true, folderSchemes: ['file', 'vscode-vfs'] });
    assert.equal(virtual.acting, false);
    assert.equal(virtual.withheldBecause, 'virtualWorkspace');
    assert.ok(!virtual.tools.includes('run_terminal_command'));
  });
});
