import { strict as assert } from 'node:assert';
import { cleanApiKey, describeCodePoint, describeKeyCharacter, findKeyCharacter } from '../../src/core/apiKeyText';

const KEY = 'sk-or-v1-0f9e8d7c6b5a49382716aabbccddeeff00112233445566';

describe('API key text', () => {
  it('[D5] removes whitespace and invisible characters pasted around a key, and says which', () => {
    for (const [pasted, removed] of [
      [`${KEY}\u200B`, [0x200b]],
      [`\uFEFF${KEY}`, [0xfeff]],
      [`  ${KEY}\u00A0\n`, [0x20, 0x20, 0xa0, 0x0a]],
      [`\u202A${KEY}\u202C\u200E`, [0x202a, 0x202c, 0x200e]],
      [`${KEY}\u2060\u200D\u{E0041}`, [0x2060, 0x200d, 0xe0041]],
      [`\t${KEY}\r\n`, [0x09, 0x0d, 0x0a]],
      [KEY, []],
    ] as const) {
      const cleaned = cleanApiKey(pasted);
      assert.ok(cleaned.ok, JSON.stringify(pasted));
      assert.equal(cleaned.key, KEY);
      assert.deepEqual(
        cleaned.removed.map((character) => character.codePoint),
        removed,
        JSON.stringify(pasted),
      );
    }
    const trailing = cleanApiKey(`${KEY}\u200B`);
    assert.ok(trailing.ok);
    assert.deepEqual(trailing.removed, [{ codePoint: 0x200b, position: KEY.length + 1 }]);
  });

  it('[D5] takes the key out of a pasted "Bearer …" header value', () => {
    assert.deepEqual(cleanApiKey(`Bearer ${KEY}`), { ok: true, key: KEY, removed: [] });
    assert.deepEqual(cleanApiKey(`bearer\t${KEY} `), {
      ok: true,
      key: KEY,
      removed: [{ codePoint: 0x20, position: 8 + KEY.length }],
    });
  });

  it('[D5] refuses a character that cannot be sent in a header, saying which and where', () => {
    const inside = cleanApiKey(`${KEY.slice(0, 51)}\u200B${KEY.slice(51)}`);
    assert.deepEqual(inside, { ok: false, reason: 'character', character: { codePoint: 0x200b, position: 52 } });
    assert.ok(!inside.ok && inside.reason === 'character');
    assert.equal(describeKeyCharacter(inside.character), 'U+200B (zero width space) at position 52');
    // Positions count characters of the text as pasted, surrounding whitespace included.
    assert.deepEqual(cleanApiKey(`  sk-ab\u00E9cdef`), {
      ok: false,
      reason: 'character',
      character: { codePoint: 0xe9, position: 8 },
    });
    assert.deepEqual(cleanApiKey('sk-abc def'), {
      ok: false,
      reason: 'character',
      character: { codePoint: 0x20, position: 7 },
    });
    assert.deepEqual(cleanApiKey('😀sk-abcdef'), {
      ok: false,
      reason: 'character',
      character: { codePoint: 0x1f600, position: 1 },
    });
    assert.deepEqual(cleanApiKey(`sk-abc\u0000def`), {
      ok: false,
      reason: 'character',
      character: { codePoint: 0, position: 7 },
    });
  });

  it('[D5] refuses an empty key, or one made only of invisible characters', () => {
    for (const text of ['', '   ', '\u200B\uFEFF', '\n', '\u00A0\u2060']) {
      assert.deepEqual(cleanApiKey(text), { ok: false, reason: 'empty' }, JSON.stringify(text));
    }
  });

  it('[D5] finds the first character of a stored key that cannot be sent, nothing removed first', () => {
    assert.equal(findKeyCharacter(KEY), undefined);
    assert.deepEqual(findKeyCharacter(`${KEY}\u200B`), { codePoint: 0x200b, position: KEY.length + 1 });
    assert.deepEqual(findKeyCharacter(`\uFEFF${KEY}`), { codePoint: 0xfeff, position: 1 });
    assert.deepEqual(findKeyCharacter(` ${KEY}`), { codePoint: 0x20, position: 1 });
  });

  it('names characters as Unicode does, and shows unnamed visible ones', () => {
    assert.equal(describeCodePoint(0x200b), 'U+200B (zero width space)');
    assert.equal(describeCodePoint(0xfeff), 'U+FEFF (zero width no-break space, byte order mark)');
    assert.equal(describeCodePoint(0xa0), 'U+00A0 (no-break space)');
    assert.equal(describeCodePoint(0x202e), 'U+202E (right-to-left override)');
    assert.equal(describeCodePoint(0x07), 'U+0007 (control character)');
    assert.equal(describeCodePoint(0xe0041), 'U+E0041 (tag character)');
    assert.equal(describeCodePoint(0xe9), 'U+00E9 "é"');
    assert.equal(describeCodePoint(0x2061), 'U+2061');
  });
});
