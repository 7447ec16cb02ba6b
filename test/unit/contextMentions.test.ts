import { strict as assert } from 'node:assert';
import {
  isPlausibleWorkspacePath,
  MAX_CONTEXT_REFS,
  mentionAt,
  mentionOf,
  parseContextRefs,
  parseMention,
  parseMentionQuery,
} from '../../src/shared/contextRefs';
import { MAX_PROMPT_LENGTH, parseWebviewMessage } from '../../src/shared/protocol';

describe('#-mentions: what the composer reads as it is typed', () => {
  it('finds the mention at the cursor: a # at the start or after white space, up to the next white space', () => {
    assert.deepEqual(mentionAt('#', 1), { start: 0, end: 1, query: '' });
    assert.deepEqual(mentionAt('look at #fi', 11), { start: 8, end: 11, query: 'fi' });
    assert.deepEqual(mentionAt('look at #file:src/a.ts now', 13), { start: 8, end: 22, query: 'file:src/a.ts' });
    assert.deepEqual(mentionAt('a\n#sel', 6), { start: 2, end: 6, query: 'sel' });
    // Not a mention: a # inside a word, a cursor before the #, after a space.
    assert.equal(mentionAt('issue#12', 8), undefined);
    assert.equal(mentionAt('#file', 0), undefined);
    assert.equal(mentionAt('#file ', 6), undefined);
    assert.equal(mentionAt('text', 99), undefined);
  });

  it('offers the kinds whose name starts with what was typed; file: searches a path, with optional lines', () => {
    assert.deepEqual(parseMentionQuery(''), {
      mode: 'kind',
      kinds: ['file', 'selection', 'problems', 'changes', 'editors'],
    });
    assert.deepEqual(parseMentionQuery('PR'), { mode: 'kind', kinds: ['problems'] });
    assert.equal(parseMentionQuery('xyz'), undefined);
    assert.deepEqual(parseMentionQuery('file:'), { mode: 'file', path: '' });
    assert.deepEqual(parseMentionQuery('file:src/ap'), { mode: 'file', path: 'src/ap' });
    assert.deepEqual(parseMentionQuery('file:src/a.ts:10-40'), {
      mode: 'file',
      path: 'src/a.ts',
      range: { start: 10, end: 40 },
    });
    assert.deepEqual(parseMentionQuery('file:src/a.ts:12'), {
      mode: 'file',
      path: 'src/a.ts',
      range: { start: 12, end: 12 },
    });
    // A range written backwards is turned round; one still being typed searches the path before it.
    assert.deepEqual(parseMentionQuery('file:a.ts:40-10'), {
      mode: 'file',
      path: 'a.ts',
      range: { start: 10, end: 40 },
    });
    assert.deepEqual(parseMentionQuery('file:a.ts:'), { mode: 'file', path: 'a.ts' });
    assert.deepEqual(parseMentionQuery('file:a.ts:10-'), { mode: 'file', path: 'a.ts' });
    // Line 0 and absurd numbers are no range.
    assert.deepEqual(parseMentionQuery('file:a.ts:0-3'), { mode: 'file', path: 'a.ts' });
    assert.deepEqual(parseMentionQuery('file:a.ts:1-99999999999'), { mode: 'file', path: 'a.ts' });
    assert.equal(parseMentionQuery('selection:x'), undefined);
  });

  it('reads whole mentions, and writes each reference back as the same mention', () => {
    assert.deepEqual(parseMention('#selection'), { kind: 'selection' });
    assert.deepEqual(parseMention('#Problems'), { kind: 'problems' });
    assert.equal(parseMention('#sel'), undefined, 'a prefix is not a mention');
    assert.equal(parseMention('#file'), undefined, '#file names no file');
    assert.deepEqual(parseMention('#file:src/a.ts:10-40'), {
      kind: 'file',
      path: 'src/a.ts',
      range: { start: 10, end: 40 },
    });
    assert.equal(parseMention('#file:../secret.txt'), undefined);
    assert.equal(parseMention('selection'), undefined);
    for (const text of ['#file:src/a.ts:10-40', '#file:src/a.ts:7', '#file:README.md', '#changes', '#editors']) {
      const ref = parseMention(text);
      assert.ok(ref, text);
      assert.equal(mentionOf(ref), text);
    }
  });

  it('a path from the panel is relative and stays inside its folder', () => {
    for (const path of ['src/a.ts', 'a', 'api/src/a b.ts', '.github/copilot-instructions.md', 'x/.../y'])
      assert.equal(isPlausibleWorkspacePath(path), true, path);
    for (const path of [
      '',
      '..',
      '../a',
      'src/../../etc/passwd',
      'src\\..\\..\\x',
      '/etc/passwd',
      '\\\\server\\share\\x',
      'C:\\Windows\\win.ini',
      'c:x',
      'file:///etc/passwd',
      '~/.ssh/id_rsa',
      'a\u0000b',
      'a\nb',
      ' a',
      'x'.repeat(1025),
      42,
      null,
      ['a'],
    ])
      assert.equal(isPlausibleWorkspacePath(path), false, JSON.stringify(path));
  });
});

describe('parseWebviewMessage: the context of a send, the file search, opening a context file', () => {
  it('takes a send with context references, with or without text; a clean copy', () => {
    assert.deepEqual(
      parseWebviewMessage({
        type: 'send',
        requestId: 3,
        text: 'Why?',
        context: [{ kind: 'file', path: 'src/a.ts', range: { start: 1, end: 5 } }, { kind: 'problems' }],
      }),
      {
        type: 'send',
        requestId: 3,
        text: 'Why?',
        context: [{ kind: 'file', path: 'src/a.ts', range: { start: 1, end: 5 } }, { kind: 'problems' }],
      },
    );
    // Only context: a message too. An empty list is no context.
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 3, text: '', context: [{ kind: 'changes' }] }), {
      type: 'send',
      requestId: 3,
      text: '',
      context: [{ kind: 'changes' }],
    });
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 3, text: 'hi', context: [] }), {
      type: 'send',
      requestId: 3,
      text: 'hi',
    });
    assert.equal(parseWebviewMessage({ type: 'send', requestId: 3, text: ' ', context: [] }), undefined);
  });

  it('refuses context that is oversized, of the wrong type, or a path leaving the workspace', () => {
    const send = (context: unknown) => parseWebviewMessage({ type: 'send', requestId: 1, text: 'hi', context });
    const tooMany = Array.from({ length: MAX_CONTEXT_REFS + 1 }, (_, n) => ({ kind: 'file', path: `f${n}.ts` }));
    assert.ok(send(tooMany.slice(1)), 'the most references a message may carry');
    for (const context of [
      tooMany,
      'src/a.ts',
      { kind: 'file', path: 'a.ts' },
      [null],
      ['#selection'],
      [{ kind: 'terminal' }],
      [{ kind: '__proto__' }],
      [{ kind: 'selection', path: 'a.ts' }],
      [{ kind: 'file' }],
      [{ kind: 'file', path: 7 }],
      [{ kind: 'file', path: '../../etc/passwd' }],
      [{ kind: 'file', path: '/etc/passwd' }],
      [{ kind: 'file', path: 'C:\\Users\\x\\.ssh\\id_rsa' }],
      [{ kind: 'file', path: 'a.ts', text: 'forged content' }],
      [{ kind: 'file', path: 'x'.repeat(5000) }],
      [{ kind: 'file', path: 'a.ts', range: { start: 0, end: 3 } }],
      [{ kind: 'file', path: 'a.ts', range: { start: 5, end: 3 } }],
      [{ kind: 'file', path: 'a.ts', range: { start: 1.5, end: 3 } }],
      [{ kind: 'file', path: 'a.ts', range: { start: '1', end: '3' } }],
      [{ kind: 'file', path: 'a.ts', range: { start: 1, end: 3, step: 2 } }],
      [{ kind: 'file', path: 'a.ts', range: [1, 3] }],
    ])
      assert.equal(send(context), undefined, JSON.stringify(context).slice(0, 80));
    // Text at the limit still goes with context; a character more does not.
    assert.ok(parseWebviewMessage({ type: 'send', requestId: 1, text: 'x'.repeat(MAX_PROMPT_LENGTH), context: [] }));
    assert.equal(parseContextRefs(tooMany), undefined);
  });

  it('takes a file search with a request id and a short query', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'findFiles', requestId: 9, query: 'src/ap' }), {
      type: 'findFiles',
      requestId: 9,
      query: 'src/ap',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'findFiles', requestId: 9, query: '' }), {
      type: 'findFiles',
      requestId: 9,
      query: '',
    });
    for (const message of [
      { type: 'findFiles', requestId: 9, query: 'x'.repeat(261) },
      { type: 'findFiles', requestId: 0, query: 'a' },
      { type: 'findFiles', query: 'a' },
      { type: 'findFiles', requestId: 9, query: ['a'] },
      { type: 'findFiles', requestId: 9, query: 'a', folder: '/etc' },
    ])
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message).slice(0, 80));
  });

  it('opens only a workspace-relative path, with a valid range', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openContextFile', path: 'AGENTS.md' }), {
      type: 'openContextFile',
      path: 'AGENTS.md',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'openContextFile', path: 'src/a.ts', range: { start: 3, end: 4 } }), {
      type: 'openContextFile',
      path: 'src/a.ts',
      range: { start: 3, end: 4 },
    });
    for (const message of [
      { type: 'openContextFile', path: '../outside.txt' },
      { type: 'openContextFile', path: '/etc/hosts' },
      { type: 'openContextFile', path: 'command:workbench.action.terminal.new' },
      { type: 'openContextFile', path: 'a.ts', range: { start: 2 } },
      { type: 'openContextFile', path: 'a.ts', uri: 'file:///etc/hosts' },
      { type: 'openContextFile' },
    ])
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
  });
});
