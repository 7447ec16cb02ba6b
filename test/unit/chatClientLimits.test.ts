/**
 * What a runaway gateway can make the client hold: one event is capped (16 MiB by default) and so is a reply's text.
 * Past a cap the request is aborted (the gateway sees the connection close), the reply so far is kept and the error
 * says what was too large. Memory is asserted as the bytes the client was handed by fetch, which bounds what it holds.
 */
import { strict as assert } from 'node:assert';
import type { ChatClientOptions } from '../../src/core/chatClient';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/core/streamLimits';
import { FakeGateway, jsonCompletionReply, sseReply, type ScriptedReply } from '../support/fakeGateway';
import { collect, countingFetch, errorOf, retriesOf, useLocalGateway, withTimeout } from './clientHelpers';
import { summarize } from './helpers';

const MiB = 1024 * 1024;

/** "Hello", then one `data:` line of `totalMiB` MiB that never ends (the gateway keeps sending, no newline). */
function endlessLine(totalMiB: number): ScriptedReply {
  const reply = sseReply(['Hello'], { finishReason: null, usage: false, done: false });
  const chunk = 'A'.repeat(64 * 1024);
  reply.steps.push(
    { kind: 'write', data: 'data: {"choices":[{"index":0,"delta":{"content":"' },
    { kind: 'repeat', data: chunk, times: (totalMiB * MiB) / chunk.length },
  );
  return reply;
}

describe('streamChatCompletion: limits on what the gateway sends', function () {
  this.timeout(60_000);
  let gateway: FakeGateway;
  let options: ChatClientOptions;

  useLocalGateway((local) => ({ gateway, options } = local));

  it('[D3] a 64 MiB line without a newline: stopped at the 16 MiB cap, the reply so far kept, the connection closed', async () => {
    gateway.enqueue(endlessLine(64), sseReply(['never replayed']));
    const counting = countingFetch();
    const events = await collect({ ...options, fetch: counting.fetch });

    assert.equal(summarize(events).text, 'Hello', 'the text before the oversized event is kept');
    const error = errorOf(events);
    assert.equal(error.kind, 'oversized');
    assert.equal(error.oversized, 'event');
    assert.equal(error.sizeLimit, DEFAULT_MAX_EVENT_BYTES);
    assert.match(error.message, /oversized event \(over 16 MiB\)/);
    assert.equal(retriesOf(events).length, 0);
    assert.equal(gateway.requests.length, 1, 'not sent again');

    const [received] = gateway.requests;
    await withTimeout(received.whenClientClosed, 10_000, 'the gateway never saw the connection close');
    // What the client was handed bounds what it holds: the cap and at most a chunk or two of network reads.
    const handed = counting.received();
    assert.ok(handed <= DEFAULT_MAX_EVENT_BYTES + MiB, `the client read ${(handed / MiB).toFixed(1)} MiB`);
    assert.ok(handed >= DEFAULT_MAX_EVENT_BYTES, `stopped early: ${handed} bytes`);
    assert.ok(received.bytesSent < 64 * MiB, 'the gateway stopped sending when the client closed');
  });

  it('[D3] the cap follows the option: a 1 MiB cap stops the same line after 1 MiB', async () => {
    gateway.enqueue(endlessLine(8));
    const counting = countingFetch();
    const events = await collect({ ...options, fetch: counting.fetch, maxEventBytes: MiB });
    assert.equal(summarize(events).text, 'Hello');
    const error = errorOf(events);
    assert.equal(error.kind, 'oversized');
    assert.equal(error.sizeLimit, MiB);
    assert.match(error.message, /over 1 MiB/);
    assert.ok(counting.received() <= 2 * MiB, `the client read ${counting.received()} bytes`);
  });

  it('[B7-42][D3] an 8 MiB single-line event in 1460 B fragments fits the default limits: the whole reply arrives', async () => {
    const content = 'Q'.repeat(8 * MiB);
    const bytes = new TextEncoder().encode(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n` +
        'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
    );
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, (offset += 1460)));
      },
    });
    const events = await collect({
      ...options,
      fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    });
    const summary = summarize(events);
    assert.equal(summary.errorKind, undefined, summary.errorMessage);
    assert.equal(summary.text.length, content.length);
    assert.equal(summary.finish, 'stop');
  });

  it('[D3] many events, each under the cap, together far over it: a normal reply', async () => {
    const piece = 'x'.repeat(1000);
    gateway.enqueue(sseReply(Array.from({ length: 300 }, () => piece)));
    const events = await collect({ ...options, maxEventBytes: 64 * 1024 });
    const summary = summarize(events);
    assert.equal(summary.errorKind, undefined, JSON.stringify(summary.errorMessage));
    assert.equal(summary.text.length, 300_000);
  });

  it('[D3] a reply longer than its cap: the text up to the cap is kept, the rest not read', async () => {
    const piece = 'y'.repeat(1000);
    const reply = sseReply(Array.from({ length: 50 }, () => piece));
    gateway.enqueue({ ...reply, steps: [...reply.steps.slice(0, 20), { kind: 'hold' }, ...reply.steps.slice(20)] });
    const events = await collect({ ...options, maxReplyChars: 10_500 });
    assert.equal(summarize(events).text, piece.repeat(10) + 'y'.repeat(500));
    const error = errorOf(events);
    assert.equal(error.kind, 'oversized');
    assert.equal(error.oversized, 'reply');
    assert.equal(error.sizeLimit, 10_500);
    await withTimeout(gateway.requests[0].whenClientClosed, 10_000, 'the gateway never saw the connection close');
  });

  it('[D3] a whole JSON completion over the cap is refused as oversized, without parsing it', async () => {
    gateway.enqueue(jsonCompletionReply('z'.repeat(300_000)));
    const events = await collect({ ...options, maxEventBytes: 100_000 });
    assert.deepEqual(
      events.map((event) => (event.type === 'error' ? `${event.error.kind} ${event.error.oversized}` : event.type)),
      ['oversized event'],
    );
  });
});
