import { strict as assert } from 'node:assert';
import { boundedDiffLines, diffLines, splitLines, type HunkDecision } from '../../src/core/lineDiff';
import { capPreview } from '../../src/core/tools/previewText';
import {
  ANSWER_LIMITS,
  changeList,
  proposalRegion,
  reviewAnswer,
  type ReviewedProposal,
} from '../../src/core/tools/proposalOutcome';
import { formatUnifiedDiff } from '../../src/core/tools/unifiedDiff';

/** The review of `before` → `after` as the tool sets it up (the changed lines only), with these decisions. */
function reviewed(
  before: string,
  after: string,
  decide: (hunks: number) => HunkDecision[],
  extra: Partial<ReviewedProposal> = {},
): ReviewedProposal {
  const region = proposalRegion(splitLines(before), splitLines(after));
  assert.ok(region, 'the two texts are equal');
  const lines = splitLines(before);
  const original = lines.slice(region.startLine, region.endLine + 1);
  const hunks = diffLines(original, region.proposed);
  return {
    ...(region.startLine > 0 ? { lineBefore: lines[region.startLine - 1] } : {}),
    ...(region.endLine + 1 < lines.length ? { lineAfter: lines[region.endLine + 1] } : {}),
    kind: 'edit',
    path: 'src/a.ts',
    regionStart: region.startLine,
    original,
    proposed: region.proposed,
    hunks,
    decisions: decide(hunks.length),
    saved: 'saved',
    ...extra,
  };
}

const FILE = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', ''].join('\n');
const EDITED = FILE.replace('two', 'TWO').replace('five', 'FIVE').replace('nine', 'NINE');

describe('the review region of a proposed edit', () => {
  it('covers only the changed lines, from the first to the last', () => {
    assert.deepEqual(proposalRegion(splitLines(FILE), splitLines(EDITED)), {
      startLine: 1,
      endLine: 8,
      proposed: ['TWO', 'three', 'four', 'FIVE', 'six', 'seven', 'eight', 'NINE'],
    });
  });

  it('takes a neighbouring line along for a pure insertion or deletion (a review replaces lines)', () => {
    assert.deepEqual(proposalRegion(['a', 'b'], ['a', 'new', 'b']), {
      startLine: 0,
      endLine: 0,
      proposed: ['a', 'new'],
    });
    assert.deepEqual(proposalRegion(['a', 'b'], ['new', 'a', 'b']), {
      startLine: 0,
      endLine: 0,
      proposed: ['new', 'a'],
    });
    assert.deepEqual(proposalRegion(['a', 'b', 'c'], ['a', 'c']), { startLine: 1, endLine: 1, proposed: [] });
  });

  it('is none when nothing changes', () => {
    assert.equal(proposalRegion(['a', ''], ['a', '']), undefined);
  });
});

describe('what the model reads after the review', () => {
  it('says all changes were accepted, or the one change', () => {
    assert.equal(
      reviewAnswer(reviewed(FILE, EDITED, (n) => Array(n).fill('accepted'))),
      'The user accepted all 3 changes to src/a.ts.',
    );
    assert.equal(
      reviewAnswer(reviewed(FILE, FILE.replace('two', '2'), (n) => Array(n).fill('accepted'))),
      'The user accepted the change to src/a.ts.',
    );
  });

  it('says a rejected edit left the file unchanged; a change still pending counts as rejected', () => {
    const answer = reviewAnswer(reviewed(FILE, EDITED, () => ['rejected', 'pending', 'rejected']));
    assert.equal(answer, 'The user rejected the edit; src/a.ts is unchanged.');
  });

  it('names the rejected changes of a partial accept and shows the changed places as the file holds them now', () => {
    const answer = reviewAnswer(reviewed(FILE, EDITED, () => ['accepted', 'rejected', 'accepted']));
    assert.equal(
      answer,
      [
        'The user accepted 2 of 3 changes to src/a.ts (rejected: change 2).',
        'The changed places of the file now read (line numbers as in the file now):',
        '1: one',
        '2: TWO',
        '3: three',
        '4: four',
        '5: five',
        '6: six',
        '…',
        '8: eight',
        '9: NINE',
        '10: ten',
      ].join('\n'),
    );
  });

  it('numbers the lines as in the file after an accepted change that adds lines', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', ''].join('\n');
    const after = ['a', 'B1', 'B2', 'B3', 'c', 'd', 'e', 'F', 'g', ''].join('\n');
    const answer = reviewAnswer(reviewed(before, after, () => ['accepted', 'rejected']));
    assert.match(answer, /rejected: change 2\)/);
    assert.match(answer, /\n1: a\n2: B1\n3: B2\n4: B3\n5: c\n…\n7: e\n8: f\n9: g$/);
  });

  it('bounds the lines it shows, and says how many more there are', () => {
    const before = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    const after = before
      .split('\n')
      .map((line, i) => (i % 2 === 0 ? `changed ${i}` : line))
      .join('\n');
    const region = reviewed(before, after, (n) =>
      Array.from({ length: n }, (_, i) => (i === 0 ? 'rejected' : 'accepted')),
    );
    const answer = reviewAnswer(region);
    const shown = answer.split('\n').filter((line) => /^\d+: /.test(line));
    assert.equal(shown.length, ANSWER_LIMITS.maxLines);
    assert.match(answer, /\[… \d+ more lines: read the file for the rest\.\]$/);
  });

  it('says when the accepted change is not saved: the editor held the user’s own unsaved changes, or saving failed', () => {
    const kept = reviewAnswer(reviewed(FILE, EDITED, (n) => Array(n).fill('accepted'), { saved: 'userChanges' }));
    assert.match(kept, /^The user accepted all 3 changes to src\/a\.ts\. The file is not saved yet: the editor also /);
    const failed = reviewAnswer(reviewed(FILE, EDITED, (n) => Array(n).fill('accepted'), { saved: 'failed' }));
    assert.match(failed, /^The user accepted all 3 changes to src\/a\.ts\. The file could not be saved/);
  });

  it('words a new file: created with its line count, or not created', () => {
    const file = (decisions: HunkDecision[]): ReviewedProposal => ({
      kind: 'create',
      path: 'src/new.ts',
      regionStart: 0,
      original: [''],
      proposed: ['export const a = 1;', 'export const b = 2;', ''],
      hunks: diffLines([''], ['export const a = 1;', 'export const b = 2;', '']),
      decisions,
      saved: 'saved',
    });
    assert.equal(
      reviewAnswer(file(['accepted'])),
      'The user accepted the new file src/new.ts; it is created (2 lines).',
    );
    assert.equal(reviewAnswer(file(['rejected'])), 'The user rejected the new file; src/new.ts was not created.');
  });

  it('lists rejected changes in plain words', () => {
    assert.equal(changeList([2]), 'change 2');
    assert.equal(changeList([1, 3]), 'changes 1 and 3');
    assert.equal(changeList([1, 3, 4]), 'changes 1, 3 and 4');
  });
});

describe('the preview of a proposed edit on the approval card', () => {
  it('is a unified diff with three lines of context, nearby changes in one hunk', () => {
    assert.deepEqual(formatUnifiedDiff('src/a.ts', FILE, FILE.replace('two', 'TWO').replace('four', 'FOUR')), [
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,7 +1,7 @@',
      ' one',
      '-two',
      '+TWO',
      ' three',
      '-four',
      '+FOUR',
      ' five',
      ' six',
      ' seven',
    ]);
  });

  it('splits changes far apart into hunks with their own line numbers, insertions and deletions counted', () => {
    const before = Array.from({ length: 30 }, (_, i) => `${i + 1}`).join('\n');
    const after = before.replace('2\n', '2\nnew\n').replace('\n25\n', '\n');
    assert.deepEqual(formatUnifiedDiff('f', before, after), [
      '--- a/f',
      '+++ b/f',
      '@@ -1,5 +1,6 @@',
      ' 1',
      ' 2',
      '+new',
      ' 3',
      ' 4',
      ' 5',
      '@@ -22,7 +23,6 @@',
      ' 22',
      ' 23',
      ' 24',
      '-25',
      ' 26',
      ' 27',
      ' 28',
    ]);
  });

  it('stays small for two small edits far apart in a long file (the exact diff is bounded by edits, not length)', () => {
    const before = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10\n', 'line ten\n').replace('line 40000\n', 'line forty thousand\n');
    const diff = formatUnifiedDiff('f', before, after);
    assert.deepEqual(
      diff.filter((line) => line.startsWith('@@')),
      ['@@ -8,7 +8,7 @@', '@@ -39998,7 +39998,7 @@'],
    );
    assert.equal(diff.length, 2 + 2 * 9);
  });

  it('gives up the exact diff past its bound of edits, and diffs exactly within it', () => {
    const a = Array.from({ length: 30 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 30 }, (_, i) => `b${i}`);
    assert.equal(boundedDiffLines(a, b, 59), undefined);
    assert.deepEqual(boundedDiffLines(a, b, 60), [{ origStart: 0, origEnd: 30, newStart: 0, newEnd: 30 }]);
    assert.deepEqual(boundedDiffLines(['x', 'y'], ['x', 'z'], 2), diffLines(['x', 'y'], ['x', 'z']));
  });

  it('is empty when nothing changes, and stays one block for a huge rewrite (no quadratic diff)', () => {
    assert.deepEqual(formatUnifiedDiff('f', 'a\nb\n', 'a\nb\n'), []);
    const before = Array.from({ length: 5000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 5000 }, (_, i) => `new ${i}`).join('\n');
    const diff = formatUnifiedDiff('f', before, after);
    assert.equal(diff[2], '@@ -1,5000 +1,5000 @@');
    assert.equal(diff.length, 2 + 1 + 10_000);
  });

  it('is capped in lines, line length and characters, counting what is left out', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    assert.deepEqual(capPreview(lines, { maxLines: 4, maxChars: 1000, maxLineChars: 100 }), {
      text: 'line 0\nline 1\nline 2\nline 3',
      moreLines: 6,
    });
    assert.deepEqual(capPreview(['x'.repeat(50)], { maxLines: 4, maxChars: 1000, maxLineChars: 10 }), {
      text: `${'x'.repeat(10)}…`,
      moreLines: 0,
    });
    assert.equal(capPreview(lines, { maxLines: 100, maxChars: 20, maxLineChars: 100 }).moreLines, 7);
  });
});
