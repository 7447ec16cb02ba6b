import { strict as assert } from 'node:assert';
import { Proposal, type Presentation } from '../../src/core/proposal';
import {
  fixRegion,
  isRegionFix,
  isReviewRecord,
  locateRegion,
  planRecovery,
  textHash,
  type ReviewRecord,
} from '../../src/core/reviewRecord';
import { AFTER, BEFORE, ORIGINAL, PROPOSED } from './proposalFixture';

describe('After a reload or a crash: the review comes back, or the original lines do', () => {
  function reviewing(presentation: Presentation = 'inPlace'): { record: ReviewRecord; shown: string } {
    const proposal = new Proposal(ORIGINAL, '\n');
    proposal.review(PROPOSED);
    const snapshot = proposal.snapshot();
    assert.ok(snapshot);
    return { record: { presentation, proposal: snapshot }, shown: proposal.regionContent(presentation).text };
  }

  it('[D7] finds the region by the unchanged text around it', () => {
    const text = BEFORE + 'whatever the region holds' + AFTER;
    const fix = fixRegion(text, BEFORE.length, 'whatever the region holds'.length);
    assert.ok(isRegionFix(JSON.parse(JSON.stringify(fix))));
    assert.deepEqual(locateRegion(BEFORE + 'something else, longer' + AFTER, fix), {
      start: BEFORE.length,
      end: BEFORE.length + 'something else, longer'.length,
    });
    assert.equal(locateRegion('// new line\n' + text, fix), undefined);
    assert.equal(locateRegion(text + 'more', fix), undefined);
    assert.equal(locateRegion('', fix), undefined);
  });

  it('[D7] a review left in place comes back when the region shows it exactly', () => {
    const { record, shown } = reviewing();
    assert.ok(isReviewRecord(JSON.parse(JSON.stringify(record))));
    const text = BEFORE + shown + AFTER;
    const plan = planRecovery(text, record, fixRegion(text, BEFORE.length, shown.length));
    assert.equal(plan.kind, 'review');
    assert.deepEqual(plan.kind === 'review' && [plan.start, plan.end], [BEFORE.length, BEFORE.length + shown.length]);
    assert.equal(plan.kind === 'review' && plan.proposal.pendingCount, 1);
  });

  it('[D7] a stream cut off in the middle gives the original lines back', () => {
    const proposal = new Proposal(ORIGINAL, '\n');
    const snapshot = proposal.snapshot();
    assert.ok(snapshot);
    const record: ReviewRecord = { presentation: 'inPlace', proposal: snapshot };
    const fix = fixRegion(BEFORE + ORIGINAL + AFTER, BEFORE.length, ORIGINAL.length);
    const mixed = BEFORE + ORIGINAL + '\n  let total = 0;\n  for (const it' + AFTER;
    assert.deepEqual(planRecovery(mixed, record, fix), {
      kind: 'restore',
      original: ORIGINAL,
      start: BEFORE.length,
      end: mixed.length - AFTER.length,
    });
    assert.deepEqual(
      planRecovery(BEFORE + ORIGINAL + AFTER, record, fix),
      { kind: 'clean' },
      'nothing was written yet',
    );
  });

  it('[D7] a review whose display does not match (a decision not kept in time) gives the original lines back', () => {
    const { record, shown } = reviewing();
    const stale = shown.replace('  let sum = 0;\n', '');
    const text = BEFORE + stale + AFTER;
    assert.equal(planRecovery(text, record, fixRegion(text, BEFORE.length, stale.length)).kind, 'restore');
  });

  it('[D7] when the text around moved on, a review is found by its text; a stream is reported lost', () => {
    const { record, shown } = reviewing();
    const fix = fixRegion(BEFORE + shown + AFTER, BEFORE.length, shown.length);
    const edited = '// typed\n' + BEFORE + shown + AFTER;
    const plan = planRecovery(edited, record, fix);
    assert.deepEqual(plan.kind === 'review' && plan.start, '// typed\n'.length + BEFORE.length);
    const streaming = new Proposal(ORIGINAL, '\n').snapshot();
    assert.ok(streaming);
    assert.deepEqual(planRecovery(edited, { presentation: 'inPlace', proposal: streaming }, fix), {
      kind: 'lost',
      original: ORIGINAL,
    });
  });

  it('[D7] beside, the document only ever held decided text: it is never rewritten', () => {
    const { record } = reviewing('beside');
    const text = BEFORE + 'the user decided this' + AFTER;
    const fix = fixRegion(text, BEFORE.length, 'the user decided this'.length);
    assert.deepEqual(planRecovery(text, record, fix), { kind: 'clean' });
    assert.deepEqual(planRecovery('unrelated', record, fix), { kind: 'clean' });
    const back = BEFORE + ORIGINAL + AFTER;
    assert.equal(planRecovery(back, record, fixRegion(back, BEFORE.length, ORIGINAL.length)).kind, 'review');
  });

  it('[D7] a record that is not one (from an older or a broken state) is ignored', () => {
    assert.equal(isReviewRecord({ presentation: 'inPlace' }), false);
    assert.equal(isReviewRecord({ presentation: 'elsewhere', proposal: new Proposal('a', '\n').snapshot() }), false);
    assert.equal(isRegionFix({ start: -1, prefixHash: '', suffixLength: 0, suffixHash: '' }), false);
    assert.equal(textHash('abc'), textHash('abc'));
    assert.notEqual(textHash('abc'), textHash('abd'));
    assert.equal(textHash('').length, 14);
  });
});
