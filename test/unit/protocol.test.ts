import { strict as assert } from 'node:assert';
import { isOpenableLink, MAX_PROMPT_LENGTH, parseWebviewMessage } from '../../src/shared/protocol';

describe('parseWebviewMessage (what the panel may ask the host)', () => {
  it('accepts each valid shape and returns a clean copy', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'stop' }), { type: 'stop' });
    assert.deepEqual(parseWebviewMessage({ type: 'newChat' }), { type: 'newChat' });
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'Hello' }), { type: 'send', text: 'Hello' });
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: '  padded  ' }), { type: 'send', text: '  padded  ' });
    for (const action of ['setApiKey', 'openSettings', 'retry', 'showLog']) {
      assert.deepEqual(parseWebviewMessage({ type: 'runAction', action }), { type: 'runAction', action });
    }
  });

  it('accepts text up to the limit, and refuses one character more', () => {
    assert.ok(parseWebviewMessage({ type: 'send', text: 'x'.repeat(MAX_PROMPT_LENGTH) }));
    assert.equal(parseWebviewMessage({ type: 'send', text: 'x'.repeat(MAX_PROMPT_LENGTH + 1) }), undefined);
  });

  it('refuses empty or whitespace-only text', () => {
    for (const text of ['', ' ', '\n\t  \r\n', '\u00a0']) {
      assert.equal(parseWebviewMessage({ type: 'send', text }), undefined, JSON.stringify(text));
    }
  });

  it('refuses unknown types', () => {
    for (const type of ['hello', 'SEND', 'openExternal', 'runCommand', '__proto__', 'constructor', '', 'toString']) {
      assert.equal(parseWebviewMessage({ type }), undefined, type);
    }
  });

  it('refuses extra keys', () => {
    assert.equal(parseWebviewMessage({ type: 'ready', extra: 1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'stop', text: 'x' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', model: 'gpt-4' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi', action: 'retry' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'runAction', action: 'retry', url: 'https://x' }), undefined);
  });

  it('refuses wrong types and missing fields', () => {
    for (const message of [
      { type: 'send' },
      { type: 'send', text: 42 },
      { type: 'send', text: ['hi'] },
      { type: 'send', text: { toString: () => 'hi' } },
      { type: 'send', text: null },
      { type: 'runAction' },
      { type: 'runAction', action: 1 },
      { type: 7 },
      { type: null },
      { type: ['ready'] },
      { text: 'hi' },
    ]) {
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    }
  });

  it('refuses unknown actions', () => {
    for (const action of ['deleteAll', 'openExternal', 'RETRY', '', 'toString', '__proto__']) {
      assert.equal(parseWebviewMessage({ type: 'runAction', action }), undefined, action);
    }
  });

  it('refuses non-objects, arrays and null', () => {
    for (const value of [null, undefined, 'ready', '{"type":"ready"}', 42, true, [], [{ type: 'ready' }], () => ({ type: 'ready' })]) {
      assert.equal(parseWebviewMessage(value), undefined, String(value));
    }
  });

  it('does not pass through anything but the known fields', () => {
    const parsed = parseWebviewMessage(JSON.parse('{"type":"send","text":"hi"}'));
    assert.deepEqual(Object.keys(parsed ?? {}).sort(), ['text', 'type']);
    const polluted = JSON.parse('{"type":"ready","__proto__":{"admin":true}}') as unknown;
    assert.equal(parseWebviewMessage(polluted), undefined);
  });
});

describe('links from replies', () => {
  it('opens only web and mail links', () => {
    for (const href of ['https://example.com/a?b=c', 'http://localhost:8080/', 'mailto:someone@example.com']) {
      assert.equal(isOpenableLink(href), true, href);
    }
    for (const href of [
      'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D',
      'vscode://publisher.extension/path',
      'vscode-insiders://x',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'file:///etc/passwd',
      'data:text/html;base64,PHNjcmlwdD4=',
      'vbscript:msgbox',
      '/relative/path',
      'not a url',
      `https://example.com/${'a'.repeat(9000)}`,
    ]) {
      assert.equal(isOpenableLink(href), false, href);
    }
  });

  it('accepts an openLink message only with a string href', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openLink', href: 'https://example.com' }), { type: 'openLink', href: 'https://example.com' });
    assert.equal(parseWebviewMessage({ type: 'openLink' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openLink', href: 42 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openLink', href: 'https://x', extra: 1 }), undefined);
  });
});
