import { strict as assert } from 'node:assert';
import { MAX_PIECE_LENGTH, SentenceChunker, spoken } from '../../src/webview/liveAnnouncer';

describe('SentenceChunker (what the live region announces of a streamed reply)', () => {
  it('hands back each sentence once it is complete, however the deltas cut it', () => {
    const text = 'Paris is the capital. It is large! Is it old? Yes.\nNext line';
    const expected = ['Paris is the capital.', 'It is large!', 'Is it old?', 'Yes.'];
    for (const size of [1, 3, 7, text.length]) {
      const chunker = new SentenceChunker();
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(...chunker.push(text.slice(i, i + size)));
      assert.deepEqual(pieces, expected, `deltas of ${size}`);
      assert.equal(chunker.flush(), 'Next line');
      assert.equal(chunker.flush(), '');
    }
  });

  it('does not cut inside a number or an abbreviation without a space', () => {
    const chunker = new SentenceChunker();
    assert.deepEqual(chunker.push('Pi is 3.14 and e.g.x stays'), []);
    assert.deepEqual(chunker.push('. Done'), ['Pi is 3.14 and e.g.x stays.']);
  });

  it('ends sentences at CJK full stops and marks, which no space follows', () => {
    const chunker = new SentenceChunker();
    assert.deepEqual(chunker.push('東京です。大きい！本当？は'), ['東京です。', '大きい！', '本当？']);
    assert.equal(chunker.flush(), 'は');
  });

  it('cuts a long run without a sentence end into pieces of at most ~200 characters, at a space', () => {
    const chunker = new SentenceChunker();
    const words = Array.from({ length: 120 }, (_, index) => `word${index}`).join(' ');
    const pieces = chunker.push(words);
    assert.ok(pieces.length >= 3);
    for (const piece of pieces) assert.ok(piece.length <= MAX_PIECE_LENGTH, piece);
    assert.equal([...pieces, chunker.flush()].join(' '), words);
    const noSpaces = new SentenceChunker().push('x'.repeat(450));
    assert.deepEqual(
      noSpaces.map((piece) => piece.length),
      [200, 200],
    );
  });

  it('leaves out markdown markers and blank pieces', () => {
    assert.equal(spoken('## Use **`map`** here'), 'Use map here');
    const chunker = new SentenceChunker();
    assert.deepEqual(chunker.push('```\n\n'), []);
  });
});
