import { strict as assert } from 'node:assert';
import { ThinkTagSplitter, type ContentSegment } from '../../src/core/thinkTagSplitter';

/** Runs content deltas through a splitter and joins adjacent segments of the same kind. */
function split(pieces: readonly string[]): ContentSegment[] {
  const splitter = new ThinkTagSplitter();
  const segments = [...pieces.flatMap((piece) => splitter.push(piece)), ...splitter.end()];
  const merged: ContentSegment[] = [];
  for (const segment of segments) {
    assert.ok(segment.text.length > 0, 'no empty segments');
    const last = merged[merged.length - 1];
    if (last?.kind === segment.kind) merged[merged.length - 1] = { kind: last.kind, text: last.text + segment.text };
    else merged.push(segment);
  }
  return merged;
}

const text = (value: string): ContentSegment => ({ kind: 'text', text: value });
const reasoning = (value: string): ContentSegment => ({ kind: 'reasoning', text: value });

const CASES: readonly (readonly [string, string, readonly ContentSegment[]])[] = [
  ['a reply without tags', 'Hello, world', [text('Hello, world')]],
  ['leading and trailing whitespace of a reply without a block', '\n  Hello \n', [text('\n  Hello \n')]],
  ['a block at the start', '<think>\nplan it\n</think>\n\nAnswer', [reasoning('plan it'), text('Answer')]],
  ['a block after leading whitespace', ' \n<think>plan</think>Answer', [reasoning('plan'), text('Answer')]],
  ['<thinking> tags', '<thinking>p</thinking>\nA', [reasoning('p'), text('A')]],
  ['a tag after the text began', 'Use the <think> tag.</think>', [text('Use the <think> tag.</think>')]],
  ['a block that never closes (cut by max tokens)', '<think>open ended  ', [reasoning('open ended')]],
  ['two blocks in a row', '<think>a</think>\n<think>b</think>c', [reasoning('ab'), text('c')]],
  ['other markup at the start', '<b>bold</b> text', [text('<b>bold</b> text')]],
  ['a lone <', '<', [text('<')]],
  ['an empty block', '<think></think>', []],
  [
    'look-alike tags inside a block',
    '<think>x < y, </thinker> </th </think>z',
    [reasoning('x < y, </thinker> </th'), text('z')],
  ],
  ['blank lines inside reasoning', '<think>a\n\nb</think>\n', [reasoning('a\n\nb')]],
  ['a space inside the tag', '< think>x', [text('< think>x')]],
  ['upper case', '<THINK>x</THINK>', [text('<THINK>x</THINK>')]],
  ['a closing tag in the answer', '<think>a</think>b</think>c', [reasoning('a'), text('b</think>c')]],
  ['multi-byte text', '<think>考え中…🤔</think>答え：４', [reasoning('考え中…🤔'), text('答え：４')]],
];

describe('ThinkTagSplitter', () => {
  for (const [title, input, expected] of CASES) {
    describe(title, () => {
      it('splits the whole content as expected', () => {
        assert.deepEqual(split([input]), expected);
      });

      it('gives the same result with the content cut anywhere, once or twice, or into single characters', () => {
        const chars = [...input];
        for (let a = 0; a <= chars.length; a++) {
          for (let b = a; b <= chars.length; b++) {
            const pieces = [chars.slice(0, a).join(''), chars.slice(a, b).join(''), chars.slice(b).join('')];
            assert.deepEqual(split(pieces), expected, `cut at ${a},${b}`);
          }
        }
        assert.deepEqual(split(chars), expected);
      });
    });
  }

  it('gives text out at once, holding back only what may still be a tag', () => {
    const plain = new ThinkTagSplitter();
    assert.deepEqual(plain.push('Hel'), [text('Hel')]);
    assert.deepEqual(plain.push('lo <think>'), [text('lo <think>')]);

    const thinking = new ThinkTagSplitter();
    assert.deepEqual(thinking.push('<thi'), []);
    assert.deepEqual(thinking.push('nk>Plan'), [reasoning('Plan')]);
    assert.deepEqual(thinking.push(' more </th'), [reasoning(' more')]);
    assert.deepEqual(thinking.push('ink>\n'), []);
    assert.deepEqual(thinking.push('Done'), [text('Done')]);
    assert.deepEqual(thinking.end(), []);
  });
});
