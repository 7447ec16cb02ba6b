import { strict as assert } from 'node:assert';
import { buildEditPrompt, fenceFor, selectionBlock, surroundingLines } from '../../src/core/editPrompt';
import { applyDecisions, diffLines, layoutDiff, proposalView, splitLines, type Hunk } from '../../src/core/lineDiff';
import { extractReplyCode, findCodeBlocks, fitCodeToRange, streamingCode } from '../../src/core/replyCode';

describe('buildEditPrompt', () => {
  const base = {
    languageId: 'typescript',
    relativePath: 'src/math.ts',
    selection: 'function add(a, b) {\n  return a + b;\n}',
    before: '// math helpers',
    after: 'export { add };',
    startLine: 2,
    endLine: 4,
  } as const;

  it('carries the path, the language, the selection fenced and the surrounding lines', () => {
    const prompt = buildEditPrompt({ ...base, command: 'refactor', instruction: 'use an arrow function' });
    assert.equal(prompt.messages.length, 1);
    assert.equal(prompt.messages[0].role, 'user');
    assert.equal(prompt.messages[0].content, prompt.user);
    assert.match(prompt.user, /src\/math\.ts/);
    assert.match(prompt.user, /language: typescript/);
    assert.match(prompt.user, /```typescript\nfunction add\(a, b\) \{\n {2}return a \+ b;\n\}\n```/);
    assert.match(prompt.user, /\/\/ math helpers/);
    assert.match(prompt.user, /export \{ add \};/);
    assert.match(prompt.user, /Request: use an arrow function/);
    assert.match(prompt.user, /lines 2–4/);
    assert.match(prompt.user, /single fenced code block/);
    assert.ok(prompt.system.length > 0);
  });

  it('lists the diagnostics for a fix and the range used when nothing was selected', () => {
    const prompt = buildEditPrompt({
      ...base,
      command: 'fix',
      rangeNote: 'the function add',
      diagnostics: [{ line: 3, severity: 'error', message: "Cannot find name 'c'.", source: 'ts' }],
    });
    assert.match(prompt.user, /line 3, error \(ts\): Cannot find name 'c'\./);
    assert.match(prompt.user, /using the function add/);
  });

  it('asks for prose when explaining, and takes the settings for system prompt and task', () => {
    const explain = buildEditPrompt({ ...base, command: 'explain', before: '', after: '' });
    assert.doesNotMatch(explain.user, /single fenced code block/);
    assert.doesNotMatch(explain.user, /context only/);
    const custom = buildEditPrompt({
      ...base,
      command: 'explain',
      systemPrompt: 'Be terse.',
      template: 'Say what it does in one line.',
    });
    assert.equal(custom.system, 'Be terse.');
    assert.match(custom.user, /^Say what it does in one line\./);
  });

  it('uses a fence longer than any backticks in the code', () => {
    assert.equal(fenceFor('no ticks'), '```');
    assert.equal(fenceFor('a ```` b'), '`````');
    const prompt = buildEditPrompt({ ...base, command: 'document', selection: 'const s = ```x```;' });
    assert.match(prompt.user, /````typescript\nconst s = ```x```;\n````/);
  });

  it('takes N surrounding lines', () => {
    const lines = ['a', 'b', 'c', 'd', 'e', 'f'];
    assert.deepEqual(surroundingLines(lines, 2, 3, 1), { before: 'b', after: 'e' });
    assert.deepEqual(surroundingLines(lines, 0, 5, 3), { before: '', after: '' });
    assert.deepEqual(surroundingLines(lines, 3, 3, 10), { before: 'a\nb\nc', after: 'e\nf' });
  });
});

describe('extractReplyCode', () => {
  it('[B7-47] takes the single block and drops the prose and fences around it', () => {
    assert.equal(
      extractReplyCode('Here is the fixed code:\n\n```ts\nconst a = 1;\nconst b = 2;\n```\n\nThis adds b.'),
      'const a = 1;\nconst b = 2;',
    );
    assert.equal(extractReplyCode('~~~python\nx = 1\n~~~'), 'x = 1');
  });

  it('keeps inner shorter fences inside a longer one', () => {
    assert.equal(extractReplyCode('````md\n```js\nx\n```\n````'), '```js\nx\n```');
  });

  it('takes plain code without a fence as a whole', () => {
    assert.equal(extractReplyCode('const a = 1;\nconsole.log(a);\n'), 'const a = 1;\nconsole.log(a);');
    assert.equal(
      extractReplyCode('def f(x):\n    """Return x plus one."""\n    return x + 1'),
      'def f(x):\n    """Return x plus one."""\n    return x + 1',
    );
  });

  it('[B7-47] gives nothing for two blocks, for prose without a block, or for an empty reply', () => {
    assert.equal(extractReplyCode('```js\na\n```\nor\n```js\nb\n```'), undefined);
    assert.equal(extractReplyCode('I cannot change this code without more context.'), undefined);
    assert.equal(extractReplyCode('  \n'), undefined);
  });

  it('takes an unclosed last block (the model forgot the closing fence)', () => {
    assert.equal(extractReplyCode('```js\nlet x = 1;'), 'let x = 1;');
    assert.equal(findCodeBlocks('```js\nlet x = 1;')[0].closed, false);
  });

  it('shows the code after the opening fence while streaming', () => {
    assert.equal(streamingCode('Sure, here:\n```ts\nconst a'), 'const a');
    assert.equal(streamingCode('``'), '');
    assert.equal(streamingCode('const a = 1;\ncon'), 'const a = 1;\ncon');
    assert.equal(streamingCode('```ts\nx\n```\nMore text'), 'x');
    assert.equal(streamingCode('Use `x` here:\r\n```js\r\na\r\nb\r\n```'), 'a\nb');
    assert.equal(streamingCode('``` not `a` fence\n~~~~\ncode\n~~~\nstill code\n~~~~\n'), 'code\n~~~\nstill code');
    assert.equal(streamingCode('```ts'), '');
  });
});

describe('diffLines', () => {
  const apply = (a: string[], b: string[], hunks: Hunk[]) =>
    applyDecisions(
      a,
      b,
      hunks,
      hunks.map(() => 'accepted'),
    );

  it('finds no hunk for equal texts and one for a change in the middle', () => {
    assert.deepEqual(diffLines(['a', 'b'], ['a', 'b']), []);
    assert.deepEqual(diffLines(['a', 'b', 'c'], ['a', 'X', 'c']), [
      { origStart: 1, origEnd: 2, newStart: 1, newEnd: 2 },
    ]);
  });

  it('separates distant changes, insertions and deletions', () => {
    const a = ['1', '2', '3', '4', '5', '6'];
    const b = ['0', '1', '2', '4', '5', 'six', '6'];
    const hunks = diffLines(a, b);
    assert.deepEqual(hunks, [
      { origStart: 0, origEnd: 0, newStart: 0, newEnd: 1 },
      { origStart: 2, origEnd: 3, newStart: 3, newEnd: 3 },
      { origStart: 5, origEnd: 5, newStart: 5, newEnd: 6 },
    ]);
    assert.deepEqual(apply(a, b, hunks), b);
  });

  it('handles empty sides', () => {
    assert.deepEqual(diffLines([], ['a']), [{ origStart: 0, origEnd: 0, newStart: 0, newEnd: 1 }]);
    assert.deepEqual(diffLines(['a'], []), [{ origStart: 0, origEnd: 1, newStart: 0, newEnd: 0 }]);
  });

  it('reproduces the replacement for random edits, and is fast on 2,000 lines', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(random() * 30) }, () => String(Math.floor(random() * 6)));
      const b = a.flatMap((line) =>
        random() < 0.2 ? [] : random() < 0.2 ? [line, String(Math.floor(random() * 6))] : [random() < 0.1 ? 'x' : line],
      );
      const hunks = diffLines(a, b);
      assert.deepEqual(apply(a, b, hunks), b);
      assert.deepEqual(
        applyDecisions(
          a,
          b,
          hunks,
          hunks.map(() => 'rejected'),
        ),
        a,
      );
    }
    const big = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    const changed = big.map((line, i) => (i % 10 === 0 ? `${line} changed` : line));
    const started = Date.now();
    const hunks = diffLines(big, changed);
    assert.equal(hunks.length, 200);
    assert.deepEqual(apply(big, changed, hunks), changed);
    assert.ok(Date.now() - started < 2000);
  });

  it('lays out pending hunks as removed then added lines, and decided ones as decided', () => {
    const a = ['keep', 'old1', 'mid', 'old2'];
    const b = ['keep', 'new1', 'mid', 'new2'];
    const hunks = diffLines(a, b);
    const layout = layoutDiff(a, b, hunks, ['pending', 'pending']);
    assert.deepEqual(layout.lines, ['keep', 'old1', 'new1', 'mid', 'old2', 'new2']);
    assert.deepEqual(layout.removed, [1, 4]);
    assert.deepEqual(layout.added, [2, 5]);
    assert.deepEqual(layout.hunkStarts, [1, 4]);
    const mixed = layoutDiff(a, b, hunks, ['accepted', 'pending']);
    assert.deepEqual(mixed.lines, ['keep', 'new1', 'mid', 'old2', 'new2']);
    assert.deepEqual(mixed.hunkStarts, [-1, 3]);
    assert.deepEqual(applyDecisions(a, b, hunks, ['accepted', 'rejected']), ['keep', 'new1', 'mid', 'old2']);
    assert.deepEqual(splitLines('a\r\nb\nc'), ['a', 'b', 'c']);
  });
});

describe('proposalView (the side-by-side review)', () => {
  const original = ['keep', 'old1', 'mid', 'old2', 'gone', 'end'];
  const proposal = ['keep', 'new1', 'mid', 'new2', 'end'];

  it('shows pending and accepted changes as proposed, rejected ones as the original, and where each pending one starts', () => {
    const hunks = diffLines(original, proposal);
    assert.equal(hunks.length, 2);
    const pending = proposalView(original, proposal, hunks, ['pending', 'pending']);
    assert.deepEqual(pending.lines, proposal);
    assert.deepEqual(pending.hunkStarts, [1, 3]);
    const mixed = proposalView(original, proposal, hunks, ['rejected', 'pending']);
    assert.deepEqual(mixed.lines, ['keep', 'old1', 'mid', 'new2', 'end']);
    assert.deepEqual(mixed.hunkStarts, [-1, 3]);
    assert.deepEqual(proposalView(original, proposal, hunks, ['accepted', 'rejected']).lines, [
      'keep',
      'new1',
      'mid',
      'old2',
      'gone',
      'end',
    ]);
  });

  it('places a pure deletion at the line after it', () => {
    const hunks = diffLines(['a', 'b', 'c'], ['a', 'c']);
    assert.deepEqual(proposalView(['a', 'b', 'c'], ['a', 'c'], hunks, ['pending']), {
      lines: ['a', 'c'],
      hunkStarts: [1],
    });
  });
});

describe('selectionBlock (Add Selection to Chat)', () => {
  it('names the file and the lines, and fences the code with its language', () => {
    const block = selectionBlock({
      relativePath: 'src/a.ts',
      languageId: 'typescript',
      startLine: 3,
      endLine: 5,
      code: 'let a = 1;\nlet b = 2;\nlet c = 3;',
    });
    assert.equal(block, '`src/a.ts` (lines 3-5):\n```typescript\nlet a = 1;\nlet b = 2;\nlet c = 3;\n```\n');
    assert.match(
      selectionBlock({ relativePath: 'x.md', languageId: 'markdown', startLine: 1, endLine: 1, code: '```js\nx\n```' }),
      /^`x\.md` \(line 1\):\n````markdown\n```js\nx\n```\n````\n$/,
    );
  });
});

describe('fitCodeToRange (code from a reply put into a line)', () => {
  it('drops the fence newline inside a line and keeps it at the start of a line', () => {
    assert.equal(fitCodeToRange('let y = 2;\n', false), 'let y = 2;');
    assert.equal(fitCodeToRange('let y = 2;\r\n', false), 'let y = 2;');
    assert.equal(fitCodeToRange('let y = 2;\n', true), 'let y = 2;\n');
    assert.equal(fitCodeToRange('a\n\n', false), 'a\n', 'only the one newline of the fence goes');
    assert.equal(fitCodeToRange('no newline', false), 'no newline');
  });
});
