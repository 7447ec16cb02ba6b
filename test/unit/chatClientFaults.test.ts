/**
 * Faults against the local fake gateway: retries (and when not to), timeouts, redirects, extra headers and
 * redaction. Timeouts are tens of milliseconds and retry waits are instant (an injected clock), so the suite stays
 * fast; nothing here asserts how fast anything is.
 */
import { strict as assert } from 'node:assert';
import { streamChatCompletion, type ChatClientOptions } from '../../src/core/chatClient';
import type { ChatEvent } from '../../src/core/chatTypes';
import { systemClock } from '../../src/core/retryPolicy';
import { errorReply, FakeGateway, sseReply, type ReplyStep, type ScriptedReply } from '../support/fakeGateway';
import {
  API_KEY,
  collect,
  errorOf,
  instantClock,
  recordingLogger,
  request,
  retriesOf,
  unusedPort,
  useLocalGateway,
  withTimeout,
} from './clientHelpers';
import { summarize } from './helpers';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8' };

function rateLimited(headers: Record<string, string>): ScriptedReply {
  return errorReply(429, 'Rate limit reached for requests.', { code: 'rate_limit_exceeded', headers });
}

describe('streamChatCompletion: retries before the first byte', () => {
  let gateway: FakeGateway;
  let clock: ReturnType<typeof instantClock>;
  let options: ChatClientOptions;

  useLocalGateway((local) => ({ gateway, clock, options } = local));

  it('[B7-27] waits retry-after-ms on a 429, says so, then streams the reply', async () => {
    gateway.enqueue(rateLimited({ 'retry-after-ms': '1500', 'retry-after': '30' }), sseReply(['Hello', ' again']));
    const events = await collect(options);
    assert.deepEqual(retriesOf(events), [
      { type: 'retrying', attempt: 1, delayMs: 1500, reason: 'HTTP 429: Rate limit reached for requests.' },
    ]);
    assert.equal(events[0].type, 'retrying', 'the retry is announced before anything else');
    assert.deepEqual(clock.sleeps, [1500]);
    const summary = summarize(events);
    assert.equal(summary.text, 'Hello again');
    assert.equal(summary.errorKind, undefined);
    assert.equal(gateway.requests.length, 2);
    assert.deepEqual(gateway.requests[1].body, gateway.requests[0].body, 'the same request is sent again');
    assert.equal(gateway.requests[1].headers.authorization, `Bearer ${API_KEY}`);
  });

  it('[B7-27] waits Retry-After given in seconds', async () => {
    gateway.enqueue(rateLimited({ 'retry-after': '2' }), sseReply(['ok']));
    const events = await collect(options);
    assert.deepEqual(clock.sleeps, [2000]);
    assert.equal(summarize(events).text, 'ok');
  });

  it('[B7-27] waits until a Retry-After HTTP date', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    options = { ...options, clock: (clock = instantClock(() => now)) };
    gateway.enqueue(rateLimited({ 'retry-after': new Date(now + 3000).toUTCString() }), sseReply(['ok']));
    const events = await collect(options);
    assert.deepEqual(clock.sleeps, [3000]);
    assert.equal(summarize(events).text, 'ok');
  });

  it('[B7-27] does not wait out Retry-After: 3600, and reports when to try again', async () => {
    gateway.enqueue(rateLimited({ 'retry-after': '3600' }), sseReply(['never']));
    const logger = recordingLogger();
    const events = await collect({ ...options, logger });
    assert.equal(events.length, 1);
    const error = errorOf(events);
    assert.equal(error.kind, 'rateLimited');
    assert.equal(error.retryAfterMs, 3_600_000);
    assert.deepEqual(clock.sleeps, []);
    assert.equal(gateway.requests.length, 1);
    assert.ok(
      logger.lines.some((line) => /asked to wait 3600 s/.test(line)),
      logger.lines.join('\n'),
    );
  });

  it('[B7-30] retries a 503 once and streams the reply: exactly two requests', async () => {
    gateway.enqueue(errorReply(503, 'The engine is currently overloaded.'), sseReply(['Back', ' online']));
    const events = await collect(options);
    const retries = retriesOf(events);
    assert.equal(retries.length, 1);
    assert.equal(retries[0].attempt, 1);
    assert.equal(retries[0].delayMs, 500, 'exponential backoff starts at 0.5 s (no jitter with random() = 0)');
    assert.match(retries[0].reason, /503/);
    assert.equal(summarize(events).text, 'Back online');
    assert.equal(gateway.requests.length, 2);
  });

  it('[B7-30] gives up after two retries with growing waits and reports the last error', async () => {
    for (let i = 0; i < 4; i++) gateway.enqueue(errorReply(502, `Provider down (${i})`));
    const events = await collect(options);
    assert.deepEqual(
      retriesOf(events).map((event) => [event.attempt, event.delayMs]),
      [
        [1, 500],
        [2, 1000],
      ],
    );
    const error = errorOf(events);
    assert.equal(error.kind, 'serverError');
    assert.equal(error.message, 'Provider down (2)');
    assert.equal(gateway.requests.length, 3);
  });

  it('honours maxRetries', async () => {
    for (let i = 0; i < 3; i++) gateway.enqueue(errorReply(500, 'boom'));
    const events = await collect({ ...options, maxRetries: 1 });
    assert.equal(retriesOf(events).length, 1);
    assert.equal(gateway.requests.length, 2);
  });

  it('[B7-29] does not retry a 503 with x-should-retry: false', async () => {
    gateway.enqueue(errorReply(503, 'Maintenance', { headers: { 'x-should-retry': 'false' } }), sseReply(['never']));
    const events = await collect(options);
    assert.equal(events.length, 1);
    assert.equal(errorOf(events).kind, 'serverError');
    assert.equal(gateway.requests.length, 1);
  });

  it('retries a 400 with x-should-retry: true', async () => {
    gateway.enqueue(errorReply(400, 'Try again', { headers: { 'x-should-retry': 'true' } }), sseReply(['ok']));
    assert.equal(summarize(await collect(options)).text, 'ok');
    assert.equal(gateway.requests.length, 2);
  });

  it('[B7-28] does not retry a 429 insufficient_quota', async () => {
    gateway.enqueue(
      errorReply(429, 'You exceeded your current quota, please check your plan and billing details.', {
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        headers: { 'retry-after': '1' },
      }),
      sseReply(['never']),
    );
    const events = await collect(options);
    assert.equal(events.length, 1);
    const error = errorOf(events);
    assert.equal(error.kind, 'rateLimited');
    assert.equal(error.code, 'insufficient_quota');
    assert.equal(gateway.requests.length, 1);
  });

  it('retries a refused connection, then streams from the gateway once it listens', async () => {
    const port = await unusedPort();
    let late: FakeGateway | undefined;
    const lateClock = instantClock(undefined, async () => {
      if (late) return;
      late = await FakeGateway.start({ port });
      late.enqueue(sseReply(['Now', ' listening']));
    });
    try {
      const events = await collect({ ...options, baseUrl: `http://127.0.0.1:${port}/v1`, clock: lateClock });
      const retries = retriesOf(events);
      assert.equal(retries.length, 1);
      assert.match(retries[0].reason, /ECONNREFUSED/);
      assert.equal(summarize(events).text, 'Now listening');
      assert.equal(late?.requests.length, 1);
    } finally {
      await late?.close();
    }
  });

  it('retries a refused connection at most twice, then reports the network error', async () => {
    const port = await unusedPort();
    const events = await collect({ ...options, baseUrl: `http://127.0.0.1:${port}/v1` });
    assert.equal(retriesOf(events).length, 2);
    const error = errorOf(events);
    assert.equal(error.kind, 'network');
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('[D6] does not replay a request whose connection dropped after the gateway received it, before any answer', async () => {
    gateway.enqueue({ steps: [{ kind: 'destroy' }] }, sseReply(['replayed']));
    const events = await collect(options);
    assert.equal(retriesOf(events).length, 0);
    assert.equal(errorOf(events).kind, 'network');
    assert.equal(gateway.requests.length, 1);
  });

  it('[D6] does not replay a 200 whose connection dropped before the first byte of the body', async () => {
    gateway.enqueue(
      { headers: SSE_HEADERS, steps: [{ kind: 'wait', ms: 10 }, { kind: 'destroy' }] },
      sseReply(['replayed']),
    );
    const events = await collect(options);
    assert.equal(retriesOf(events).length, 0);
    assert.equal(errorOf(events).kind, 'interrupted');
    assert.equal(gateway.requests.length, 1);
  });

  it('[B7-36] never replays a reply that began: a dropped stream is reported, with the partial text', async () => {
    const full = sseReply(['One', ' two', ' three']);
    gateway.enqueue(
      { ...full, steps: [...full.steps.slice(0, 3), { kind: 'wait', ms: 20 }, { kind: 'destroy' }] },
      sseReply(['replayed']),
    );
    const events = await collect(options);
    assert.equal(retriesOf(events).length, 0);
    assert.equal(summarize(events).text, 'One two');
    assert.equal(errorOf(events).kind, 'interrupted');
    assert.equal(gateway.requests.length, 1);
  });

  it('[B7-34] never replays after a mid-stream error', async () => {
    const partial = sseReply(['Once'], { finishReason: null, usage: false, done: false });
    partial.steps.push({ kind: 'write', data: 'data: {"error":{"message":"Upstream overloaded","code":503}}\n\n' });
    gateway.enqueue(partial, sseReply(['replayed']));
    const events = await collect(options);
    assert.equal(summarize(events).text, 'Once');
    assert.equal(errorOf(events).kind, 'streamError');
    assert.equal(gateway.requests.length, 1);
  });

  it('[B7-31] does not retry an HTML page with status 200', async () => {
    gateway.enqueue(
      {
        headers: { 'content-type': 'text/html' },
        steps: [{ kind: 'write', data: '<html><body>Log in to the Wi-Fi</body></html>' }],
      },
      sseReply(['never']),
    );
    const events = await collect(options);
    assert.equal(events.length, 1);
    assert.equal(errorOf(events).kind, 'unexpectedResponse');
    assert.equal(gateway.requests.length, 1);
  });

  it('ends quietly, without waiting, when the user stops during a retry wait', async () => {
    gateway.enqueue(rateLimited({ 'retry-after': '30' }), sseReply(['never']));
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    const started = Date.now();
    for await (const event of streamChatCompletion({ ...options, clock: systemClock }, request(), controller.signal)) {
      events.push(event);
      if (event.type === 'retrying') setTimeout(() => controller.abort(), 10);
    }
    assert.ok(Date.now() - started < 10_000, 'the 30 s wait was cut short');
    assert.deepEqual(
      events.map((event) => event.type),
      ['retrying'],
    );
    assert.equal(gateway.requests.length, 1);
  });
});

describe('streamChatCompletion: timeouts', () => {
  let gateway: FakeGateway;
  let options: ChatClientOptions;

  useLocalGateway((local) => ({ gateway, options } = local));

  const stallBeforeHeaders: ScriptedReply = { headers: SSE_HEADERS, holdHeaders: true, steps: [{ kind: 'hold' }] };

  it('[B7-43][D6] no answer within the idle timeout: the request is aborted (the gateway sees the close) and not sent again', async () => {
    gateway.enqueue(stallBeforeHeaders, stallBeforeHeaders);
    const events = await collect({ ...options, idleTimeoutMs: 80 });
    assert.equal(gateway.requests.length, 1, 'the gateway may be working on it: not sent again');
    await withTimeout(gateway.requests[0].whenClientClosed, 5000, 'the gateway never saw the connection close');
    assert.equal(retriesOf(events).length, 0);
    const error = errorOf(events);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.timeoutPhase, 'headers');
    assert.equal(error.timeoutMs, 80);
    assert.match(error.message, /80 ms \(idle timeout\); the request was not sent again/);
  });

  it('[D6] a gateway that sends its headers long after the request (a model loading): one request, "waiting" meanwhile, then the reply', async () => {
    // The headers come only when the test releases them, after the client said it is waiting: longer than any
    // connect timeout would be, as a gateway loading a large model answers after 45 s.
    const reply = sseReply(['Loaded', ' at last']);
    gateway.enqueue({ ...reply, holdHeaders: true, steps: [{ kind: 'hold' }, ...reply.steps] }, sseReply(['again']));
    const events: ChatEvent[] = [];
    for await (const event of streamChatCompletion(
      { ...options, idleTimeoutMs: 60_000, waitingNoticeMs: 20 },
      request(),
      new AbortController().signal,
    )) {
      events.push(event);
      if (event.type === 'waiting') gateway.release();
    }
    assert.equal(gateway.requests.length, 1, 'sent once');
    assert.equal(events[0].type, 'waiting', 'the client said it was waiting before anything else');
    assert.equal(events.filter((event) => event.type === 'waiting').length, 1);
    assert.equal(retriesOf(events).length, 0);
    const summary = summarize(events);
    assert.equal(summary.errorKind, undefined, summary.errorMessage);
    assert.equal(summary.text, 'Loaded at last');
  });

  it('[B7-33][D6] after the headers, keep-alive comments and no text yet: "waiting" once, then the reply', async () => {
    const reply = sseReply(['thought', ' it through']);
    gateway.enqueue({
      ...reply,
      steps: [{ kind: 'write', data: ': OPENROUTER PROCESSING\n\n' }, { kind: 'hold' }, ...reply.steps],
    });
    const events: ChatEvent[] = [];
    for await (const event of streamChatCompletion(
      { ...options, waitingNoticeMs: 20 },
      request(),
      new AbortController().signal,
    )) {
      events.push(event);
      if (event.type === 'waiting') gateway.release();
    }
    assert.deepEqual(
      events.filter((event) => event.type === 'waiting' || event.type === 'text').map((event) => event.type),
      ['waiting', 'text', 'text'],
    );
    assert.equal(summarize(events).text, 'thought it through');
  });

  it('says nothing about waiting when the reply comes at once', async () => {
    gateway.enqueue(sseReply(['quick']));
    const events = await collect({ ...options, waitingNoticeMs: 60_000 });
    assert.equal(events.filter((event) => event.type === 'waiting').length, 0);
    assert.equal(summarize(events).text, 'quick');
  });

  it('[B7-43] idle timeout after the first byte: the partial text is kept, the connection closed, nothing replayed', async () => {
    gateway.enqueue(sseReply(['first', ' never'], { holdAfter: 1 }), sseReply(['replayed']));
    const events = await collect({ ...options, idleTimeoutMs: 80 });
    assert.equal(summarize(events).text, 'first');
    const error = errorOf(events);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.timeoutPhase, 'idle');
    assert.equal(error.timeoutMs, 80);
    assert.equal(retriesOf(events).length, 0);
    assert.equal(gateway.requests.length, 1);
    await withTimeout(gateway.requests[0].whenClientClosed, 5000, 'the gateway never saw the connection close');
  });

  it('[B7-43][D6] idle timeout after the headers of a 200 but before any byte of it: reported, not sent again', async () => {
    gateway.enqueue({ headers: SSE_HEADERS, steps: [{ kind: 'hold' }] }, sseReply(['replayed']));
    const events = await collect({ ...options, idleTimeoutMs: 80 });
    assert.equal(retriesOf(events).length, 0);
    const error = errorOf(events);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.timeoutPhase, 'idle');
    assert.equal(gateway.requests.length, 1);
    await withTimeout(gateway.requests[0].whenClientClosed, 5000, 'the gateway never saw the connection close');
  });

  it('[B7-33] keep-alive comments every 50 ms keep a slow stream alive beyond the idle timeout', async () => {
    const reply = sseReply(['slow', ' but', ' alive']);
    const keepAlive: ReplyStep[] = [];
    for (let i = 0; i < 10; i++)
      keepAlive.push({ kind: 'wait', ms: 50 }, { kind: 'write', data: ': OPENROUTER PROCESSING\n\n' });
    // role chunk, 500 ms of comments only, then the reply
    gateway.enqueue({ ...reply, steps: [reply.steps[0], ...keepAlive, ...reply.steps.slice(1)] });
    const events = await collect({ ...options, idleTimeoutMs: 200 });
    const summary = summarize(events);
    assert.equal(summary.errorKind, undefined, JSON.stringify(events));
    assert.equal(summary.text, 'slow but alive');
    assert.equal(summary.finish, 'stop');
  });

  it('a slow consumer is not an idle connection: time spent handling events does not count', async () => {
    gateway.enqueue(sseReply(['one', ' two', ' three']));
    const events: ChatEvent[] = [];
    for await (const event of streamChatCompletion(
      { ...options, idleTimeoutMs: 40 },
      request(),
      new AbortController().signal,
    )) {
      events.push(event);
      if (event.type === 'text') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const summary = summarize(events);
    assert.equal(summary.errorKind, undefined, JSON.stringify(events));
    assert.equal(summary.text, 'one two three');
  });

  it('a stalled error body does not hang the client', async () => {
    gateway.enqueue({
      status: 502,
      headers: { 'content-type': 'text/plain' },
      steps: [{ kind: 'write', data: 'Bad gat' }, { kind: 'hold' }],
    });
    const events = await collect({ ...options, idleTimeoutMs: 80, maxRetries: 0 });
    const error = errorOf(events);
    assert.equal(error.kind, 'serverError');
    assert.equal(error.status, 502);
  });

  it('reads at most 64 KiB of an error body (and does not wait for the rest)', async () => {
    const big = 'x'.repeat(100 * 1024);
    gateway.enqueue({
      status: 400,
      headers: { 'content-type': 'text/plain' },
      steps: [{ kind: 'write', data: big }, { kind: 'hold' }],
    });
    const events = await collect(options); // default idle timeout (120 s): only the size limit can end this read
    const error = errorOf(events);
    assert.equal(error.kind, 'badRequest');
    assert.ok(error.message.length <= 301);
    await withTimeout(gateway.requests[0].whenClientClosed, 5000, 'the gateway never saw the connection close');
  });
});

describe('streamChatCompletion: headers, redirects and redaction', () => {
  let gateway: FakeGateway;
  let options: ChatClientOptions;

  useLocalGateway((local) => ({ gateway, options } = local));

  it('sends extra headers but never lets them replace Authorization or Content-Type (logged without the value)', async () => {
    gateway.enqueue(sseReply(['ok']));
    const logger = recordingLogger();
    await collect({
      ...options,
      logger,
      headers: {
        'X-Title': 'Gateway Chat',
        'HTTP-Referer': 'https://example.test',
        authorization: 'Bearer sk-stolen-0123456789abcdef',
        'Content-Type': 'text/plain-override-value',
      },
    });
    const received = await gateway.nextRequest();
    assert.equal(received.headers['x-title'], 'Gateway Chat');
    assert.equal(received.headers['http-referer'], 'https://example.test');
    assert.equal(received.headers.authorization, `Bearer ${API_KEY}`);
    assert.match(received.headers['content-type'] ?? '', /^application\/json/);
    assert.ok(
      logger.lines.some((line) => /Ignoring the extra header "authorization"/.test(line)),
      logger.lines.join('\n'),
    );
    assert.ok(
      logger.lines.some((line) => /Ignoring the extra header "Content-Type"/.test(line)),
      logger.lines.join('\n'),
    );
    const all = logger.lines.join('\n');
    assert.ok(!all.includes('sk-stolen-0123456789abcdef'));
    assert.ok(!all.includes('text/plain-override-value'));
  });

  it('skips an invalid extra header instead of failing the request', async () => {
    gateway.enqueue(sseReply(['ok']));
    const logger = recordingLogger();
    const events = await collect({ ...options, logger, headers: { 'bad header': 'x', 'X-Fine': 'yes' } });
    assert.equal(summarize(events).text, 'ok');
    assert.equal((await gateway.nextRequest()).headers['x-fine'], 'yes');
    assert.ok(logger.lines.some((line) => /not a valid HTTP header/.test(line)));
  });

  it('follows a same-origin redirect with the key, the same body and method', async () => {
    gateway.enqueue({ status: 307, headers: { location: '/v2/chat/completions' }, steps: [] });
    gateway.enqueueAt('/v2/chat/completions', sseReply(['moved', ' here']));
    const events = await collect(options);
    assert.equal(summarize(events).text, 'moved here');
    assert.equal(gateway.requests.length, 2);
    const [first, second] = gateway.requests;
    assert.equal(second.path, '/v2/chat/completions');
    assert.equal(second.method, 'POST');
    assert.equal(second.headers.authorization, `Bearer ${API_KEY}`);
    assert.deepEqual(second.body, first.body);
  });

  it('follows at most 5 same-origin redirects', async () => {
    for (let i = 0; i < 7; i++)
      gateway.enqueue({ status: 308, headers: { location: `${gateway.baseUrl}/chat/completions` }, steps: [] });
    const events = await collect(options);
    const error = errorOf(events);
    assert.equal(error.kind, 'redirected');
    assert.match(error.message, /too many/);
    assert.equal(gateway.requests.length, 6);
  });

  it('[B7-21] refuses a redirect to another port of the same host (another origin): the key is never sent there', async () => {
    const other = await FakeGateway.start();
    try {
      gateway.enqueue({
        status: 302,
        headers: { location: `http://127.0.0.1:${other.port}/v1/chat/completions` },
        steps: [],
      });
      other.enqueue(sseReply(['stolen']));
      const events = await collect(options);
      assert.equal(other.requests.length, 0);
      assert.equal(errorOf(events).kind, 'redirected');
      assert.equal(errorOf(events).redirectHost, `127.0.0.1:${other.port}`);
    } finally {
      await other.close();
    }
  });

  it('[B7-18][B7-19] masks the key and auth-like extra header values in errors, retry reasons and every log line', async () => {
    const headerSecret = 'hdr-secret-7c1e9a0b2d4f';
    const logger = recordingLogger();
    const echo = `Incorrect API key provided: ${API_KEY}. Header api-key was ${headerSecret}; Authorization: Bearer ${API_KEY}`;
    gateway.enqueue(errorReply(503, echo), errorReply(401, echo));
    const events = await collect({
      ...options,
      logger,
      headers: { 'X-Api-Key': headerSecret, 'X-Custom-Token': `Bearer ${headerSecret}` },
    });
    const received = await gateway.nextRequest();
    assert.equal(received.headers['x-api-key'], headerSecret, 'the header itself is sent as it is');
    const error = errorOf(events);
    assert.equal(error.kind, 'unauthorized');
    const everything = [JSON.stringify(events), ...logger.lines].join('\n');
    for (const secret of [API_KEY, headerSecret, API_KEY.slice(3, 15)]) {
      assert.ok(!everything.includes(secret), `"${secret}" leaked:\n${everything}`);
    }
    assert.match(error.message, /REDACTED/);
    assert.equal(retriesOf(events).length, 1);
    assert.match(retriesOf(events)[0].reason, /REDACTED/);
  });

  it('[B7-18] masks the key in a mid-stream error and in a network error message', async () => {
    const partial = sseReply(['Hi'], { finishReason: null, usage: false, done: false });
    partial.steps.push({ kind: 'write', data: `data: {"error":{"message":"bad key ${API_KEY}"}}\n\n` });
    gateway.enqueue(partial);
    const logger = recordingLogger();
    const events = await collect({ ...options, logger });
    assert.equal(errorOf(events).kind, 'streamError');
    assert.ok(!JSON.stringify(events).includes(API_KEY));
    const failingFetch: typeof fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect with ${API_KEY} refused`), { code: 'ECONNREFUSED' }),
      });
    };
    const failed = await collect({ ...options, logger, fetch: failingFetch, maxRetries: 0 });
    assert.equal(errorOf(failed).kind, 'network');
    assert.ok(!JSON.stringify(failed).includes(API_KEY));
    assert.ok(!logger.lines.join('\n').includes(API_KEY));
  });

  it('[D5] a stored key with a zero-width space is reported as such, and nothing is sent', async () => {
    const logger = recordingLogger();
    const events = await collect({ ...options, apiKey: `${API_KEY}\u200B`, logger });
    assert.equal(events.length, 1, JSON.stringify(events));
    const error = errorOf(events);
    assert.equal(error.kind, 'invalidApiKey');
    assert.equal(error.keyCharacter, 0x200b);
    assert.equal(error.keyPosition, API_KEY.length + 1);
    assert.match(
      error.message,
      /^The stored API key for 127\.0\.0\.1:\d+ contains U\+200B \(zero width space\) at position 29; set it again\.$/,
    );
    assert.equal(gateway.requests.length, 0, 'a request went out');
    const everything = [JSON.stringify(events), ...logger.lines].join('\n');
    assert.ok(!everything.includes(API_KEY.slice(8)), everything);
  });

  it('[D5][B7-18] a fetch TypeError quoting the Authorization value never reaches an error event or the log unredacted', async () => {
    // Not sk-shaped: only knowing the key masks it.
    const key = 'gw-live-9c1f2e3d4b5a69788776f0e1d2c3b4a5';
    const thrown = [
      new TypeError(`Headers.set: "Bearer ${key}\u0000" is an invalid header value.`),
      new TypeError('fetch failed', {
        cause: Object.assign(new Error(`invalid header value: ${key.slice(0, 20)}\u200B${key.slice(20)}`), {
          code: 'ERR_INVALID_CHAR',
        }),
      }),
      new TypeError(`Cannot convert argument to a ByteString: "…${key.slice(9, 30)}…"`),
      new TypeError(`rejected: Bearer ${key.slice(0, 7)}\uFEFF${key.slice(7)}`),
    ];
    const logger = recordingLogger();
    const seen: string[] = [];
    for (const error of thrown) {
      const failingFetch: typeof fetch = async () => {
        throw error;
      };
      const events = await collect({ ...options, apiKey: key, logger, fetch: failingFetch });
      assert.equal(errorOf(events).kind, 'network');
      seen.push(JSON.stringify(events), errorOf(events).message);
    }
    const everything = [...seen, ...logger.lines].join('\n');
    for (let start = 0; start + 8 <= key.length; start++) {
      const piece = key.slice(start, start + 8);
      assert.ok(!everything.includes(piece), `"${piece}" of the key reached the events or the log:\n${everything}`);
    }
  });

  it('times out even with a fetch that ignores its signal', async () => {
    const neverFetch: typeof fetch = () => new Promise<Response>(() => undefined);
    const events = await collect({ ...options, fetch: neverFetch, idleTimeoutMs: 30 });
    assert.equal(errorOf(events).kind, 'timeout');
  });
});
