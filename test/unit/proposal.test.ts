import { strict as assert } from 'node:assert';
import { Proposal, type Presentation } from '../../src/core/proposal';
import {
  followLeftovers,
  leftoversOf,
  minimalEdit,
  TrackedRegion,
  type TextChange,
} from '../../src/core/trackedRegion';
import { AFTER, BEFORE, ORIGINAL, PROPOSED } from './proposalFixture';

/**
 * A document as a string, with a proposal's region in it, driven the way the controller drives VS Code: every write
 * is the minimal edit from what the region shows to what it should show, and is reported back as a change event.
 */
class FakeDocument {
  text: string;
  readonly region: TrackedRegion;
  shown: string;

  constructor(
    readonly proposal: Proposal,
    readonly presentation: Presentation,
  ) {
    this.text = BEFORE + proposal.originalText + AFTER;
    this.region = new TrackedRegion(BEFORE.length, proposal.originalText.length);
    this.shown = proposal.originalText;
  }

  /** Writes what the region should hold now (one change, only what differs). */
  sync(next = this.proposal.regionContent(this.presentation).text): void {
    const edit = minimalEdit(this.shown, next);
    if (!edit) return;
    const change = { offset: this.region.start + edit.from, length: edit.to - edit.from, text: edit.text };
    this.region.expect(change);
    this.apply([change]);
    this.shown = next;
  }

  /** The user's (or the controller's) changes of one event, offsets before the event. */
  apply(changes: TextChange[]) {
    for (const change of [...changes].sort((a, b) => b.offset - a.offset))
      this.text = this.text.slice(0, change.offset) + change.text + this.text.slice(change.offset + change.length);
    return this.region.apply(changes);
  }

  get regionText(): string {
    return this.text.slice(this.region.start, this.region.end);
  }
}

function streamed(proposal: Proposal, reply: string): void {
  assert.equal(proposal.stream(reply), true);
}

describe('Proposal: one state machine for both review modes', () => {
  it('streams, then reviews its hunks, then settles with the decided text', () => {
    const proposal = new Proposal('alpha\nbeta\ngamma\ndelta\nepsilon', '\n');
    assert.equal(proposal.phase, 'streaming');
    streamed(proposal, 'Here:\n```\nALPHA\nbeta\n');
    assert.deepEqual(proposal.streamedLines(), ['ALPHA', 'beta', '']);
    assert.equal(proposal.review('ALPHA\nbeta\ngamma\nDELTA\nepsilon'), 2);
    assert.equal(proposal.phase, 'reviewing');
    assert.equal(proposal.stream('more'), false, 'a proposal under review no longer streams');
    assert.equal(proposal.pendingCount, 2);
    assert.equal(proposal.decide(0, 'accepted'), true);
    assert.equal(proposal.decide(0, 'rejected'), false, 'a decided hunk stays decided');
    assert.equal(proposal.decided, false);
    assert.equal(proposal.decide(1, 'rejected'), true);
    assert.equal(proposal.decided, true);
    assert.equal(proposal.finalText(), 'ALPHA\nbeta\ngamma\ndelta\nepsilon');
    proposal.settle('accepted');
    proposal.settle('stopped');
    assert.equal(proposal.phase, 'settled');
    assert.equal(proposal.outcome, 'accepted', 'the first outcome counts');
    assert.equal(proposal.decide(1, 'accepted'), false);
    assert.equal(proposal.snapshot(), undefined, 'nothing is kept of a settled proposal');
  });

  it('a reply that changes nothing has no hunk to review (the proposal keeps streaming until settled)', () => {
    const proposal = new Proposal('a\nb', '\n');
    assert.equal(proposal.review('a\nb'), 0);
    assert.equal(proposal.phase, 'streaming');
    proposal.settle('rejected');
    assert.equal(proposal.finalText(), 'a\nb');
  });

  it('in place: streamed lines follow the original lines, marked; in review the pending hunks show both sides', () => {
    const proposal = new Proposal('a\r\nb', '\r\n');
    assert.deepEqual(proposal.regionContent('inPlace'), {
      text: 'a\r\nb',
      lines: ['a', 'b'],
      removed: [0, 1],
      added: [],
      hunkStarts: [],
    });
    streamed(proposal, '```\nA\n');
    const streaming = proposal.regionContent('inPlace');
    assert.equal(streaming.text, 'a\r\nb\r\nA\r\n');
    assert.deepEqual(
      [streaming.removed, streaming.added],
      [
        [0, 1],
        [2, 3],
      ],
    );
    proposal.review('A\nb');
    const review = proposal.regionContent('inPlace');
    assert.deepEqual(review.lines, ['a', 'A', 'b']);
    assert.deepEqual([review.removed, review.added, review.hunkStarts], [[0], [1], [0]]);
  });

  it('beside: the region holds only what is decided; the proposal shows the code so far, then the pending hunks', () => {
    const proposal = new Proposal('a\nb\nc', '\n');
    assert.deepEqual(proposal.besideView().lines, ['a', 'b', 'c'], 'the original before the first streamed line');
    streamed(proposal, '```\nA\nb');
    assert.equal(proposal.regionContent('beside').text, 'a\nb\nc', 'nothing is written while it streams');
    assert.deepEqual(proposal.besideView().lines, ['A', 'b']);
    proposal.review('A\nb\nC');
    assert.deepEqual(proposal.besideView(), { lines: ['A', 'b', 'C'], hunkStarts: [0, 2] });
    proposal.decide(1, 'accepted');
    assert.equal(proposal.regionContent('beside').text, 'a\nb\nC');
    assert.deepEqual(proposal.besideView().hunkStarts, [0, -1]);
    assert.deepEqual(proposal.proposedLines(), ['A', 'b', 'C'], 'the diff of Show Diff: every pending hunk accepted');
  });

  it('the hunk at a line is the nearest pending one at or above it, else the first pending one', () => {
    const proposal = new Proposal('a\nb\nc\nd', '\n');
    proposal.review('A\nb\nc\nD');
    const starts = proposal.regionContent('inPlace').hunkStarts;
    assert.deepEqual(starts, [0, 4]);
    assert.equal(proposal.hunkAt(3, starts), 0);
    assert.equal(proposal.hunkAt(5, starts), 1);
    proposal.decide(1, 'rejected');
    assert.equal(proposal.hunkAt(5, proposal.regionContent('inPlace').hunkStarts), 0);
  });

  it('a snapshot restores the review as it was; anything else from storage restores nothing', () => {
    const proposal = new Proposal('a\nb\nc', '\n');
    proposal.review('A\nb\nC');
    proposal.decide(0, 'accepted');
    const restored = Proposal.restore(JSON.parse(JSON.stringify(proposal.snapshot())));
    assert.ok(restored);
    assert.equal(restored.phase, 'reviewing');
    assert.deepEqual(restored.decisions, ['accepted', 'pending']);
    assert.equal(restored.regionContent('inPlace').text, proposal.regionContent('inPlace').text);
    const snapshot = JSON.parse(JSON.stringify(proposal.snapshot())) as Record<string, unknown>;
    for (const broken of [
      null,
      'text',
      { ...snapshot, eol: '\r' },
      { ...snapshot, decisions: ['accepted', 'accepted'] },
      { ...snapshot, decisions: ['pending'] },
      { ...snapshot, hunks: [{ origStart: 0, origEnd: 9, newStart: 0, newEnd: 1 }, snapshot.hunks] },
      {
        ...snapshot,
        hunks: [
          { origStart: 2, origEnd: 3, newStart: 2, newEnd: 3 },
          { origStart: 0, origEnd: 1, newStart: 0, newEnd: 1 },
        ],
      },
      { ...snapshot, proposal: [1, 2, 3] },
    ]) {
      assert.equal(Proposal.restore(broken), undefined, JSON.stringify(broken));
    }
    const streaming = Proposal.restore(new Proposal('x', '\n').snapshot());
    assert.equal(streaming?.phase, 'streaming');
  });
});

describe('TrackedRegion: a proposal followed through the document changes', () => {
  const change = (offset: number, length: number, text: string): TextChange => ({ offset, length, text });

  it('its own writes resize it; edits before move it, edits after leave it', () => {
    const region = new TrackedRegion(10, 5);
    const own = change(12, 2, 'abcd');
    region.expect(own);
    assert.deepEqual(region.apply([own]), { inside: [], before: false, after: false });
    assert.equal(region.length, 7);
    assert.deepEqual(region.apply([change(0, 0, 'xyz')]), { inside: [], before: true, after: false });
    assert.equal(region.start, 13);
    assert.deepEqual(region.apply([change(30, 1, '')]), { inside: [], before: false, after: true });
    assert.deepEqual([region.start, region.length], [13, 7]);
    assert.deepEqual(region.apply([change(5, 8, '')]).before, true, 'a deletion that ends at the start moves it');
    assert.equal(region.start, 5);
  });

  it('[B7-47] a user edit inside it, or at either end, is a conflict: the proposal no longer fits', () => {
    for (const edit of [
      change(12, 0, 'x'),
      change(10, 0, 'x'),
      change(15, 0, 'x'),
      change(8, 4, ''),
      change(14, 3, 'y'),
    ]) {
      const region = new TrackedRegion(10, 5);
      assert.deepEqual(region.apply([edit]).inside, [edit], JSON.stringify(edit));
    }
    const region = new TrackedRegion(10, 5);
    const refused = change(10, 5, 'mine');
    region.expect(refused);
    region.forget(refused);
    assert.equal(region.apply([refused]).inside.length, 1, 'a write that was refused is not recognised later');
  });

  it('follows the changes of one event from the end, so that each offset is still valid', () => {
    const region = new TrackedRegion(10, 5);
    // Two cursors: one types before the region, one after it.
    region.apply([change(2, 0, 'ab'), change(20, 0, 'cd')]);
    assert.deepEqual([region.start, region.length], [12, 5]);
  });

  it('minimalEdit keeps what the texts share at both ends', () => {
    assert.equal(minimalEdit('same', 'same'), undefined);
    assert.deepEqual(minimalEdit('abc', 'abcdef'), { from: 3, to: 3, text: 'def' });
    assert.deepEqual(minimalEdit('a-b-c', 'a-X-c'), { from: 2, to: 3, text: 'X' });
    assert.deepEqual(minimalEdit('abc', ''), { from: 0, to: 3, text: '' });
  });
});

describe('Proposed lines left after a user edit', () => {
  it('are the marked-added runs: each with one line break, the last one with the break before it', () => {
    const lines = ['a', 'A', 'b', 'c', 'C'];
    const leftovers = leftoversOf(100, lines, [1, 4], '\n');
    assert.deepEqual(leftovers, [
      { start: 102, end: 104, contentStart: 102, contentEnd: 103 },
      { start: 107, end: 109, contentStart: 108, contentEnd: 109 },
    ]);
  });

  it('move with the changes before them, stay with those after, and are the user`s once a change touches them', () => {
    const leftovers = leftoversOf(0, ['a', 'A', 'b'], [1], '\n');
    assert.deepEqual(followLeftovers(leftovers, [{ offset: 0, length: 0, text: 'xy' }]), [
      { start: 4, end: 6, contentStart: 4, contentEnd: 5 },
    ]);
    assert.deepEqual(followLeftovers(leftovers, [{ offset: 4, length: 0, text: 'z' }]), leftovers);
    assert.equal(followLeftovers(leftovers, [{ offset: 2, length: 0, text: 'z' }]), undefined);
    assert.equal(followLeftovers(leftovers, [{ offset: 3, length: 1, text: '' }]), undefined);
  });
});

describe('Both modes driven through a document', () => {
  it('in place: the stream is written only where it changed, the review in one edit, Accept as the final text', () => {
    const proposal = new Proposal(ORIGINAL, '\n');
    const document = new FakeDocument(proposal, 'inPlace');
    streamed(proposal, '```js\n  let total = 0;\n');
    document.sync();
    assert.equal(document.regionText, `${ORIGINAL}\n  let total = 0;\n`);
    streamed(proposal, `\`\`\`js\n${PROPOSED}\n\`\`\``);
    document.sync();
    proposal.review(PROPOSED);
    document.sync();
    assert.equal(document.regionText, proposal.regionContent('inPlace').text);
    proposal.decideAll('accepted');
    document.sync(proposal.originalText);
    document.sync(proposal.finalText());
    assert.equal(document.text, BEFORE + PROPOSED + AFTER);
  });

  it('[B7-47] in place: typing in an original line while it streams keeps the typing and drops the streamed lines', () => {
    const proposal = new Proposal(ORIGINAL, '\n');
    const document = new FakeDocument(proposal, 'inPlace');
    streamed(proposal, '```js\n  let total = 0;\n');
    document.sync();
    const shown = proposal.regionContent('inPlace');
    const start = document.region.start;
    const typing = { offset: start + ORIGINAL.indexOf('for'), length: 0, text: '/* typed */ ' };
    assert.equal(document.apply([typing]).inside.length, 1);
    const leftovers = followLeftovers(leftoversOf(start, shown.lines, shown.added, '\n'), [typing]);
    assert.ok(leftovers);
    document.apply(leftovers.map((left) => ({ offset: left.start, length: left.end - left.start, text: '' })));
    assert.equal(document.text, BEFORE + ORIGINAL.replace('for (', '/* typed */ for (') + AFTER);
  });

  it('beside: the document holds the accepted hunks only, each as it is accepted', () => {
    const proposal = new Proposal('alpha\nbeta\ngamma\ndelta', '\n');
    const document = new FakeDocument(proposal, 'beside');
    streamed(proposal, '```\nALPHA\n');
    document.sync();
    assert.equal(document.regionText, 'alpha\nbeta\ngamma\ndelta', 'untouched while it streams');
    proposal.review('ALPHA\nbeta\ngamma\nDELTA');
    proposal.decide(1, 'accepted');
    document.sync();
    assert.equal(document.regionText, 'alpha\nbeta\ngamma\nDELTA');
    proposal.decide(0, 'rejected');
    assert.equal(proposal.finalText(), document.regionText, 'at the end nothing is left to write');
  });
});
