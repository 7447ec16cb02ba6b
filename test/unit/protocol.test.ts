import { strict as assert } from 'node:assert';
import { isOpenableLink, MAX_PROMPT_LENGTH, parseWebviewMessage } from '../../src/shared/protocol';

describe('parseWebviewMessage (what the panel may ask the host)', () => {
  it('accepts each valid shape and returns a clean copy', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'stop' }), { type: 'stop' });
    assert.deepEqual(parseWebviewMessage({ type: 'newChat' }), { type: 'newChat' });
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 1, text: 'Hello' }), {
      type: 'send',
      requestId: 1,
      text: 'Hello',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 1, text: '  padded  ' }), {
      type: 'send',
      requestId: 1,
      text: '  padded  ',
    });
    for (const action of ['setApiKey', 'openSettings', 'retry', 'showLog']) {
      assert.deepEqual(parseWebviewMessage({ type: 'runAction', action }), { type: 'runAction', action });
    }
  });

  it('accepts text up to the limit, and refuses one character more', () => {
    assert.ok(parseWebviewMessage({ type: 'send', requestId: 1, text: 'x'.repeat(MAX_PROMPT_LENGTH) }));
    assert.equal(
      parseWebviewMessage({ type: 'send', requestId: 1, text: 'x'.repeat(MAX_PROMPT_LENGTH + 1) }),
      undefined,
    );
  });

  it('[D11c] takes a send only with its request id (a positive integer), which the host answers with', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 2 ** 40, text: 'hi' }), {
      type: 'send',
      requestId: 2 ** 40,
      text: 'hi',
    });
    for (const requestId of [undefined, 0, -1, 1.5, '1', null, Number.NaN, Infinity, 2 ** 53, [1]]) {
      assert.equal(parseWebviewMessage({ type: 'send', requestId, text: 'hi' }), undefined, String(requestId));
    }
    assert.equal(parseWebviewMessage({ type: 'send', text: 'hi' }), undefined, 'a send without a request id');
  });

  it('refuses empty or whitespace-only text', () => {
    for (const text of ['', ' ', '\n\t  \r\n', '\u00a0']) {
      assert.equal(parseWebviewMessage({ type: 'send', requestId: 1, text }), undefined, JSON.stringify(text));
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
    assert.equal(parseWebviewMessage({ type: 'send', requestId: 1, text: 'hi', model: 'gpt-4' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', requestId: 1, text: 'hi', action: 'retry' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'runAction', action: 'retry', url: 'https://x' }), undefined);
  });

  it('refuses wrong types and missing fields', () => {
    for (const message of [
      { type: 'send' },
      { type: 'send', requestId: 1, text: 42 },
      { type: 'send', requestId: 1, text: ['hi'] },
      { type: 'send', requestId: 1, text: { toString: () => 'hi' } },
      { type: 'send', requestId: 1, text: null },
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
    for (const value of [
      null,
      undefined,
      'ready',
      '{"type":"ready"}',
      42,
      true,
      [],
      [{ type: 'ready' }],
      () => ({ type: 'ready' }),
    ]) {
      assert.equal(parseWebviewMessage(value), undefined, String(value));
    }
  });

  it('does not pass through anything but the known fields', () => {
    const parsed = parseWebviewMessage(JSON.parse('{"type":"send","requestId":7,"text":"hi"}'));
    assert.deepEqual(Object.keys(parsed ?? {}).sort(), ['requestId', 'text', 'type']);
    const polluted = JSON.parse('{"type":"ready","__proto__":{"admin":true}}') as unknown;
    assert.equal(parseWebviewMessage(polluted), undefined);
  });
});

describe('links from replies', () => {
  it('[B7-3][B7-4] opens only web and mail links', () => {
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
    assert.deepEqual(parseWebviewMessage({ type: 'openLink', href: 'https://example.com' }), {
      type: 'openLink',
      href: 'https://example.com',
    });
    assert.equal(parseWebviewMessage({ type: 'openLink' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openLink', href: 42 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openLink', href: 'https://x', extra: 1 }), undefined);
  });
});

describe('parseWebviewMessage: message actions, code blocks and images', () => {
  const png = `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\nrest').toString('base64')}`;
  const image = { url: png, detail: 'auto', width: 40, height: 30 };

  it('accepts per-message actions with an id, and refuses unknown actions or ids', () => {
    for (const action of ['copy', 'regenerate', 'delete', 'continue']) {
      assert.deepEqual(parseWebviewMessage({ type: 'messageAction', action, messageId: 'a-1' }), {
        type: 'messageAction',
        action,
        messageId: 'a-1',
      });
    }
    assert.equal(parseWebviewMessage({ type: 'messageAction', action: 'deleteAll', messageId: 'a-1' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'messageAction', action: 'copy' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'messageAction', action: 'copy', messageId: '' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'messageAction', action: 'copy', messageId: 'x'.repeat(201) }), undefined);
  });

  it('accepts an edit with non-empty text only', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'editMessage', messageId: 'u-1', text: 'again' }), {
      type: 'editMessage',
      messageId: 'u-1',
      text: 'again',
    });
    assert.equal(parseWebviewMessage({ type: 'editMessage', messageId: 'u-1', text: '  ' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'editMessage', messageId: 'u-1' }), undefined);
  });

  it('accepts code-block actions with a plain language id', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'codeAction', action: 'insert', code: 'x = 1', language: 'python' }), {
      type: 'codeAction',
      action: 'insert',
      code: 'x = 1',
      language: 'python',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'codeAction', action: 'apply', code: '' }), {
      type: 'codeAction',
      action: 'apply',
      code: '',
    });
    assert.equal(parseWebviewMessage({ type: 'codeAction', action: 'run', code: 'x' }), undefined);
    assert.equal(
      parseWebviewMessage({ type: 'codeAction', action: 'newEditor', code: 'x', language: '../../etc' }),
      undefined,
    );
    assert.equal(
      parseWebviewMessage({ type: 'codeAction', action: 'newEditor', code: 'x', language: 'a b' }),
      undefined,
    );
  });

  it('[B7-48] accepts images of the four types the API takes, and refuses SVG and anything not base64', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', requestId: 1, text: 'look', images: [image] }), {
      type: 'send',
      requestId: 1,
      text: 'look',
      images: [image],
    });
    // Images alone are a message.
    assert.ok(parseWebviewMessage({ type: 'send', requestId: 1, text: '', images: [image] }));
    for (const mime of ['jpeg', 'gif', 'webp'])
      assert.ok(
        parseWebviewMessage({
          type: 'send',
          requestId: 1,
          text: 'x',
          images: [{ ...image, url: png.replace('png', mime) }],
        }),
        mime,
      );
    for (const url of [
      'data:image/svg+xml;base64,PHN2Zz4=',
      'data:text/html;base64,PHNjcmlwdD4=',
      'data:image/png,<svg>',
      'https://example.com/a.png',
      `${png}"onerror="x`,
    ]) {
      assert.equal(
        parseWebviewMessage({ type: 'send', requestId: 1, text: 'x', images: [{ ...image, url }] }),
        undefined,
        url,
      );
    }
  });

  it('refuses images with bad sizes or detail, too many of them, and an empty message', () => {
    for (const bad of [
      { width: 0 },
      { height: -1 },
      { width: 1.5 },
      { width: 20_000 },
      { detail: 'ultra' },
      { extra: 1 },
      { name: 7 },
    ]) {
      assert.equal(
        parseWebviewMessage({ type: 'send', requestId: 1, text: 'x', images: [{ ...image, ...bad }] }),
        undefined,
        JSON.stringify(bad),
      );
    }
    assert.equal(
      parseWebviewMessage({ type: 'send', requestId: 1, text: 'x', images: Array.from({ length: 11 }, () => image) }),
      undefined,
    );
    assert.equal(parseWebviewMessage({ type: 'send', requestId: 1, text: ' ', images: [] }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', requestId: 1, text: 'x', images: 'all' }), undefined);
  });

  it('accepts attach requests and dropped URIs', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'attach', source: 'file' }), { type: 'attach', source: 'file' });
    assert.deepEqual(parseWebviewMessage({ type: 'attach', source: 'screenshot' }), {
      type: 'attach',
      source: 'screenshot',
    });
    assert.equal(parseWebviewMessage({ type: 'attach', source: 'camera' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'attachUris', uris: ['file:///a.png'] }), {
      type: 'attachUris',
      uris: ['file:///a.png'],
    });
    assert.equal(parseWebviewMessage({ type: 'attachUris', uris: [] }), undefined);
    assert.equal(parseWebviewMessage({ type: 'attachUris', uris: [1] }), undefined);
    assert.equal(
      parseWebviewMessage({ type: 'attachUris', uris: Array.from({ length: 21 }, () => 'file:///a.png') }),
      undefined,
    );
  });
});
