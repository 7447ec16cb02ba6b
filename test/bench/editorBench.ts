/**
 * The editor part of the benchmark: a 2,000-line replacement streamed into a 2,000-line range, as the inline edit
 * shows it (each display update: the code so far after the opening fence, only what changed rewritten; at the end
 * the diff, the in-place layout and the accepted text), against applying the whole edit once at the end (no display
 * while streaming), and against the review in the diff editor (each update builds the whole proposal document, the
 * file is untouched; at the end the diff, the proposal view and the accepted text). Both reviews run the review
 * controller's own pure code (`core/proposal.ts`, `core/trackedRegion.ts`). Pure: a string stands for the document.
 * Prints total time, the longest single blocking step (goal: under 50 ms) and the ratio, and what keeping the
 * review's journal costs.
 */
import { performance } from 'node:perf_hooks';
import { Proposal } from '../../src/core/proposal';
import { extractReplyCode } from '../../src/core/replyCode';
import { fixRegion } from '../../src/core/reviewRecord';
import { minimalEdit } from '../../src/core/trackedRegion';
import { collectGarbage, fixed, median, seededRandom, table } from './harness';

export interface EditorBenchOptions {
  readonly lines: number;
  /** Characters per streamed delta (a token is 3–5). */
  readonly deltaChars: number;
  /** Deltas between two display updates (the inline edit renders at most every 40 ms). */
  readonly deltasPerUpdate: number;
  readonly runs: number;
}

export const DEFAULT_EDITOR_BENCH_OPTIONS: EditorBenchOptions = {
  lines: 2_000,
  deltaChars: 4,
  deltasPerUpdate: 20,
  runs: 5,
};

export interface EditorBenchResult {
  readonly incrementalMs: number;
  readonly longestUpdateMs: number;
  readonly finalMs: number;
  readonly onceAtEndMs: number;
  readonly longestStepMs: number;
  readonly ratio: number;
  readonly reviewMs: number;
  readonly reviewLongestStepMs: number;
  readonly updates: number;
  /** Keeping where the region is after an edit around it, in a document of about 1 MiB. */
  readonly journalFixMs: number;
  readonly problems: string[];
}

interface RunOutput {
  readonly totalMs: number;
  readonly longestStepMs: number;
  /** The longest display update while streaming, and the review + accept at the end. */
  readonly longestUpdateMs?: number;
  readonly finalMs?: number;
  readonly updates: number;
  readonly document: string;
}

function fixture(options: EditorBenchOptions): {
  document: string;
  start: number;
  originalLines: string[];
  reply: string;
  expected: string;
} {
  const random = seededRandom(11);
  const originalLines = Array.from(
    { length: options.lines },
    (_, i) => `  const value${i} = compute(${i}, ${Math.floor(random() * 1000)}); // step ${i}`,
  );
  const replacement = originalLines.map((line, i) => (i % 7 === 0 ? line.replace('compute', 'computeFast') : line));
  const header = 'export function big() {';
  const footer = '}';
  const document = [header, ...originalLines, footer].join('\n');
  const reply = `Here is the faster version:\n\n\`\`\`ts\n${replacement.join('\n')}\n\`\`\`\n\nEvery seventh step now uses computeFast.`;
  const expected = [header, ...replacement, footer].join('\n');
  return { document, start: header.length + 1, originalLines, reply, expected };
}

function deltasOf(reply: string, size: number): string[] {
  const deltas: string[] = [];
  for (let i = 0; i < reply.length; i += size) deltas.push(reply.slice(i, i + size));
  return deltas;
}

/** One way of showing a streamed proposal, as `timeEditorContender` times it. */
interface EditorContender {
  /** A display update with the reply so far. */
  update(reply: string): void;
  /** At the end of the stream: the diff and its review display. */
  review(reply: string): void;
  /** Accepts every change; gives the document. */
  accept(): string;
}

/**
 * The timing loop of the editor contenders: the reply grows delta by delta, a display update every
 * `deltasPerUpdate` deltas and one after the last, then the review and the accept; each of these is a step.
 */
function timeEditorContender(
  contender: EditorContender,
  deltas: readonly string[],
  options: EditorBenchOptions,
): RunOutput {
  let reply = '';
  let longest = 0;
  let updates = 0;
  const step = (work: () => void) => {
    const stepStart = performance.now();
    work();
    longest = Math.max(longest, performance.now() - stepStart);
  };
  const started = performance.now();
  const update = () => {
    step(() => contender.update(reply));
    updates++;
  };
  deltas.forEach((delta, index) => {
    reply += delta;
    if ((index + 1) % options.deltasPerUpdate === 0) update();
  });
  update();
  const longestUpdateMs = longest;
  const finalStart = performance.now();
  step(() => contender.review(reply));
  let document = '';
  step(() => (document = contender.accept()));
  const finalMs = performance.now() - finalStart;
  return { totalMs: performance.now() - started, longestStepMs: longest, longestUpdateMs, finalMs, updates, document };
}

/**
 * A string standing for the document, with the proposal's region in it, written the way the review controller writes
 * VS Code's document: the one minimal edit from what the region shows to what it should show.
 */
function regionWriter(input: ReturnType<typeof fixture>, proposal: Proposal) {
  let document = input.document;
  let shown = proposal.originalText;
  return {
    write(next: string): void {
      const edit = minimalEdit(shown, next);
      if (!edit) return;
      document = document.slice(0, input.start + edit.from) + edit.text + document.slice(input.start + edit.to);
      shown = next;
    },
    get document() {
      return document;
    },
  };
}

/** The inline review (the controller's code): the region holds the diff in place, streamed, then under review. */
function incremental(input: ReturnType<typeof fixture>): EditorContender {
  const proposal = new Proposal(input.originalLines.join('\n'), '\n');
  const region = regionWriter(input, proposal);
  return {
    update(reply) {
      proposal.stream(reply);
      region.write(proposal.regionContent('inPlace').text);
    },
    review(reply) {
      proposal.review(extractReplyCode(reply) ?? '');
      region.write(proposal.regionContent('inPlace').text);
    },
    accept() {
      proposal.decideAll('accepted');
      // From the original (the display nets to nothing), then the final text as one undo step.
      region.write(proposal.originalText);
      region.write(proposal.finalText());
      return region.document;
    },
  };
}

/** The diff editor review: each update builds the whole proposal document; the file changes once, on Accept. */
function diffReview(input: ReturnType<typeof fixture>): EditorContender {
  const proposal = new Proposal(input.originalLines.join('\n'), '\n');
  const region = regionWriter(input, proposal);
  const before = input.document.slice(0, input.start);
  const after = input.document.slice(input.start + proposal.originalText.length);
  let shown = '';
  const proposalDocument = () => before + proposal.besideText() + after;
  return {
    update(reply) {
      proposal.stream(reply);
      region.write(proposal.regionContent('beside').text);
      shown = proposalDocument();
    },
    review(reply) {
      proposal.review(extractReplyCode(reply) ?? '');
      shown = proposalDocument();
    },
    accept() {
      proposal.decideAll('accepted');
      region.write(proposal.finalText());
      if (shown !== region.document) throw new Error('the proposal document differs from the accepted text');
      return region.document;
    },
  };
}

/** The baseline: collect the reply, then one edit at the end. */
function onceAtEnd(input: ReturnType<typeof fixture>, deltas: readonly string[]): RunOutput {
  const started = performance.now();
  let reply = '';
  for (const delta of deltas) reply += delta;
  const stepStart = performance.now();
  const code = extractReplyCode(reply) ?? '';
  const document =
    input.document.slice(0, input.start) +
    code +
    input.document.slice(input.start + input.originalLines.join('\n').length);
  const step = performance.now() - stepStart;
  return { totalMs: performance.now() - started, longestStepMs: step, updates: 1, document };
}

export async function runEditorBench(
  options: EditorBenchOptions = DEFAULT_EDITOR_BENCH_OPTIONS,
  print: (line: string) => void = console.log,
): Promise<EditorBenchResult> {
  const input = fixture(options);
  const deltas = deltasOf(input.reply, options.deltaChars);
  const problems: string[] = [];
  const ours: RunOutput[] = [];
  const base: RunOutput[] = [];
  const review: RunOutput[] = [];
  timeEditorContender(incremental(input), deltas, options);
  timeEditorContender(diffReview(input), deltas, options);
  onceAtEnd(input, deltas);
  for (let run = 0; run < options.runs; run++) {
    collectGarbage();
    ours.push(timeEditorContender(incremental(input), deltas, options));
    collectGarbage();
    base.push(onceAtEnd(input, deltas));
    collectGarbage();
    review.push(timeEditorContender(diffReview(input), deltas, options));
    await Promise.resolve();
  }
  if (ours[0].document !== input.expected) problems.push('the incremental display did not end with the expected text');
  if (base[0].document !== input.expected) problems.push('the once-at-end edit did not give the expected text');
  if (review[0].document !== input.expected) problems.push('the diff editor review did not give the expected text');
  const reviewMs = median(review.map((run) => run.totalMs));
  const reviewLongestStepMs = Math.max(...review.map((run) => run.longestStepMs));
  const incrementalMs = median(ours.map((run) => run.totalMs));
  const onceAtEndMs = median(base.map((run) => run.totalMs));
  const longestStepMs = Math.max(...ours.map((run) => run.longestStepMs));
  const ratio = incrementalMs / Math.max(onceAtEndMs, 0.001);
  print(
    `\nEditor: a ${options.lines}-line replacement streamed in ${deltas.length} deltas of ${options.deltaChars} chars (${ours[0].updates} display updates)`,
  );
  print(
    table(
      ['contender', 'total (median ms)', 'longest step (ms)'],
      [
        ['incremental diff display', fixed(incrementalMs), fixed(longestStepMs, 2)],
        ['whole edit once at the end', fixed(onceAtEndMs), fixed(Math.max(...base.map((run) => run.longestStepMs)), 2)],
        ['diff editor review', fixed(reviewMs), fixed(reviewLongestStepMs, 2)],
      ],
    ),
  );
  print(
    `incremental: longest display update ${fixed(Math.max(...ours.map((run) => run.longestUpdateMs ?? 0)), 2)} ms, ` +
      `diff + layout + accept at the end ${fixed(median(ours.map((run) => run.finalMs ?? 0)), 2)} ms (median)`,
  );
  print(
    `ratio incremental / once-at-end: ${fixed(ratio, 1)}×; longest blocking step ${fixed(longestStepMs, 2)} ms (goal < 50 ms: ${longestStepMs < 50 ? 'met' : 'missed'})`,
  );
  print(
    `ratio diff editor review / once-at-end: ${fixed(reviewMs / Math.max(onceAtEndMs, 0.001), 1)}×; longest blocking step ${fixed(reviewLongestStepMs, 2)} ms (goal < 50 ms: ${reviewLongestStepMs < 50 ? 'met' : 'missed'})`,
  );
  const journal = journalFixCost(input);
  print(
    `journal: where the region is, kept again after an edit around it: ${fixed(journal.ms, 2)} ms for a ` +
      `${fixed(journal.kib)} KiB document (median; once per burst of changes)`,
  );
  for (const problem of problems) print(`PROBLEM: ${problem}`);
  const longestUpdateMs = Math.max(...ours.map((run) => run.longestUpdateMs ?? 0));
  const finalMs = median(ours.map((run) => run.finalMs ?? 0));
  return {
    incrementalMs,
    longestUpdateMs,
    finalMs,
    onceAtEndMs,
    longestStepMs,
    ratio,
    reviewMs,
    reviewLongestStepMs,
    updates: ours[0].updates,
    journalFixMs: journal.ms,
    problems,
  };
}

/** The fix of the region (hashes of the text before and after it) in a document of about 1 MiB. */
function journalFixCost(input: ReturnType<typeof fixture>): { ms: number; kib: number } {
  const copies = Math.max(1, Math.round((1024 * 1024) / input.document.length));
  const document = Array.from({ length: copies }, () => input.document).join('\n');
  const length = input.originalLines.join('\n').length;
  const samples: number[] = [];
  for (let run = 0; run < 9; run++) {
    const started = performance.now();
    fixRegion(document, input.start, length);
    samples.push(performance.now() - started);
  }
  return { ms: median(samples), kib: document.length / 1024 };
}
