import { strict as assert } from 'node:assert';
import { CASES, idsOfTitle, TAGGED_GREP } from '../hostile/cases';

describe('the hostile-corpus catalogue (npm run test:hostile)', () => {
  it('lists B7 cases 1–48, defects D1–D10 and D11a–d, each once, with an expectation and a tier', () => {
    const expected = [
      ...Array.from({ length: 48 }, (_, index) => `B7-${index + 1}`),
      ...Array.from({ length: 10 }, (_, index) => `D${index + 1}`),
      'D11a',
      'D11b',
      'D11c',
      'D11d',
    ];
    assert.deepEqual(
      CASES.map((entry) => entry.id),
      expected,
    );
    for (const entry of CASES) {
      assert.ok(entry.expected.length > 10 && entry.expected.length <= 100, `${entry.id}: ${entry.expected}`);
      assert.ok(entry.tiers.length > 0, entry.id);
    }
  });

  it('reads the case ids a test title starts with, and nothing else', () => {
    assert.deepEqual(idsOfTitle('[B7-11] a reply image never loads'), ['B7-11']);
    assert.deepEqual(idsOfTitle('[B7-43][D6] a stall'), ['B7-43', 'D6']);
    assert.deepEqual(idsOfTitle('[D11a] bidi'), ['D11a']);
    assert.deepEqual(idsOfTitle('no tag [B7-1] later in the title'), []);
    assert.deepEqual(idsOfTitle('[slow] [B7-1] not a case id first'), []);
    assert.deepEqual(idsOfTitle('[B7-2][note] stops at what is not an id'), ['B7-2']);
  });

  it('selects tagged tests by their full title (describe titles included) with one grep', () => {
    const grep = new RegExp(TAGGED_GREP);
    assert.ok(grep.test('panel in Chromium: security [B7-1] renders…'));
    assert.ok(grep.test('Errors [B7-22][D5] 401…'));
    assert.ok(!grep.test('panel in Chromium: security renders [x] as text'));
    assert.ok(!grep.test('Settings [B7-] nothing'));
  });
});
