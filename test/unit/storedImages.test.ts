import { strict as assert } from 'node:assert';
import { isStoredImageView, parseWebviewMessage } from '../../src/shared/protocol';

const key = `${'0123456789abcdef'.repeat(4)}.png`;

describe('stored images in the panel', () => {
  it('[D9] the panel may ask for a stored image again only by its content key', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'reattachImage', key }), { type: 'reattachImage', key });
    assert.deepEqual(parseWebviewMessage({ type: 'reattachImage', key, name: 'shot.png' }), {
      type: 'reattachImage',
      key,
      name: 'shot.png',
    });
    for (const bad of ['../index.json', `${key}/../../x`, 'a.png', `${'A'.repeat(64)}.png`, `${'a'.repeat(64)}.svg`, 7])
      assert.equal(parseWebviewMessage({ type: 'reattachImage', key: bad }), undefined, String(bad));
    assert.equal(parseWebviewMessage({ type: 'reattachImage', key, extra: 1 }), undefined);
  });

  it('[D9] shows a stored image only from a webview address with its key, never any other kind of URL', () => {
    const url = `https://file+.vscode-resource.vscode-cdn.net/home/u/globalStorage/conversations/images/${key}`;
    assert.equal(isStoredImageView({ url, key }), true);
    assert.equal(isStoredImageView({ url }), false);
    assert.equal(isStoredImageView({ url: 'javascript:alert(1)', key }), false);
    assert.equal(isStoredImageView({ url: 'data:image/svg+xml;base64,PHN2Zy8+', key }), false);
    assert.equal(isStoredImageView({ url, key: 'x.png' }), false);
  });
});
