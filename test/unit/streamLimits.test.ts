import { strict as assert } from 'node:assert';
import { ReplyBudget, SseEventBudget } from '../../src/core/streamLimits';

const encoder = new TextEncoder();

/** Feeds `text` to a budget in pieces cut at `cuts`; returns the bytes accepted before the first refusal. */
function acceptAll(budget: SseEventBudget, text: string, cuts: readonly number[] = []): number {
  const bytes = encoder.encode(text);
  const bounds = [0, ...cuts, bytes.length];
  let accepted = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const chunk = bytes.subarray(bounds[i], bounds[i + 1]);
    const fits = budget.accept(chunk);
    accepted += fits;
    if (fits < chunk.length) break;
  }
  return accepted;
}

describe('SseEventBudget', () => {
  it('[D3] counts bytes since the last blank line, with LF, CRLF, CR and mixed line ends', () => {
    for (const [stream, pending] of [
      ['data: a\n\ndata: bc', 8],
      ['data: a\r\n\r\ndata: bc', 8],
      ['data: a\r\rdata: bc', 8],
      ['data: a\r\n\ndata: bc', 8],
      ['data: a\n\r\ndata: bc', 8],
      ['data: a\ndata: b\n', 16],
      [': keep-alive\n\n', 0],
      ['data: a\r\n', 9],
      ['data: a\r', 8],
      ['\n\n\n', 0],
      ['', 0],
    ] as const) {
      const whole = new SseEventBudget(1000);
      assert.equal(whole.accept(encoder.encode(stream)), encoder.encode(stream).length);
      assert.equal(whole.pendingBytes, pending, JSON.stringify(stream));
    }
  });

  it('[D3] gives the same count with the stream cut at every position, even between the CR and LF of a CRLF', () => {
    const stream = 'data: {"a":1}\r\n\r\nevent: x\ndata: line one\ndata: two\n\n: c\r\rdata: tail é';
    const reference = new SseEventBudget(1000);
    reference.accept(encoder.encode(stream));
    const length = encoder.encode(stream).length;
    for (let cut = 0; cut <= length; cut++) {
      const split = new SseEventBudget(1000);
      acceptAll(split, stream, [cut]);
      assert.equal(split.pendingBytes, reference.pendingBytes, `cut at ${cut}`);
      for (let second = cut; second <= length; second += 7) {
        const twice = new SseEventBudget(1000);
        acceptAll(twice, stream, [cut, second]);
        assert.equal(twice.pendingBytes, reference.pendingBytes, `cuts at ${cut} and ${second}`);
      }
    }
  });

  it('[D3] counts like a byte-by-byte reading for LF-only streams cut anywhere (the path that skips whole lines)', () => {
    /** Bytes since the last blank line, one byte at a time. */
    const reference = (bytes: Uint8Array): number => {
      let pending = 0;
      let line = 0;
      for (const byte of bytes) {
        pending++;
        if (byte !== 0x0a) line++;
        else if (line === 0) pending = 0;
        else line = 0;
      }
      return pending;
    };
    const pieces = ['data: {"a":1}', '', ': c', 'data: x', 'data: y', '', '', 'event: e'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 40; round++) {
      const lines = Array.from({ length: 3 + Math.floor(random() * 8) }, () => pieces[Math.floor(random() * 8)]);
      const bytes = encoder.encode(lines.join('\n') + (random() < 0.5 ? '\n' : ''));
      for (let cut = 0; cut <= bytes.length; cut++) {
        const budget = new SseEventBudget(1000);
        budget.accept(bytes.subarray(0, cut));
        budget.accept(bytes.subarray(cut));
        assert.equal(budget.pendingBytes, reference(bytes), `${JSON.stringify(lines)} cut at ${cut}`);
      }
    }
  });

  it('[D3] accepts events up to the limit and refuses the byte that crosses it, however the bytes arrive', () => {
    const event = `data: ${'x'.repeat(94)}\n\n`; // 102 bytes
    assert.equal(acceptAll(new SseEventBudget(102), event.repeat(5)), 510, 'each event alone fits exactly');
    const line = `data: ${'y'.repeat(300)}`;
    for (const cuts of [[], [1], [50, 99], [100], [101], [250]]) {
      const budget = new SseEventBudget(100);
      // Two complete small events, then one line that never ends.
      const stream = `data: 1\n\ndata: 2\n\n${line}`;
      const accepted = acceptAll(budget, stream, cuts);
      assert.equal(accepted, 18 + 100, `cuts ${JSON.stringify(cuts)}`);
      assert.ok(budget.pendingBytes > 100);
    }
    // Many data lines of one event count together.
    const multi = new SseEventBudget(100);
    assert.equal(acceptAll(multi, 'data: 0123456789\n'.repeat(10)), 100);
  });
});

describe('ReplyBudget', () => {
  it('[D3] admits text, reasoning and tool-call pieces up to the limit, cutting the event that crosses it', () => {
    const budget = new ReplyBudget(10);
    assert.deepEqual(budget.admit({ type: 'text', text: 'abcd' }), { type: 'text', text: 'abcd' });
    assert.deepEqual(budget.admit({ type: 'model', model: 'm' }), { type: 'model', model: 'm' });
    assert.deepEqual(budget.admit({ type: 'reasoning', choice: 0, text: 'ef' }), {
      type: 'reasoning',
      choice: 0,
      text: 'ef',
    });
    assert.equal(budget.exceeded, false);
    assert.deepEqual(budget.admit({ type: 'text', text: 'ghijklmn' }), { type: 'text', text: 'ghij' });
    assert.equal(budget.exceeded, true);
    assert.equal(budget.admit({ type: 'finish', reason: 'stop' }), undefined, 'nothing after the limit');
  });

  it('[D3] never cuts a surrogate pair in half, and drops a tool-call piece that does not fit', () => {
    const budget = new ReplyBudget(3);
    assert.deepEqual(budget.admit({ type: 'text', text: 'ab👋c' }), { type: 'text', text: 'ab' });
    const tools = new ReplyBudget(5);
    assert.equal(tools.admit({ type: 'toolCallDelta', choice: 0, index: 0, argumentsDelta: '{"path":1}' }), undefined);
    assert.equal(tools.exceeded, true);
  });
});
