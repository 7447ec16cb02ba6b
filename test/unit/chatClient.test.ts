import { strict as assert } from 'node:assert';
import { chatCompletionsUrl, streamChatCompletion, type ChatClientOptions } from '../../src/core/chatClient';
import { buildChatRequest } from '../../src/core/chatRequest';
import type { ChatEvent } from '../../src/core/chatTypes';
import type { GatewayErrorKind } from '../../src/core/gatewayError';
import {
  API_KEY,
  collect,
  errorOf,
  request,
  retriesOf,
  unusedPort,
  useLocalGateway,
  withTimeout,
} from './clientHelpers';
import {
  errorReply,
  FakeGateway,
  jsonCompletionReply,
  sseReply,
  type ReplyStep,
  type ScriptedReply,
} from '../support/fakeGateway';
import { decodePieces, listSseFixtures, mergeText, readSseFixture, summarize } from './helpers';

describe('streamChatCompletion against a fake gateway', () => {
  let gateway: FakeGateway;
  let options: ChatClientOptions;

  useLocalGateway((local) => ({ gateway, options } = local));

  it('yields the streamed text deltas in order, then the model, finish reason and usage', async () => {
    gateway.enqueue(sseReply(['Hel', 'lo', ', wor', 'ld! 👋'], { model: 'openai/gpt-4o-2024-08-06' }));
    const events = await collect(options);
    assert.deepEqual(events, [
      { type: 'model', model: 'openai/gpt-4o-2024-08-06' },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'text', text: ', wor' },
      { type: 'text', text: 'ld! 👋' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { promptTokens: 12, completionTokens: 4, totalTokens: 16 } },
    ]);
  });

  it('sends the key as a bearer token, JSON content type and a body OpenAI’s schema accepts', async () => {
    gateway.enqueue(sseReply(['ok']));
    const body = buildChatRequest({
      model: 'openai/gpt-4o',
      systemPrompt: 'Be brief.',
      messages: [
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: 'First answer' },
        { role: 'user', content: 'Second question' },
      ],
    });
    await collect(options, body);
    const received = await gateway.nextRequest();
    assert.equal(received.method, 'POST');
    assert.equal(received.path, '/v1/chat/completions');
    assert.equal(received.headers.authorization, `Bearer ${API_KEY}`);
    assert.match(received.headers['content-type'] ?? '', /^application\/json\b/);
    assert.match(received.headers.accept ?? '', /text\/event-stream/);
    assert.deepEqual(received.schemaErrors, []);
    assert.deepEqual(received.body, body);
  });

  it('appends /chat/completions to the base URL with or without a trailing slash', async () => {
    assert.equal(chatCompletionsUrl('https://api.ofox.ai/v1'), 'https://api.ofox.ai/v1/chat/completions');
    assert.equal(chatCompletionsUrl('https://api.ofox.ai/v1/'), 'https://api.ofox.ai/v1/chat/completions');
    gateway.enqueue(sseReply(['ok']));
    const events = await collect({ ...options, baseUrl: `${gateway.baseUrl}/` });
    assert.equal(summarize(events).text, 'ok');
    assert.equal((await gateway.nextRequest()).path, '/v1/chat/completions');
  });

  const statusCases: [number, GatewayErrorKind, string, string | undefined][] = [
    [400, 'badRequest', "This model's maximum context length is 128000 tokens.", 'context_length_exceeded'],
    [401, 'unauthorized', 'Incorrect API key provided: sk-test-****1c2b.', 'invalid_api_key'],
    [402, 'paymentRequired', 'Insufficient credits. Add more using https://openrouter.ai/credits', undefined],
    [403, 'forbidden', 'Country, region, or territory not supported', 'unsupported_country_region_territory'],
    [404, 'notFound', 'The model `gpt-5-turbo` does not exist or you do not have access to it.', 'model_not_found'],
    [
      429,
      'rateLimited',
      'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM).',
      'rate_limit_exceeded',
    ],
    [500, 'serverError', 'The server had an error while processing your request. Sorry about that!', undefined],
  ];
  /** The hostile-corpus cases (test/hostile/cases.ts) each status stands for. */
  const statusTags: Partial<Record<number, string>> = {
    400: '[B7-25] ',
    401: '[B7-22] ',
    402: '[B7-26] ',
    403: '[B7-23] ',
    404: '[B7-24] ',
    500: '[B7-30] ',
  };
  for (const [status, kind, message, code] of statusCases) {
    const retryable = status === 429 || status >= 500;
    it(`${statusTags[status] ?? ''}turns HTTP ${status} into a '${kind}' error with the gateway’s own message${retryable ? ' (after 2 retries)' : ', not retried'}`, async () => {
      const attempts = retryable ? 3 : 1;
      for (let i = 0; i < attempts; i++) gateway.enqueue(errorReply(status, message, code ? { code } : {}));
      const events = await collect(options);
      const error = errorOf(events);
      assert.equal(error.kind, kind);
      assert.equal(error.status, status);
      assert.equal(error.message, message);
      assert.equal(error.host, `127.0.0.1:${gateway.port}`);
      if (code) assert.equal(error.code, code);
      assert.equal(gateway.requests.length, attempts);
      assert.equal(retriesOf(events).length, attempts - 1);
    });
  }

  it('[B7-24] explains a 404 from a base URL that lacks /v1', async () => {
    const error = errorOf(await collect({ ...options, baseUrl: `http://127.0.0.1:${gateway.port}` }));
    assert.equal(error.kind, 'notFound');
    assert.match(error.message, /Unknown request URL: POST \/chat\/completions/);
  });

  it('uses a short line from a non-JSON error body and never echoes an HTML page', async () => {
    options = { ...options, maxRetries: 0 };
    gateway.enqueue(
      { status: 502, headers: { 'content-type': 'text/plain' }, steps: [{ kind: 'write', data: 'Bad Gateway' }] },
      {
        status: 503,
        headers: { 'content-type': 'text/html' },
        steps: [{ kind: 'write', data: '<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>' }],
      },
    );
    const plain = errorOf(await collect(options));
    assert.equal(plain.kind, 'serverError');
    assert.equal(plain.message, 'Bad Gateway');
    const html = errorOf(await collect(options));
    assert.equal(html.kind, 'serverError');
    assert.doesNotMatch(html.message, /<html|DOCTYPE/i);
    assert.match(html.message, /503/);
  });

  it('reports a refused connection as a network error that names the host', async () => {
    const closedPort = await unusedPort();
    const events = await collect({ ...options, maxRetries: 0, baseUrl: `http://127.0.0.1:${closedPort}/v1` });
    assert.equal(events.length, 1);
    const error = errorOf(events);
    assert.equal(error.kind, 'network');
    assert.equal(error.host, `127.0.0.1:${closedPort}`);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('[B7-31] reports an HTML page with status 200 (a proxy login page) as an unexpected response', async () => {
    gateway.enqueue({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      steps: [{ kind: 'write', data: '<html><head><title>Sign in</title></head><body><form>…</form></body></html>' }],
    });
    const events = await collect(options);
    assert.equal(events.length, 1);
    const error = errorOf(events);
    assert.equal(error.kind, 'unexpectedResponse');
    assert.doesNotMatch(error.message, /<html|Sign in/);
  });

  it('[B7-32] handles a server that ignores stream:true and answers with one JSON completion', async () => {
    gateway.enqueue(jsonCompletionReply('The whole answer at once.', { model: 'llama3.2:3b' }));
    const events = await collect(options);
    assert.deepEqual(events, [
      { type: 'model', model: 'llama3.2:3b' },
      { type: 'text', text: 'The whole answer at once.' },
      { type: 'usage', usage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('reports a JSON 200 that is not a chat completion as an unexpected response, not as an empty reply', async () => {
    for (const body of ['null', '[]', '"ok"', '{}', '{"object":"list","data":[]}']) {
      gateway.enqueue({ headers: { 'content-type': 'application/json' }, steps: [{ kind: 'write', data: body }] });
      const events = await collect(options);
      assert.equal(events.length, 1, `${body}: ${JSON.stringify(events)}`);
      assert.equal(errorOf(events).kind, 'unexpectedResponse', body);
    }
  });

  it('reports an error body sent with status 200 as the gateway’s error', async () => {
    gateway.enqueue({
      headers: { 'content-type': 'application/json' },
      steps: [{ kind: 'write', data: '{"error":{"message":"No endpoints found for this model","code":404}}' }],
    });
    const error = errorOf(await collect(options));
    assert.equal(error.kind, 'streamError');
    assert.equal(error.message, 'No endpoints found for this model');
  });

  it('[B7-21] never carries the key to another origin when the gateway redirects, and names the target', async () => {
    const other = await FakeGateway.start();
    try {
      gateway.enqueue({ status: 307, headers: { location: `${other.baseUrl}/chat/completions` }, steps: [] });
      other.enqueue(errorReply(401, 'You must provide an API key.'));
      const events = await collect(options);
      for (const received of other.requests) {
        assert.equal(received.headers.authorization, undefined);
        assert.ok(!JSON.stringify(received.headers).includes(API_KEY));
      }
      assert.equal(other.requests.length, 0, 'the request is not sent to the other origin at all');
      assert.equal(events.length, 1);
      const error = errorOf(events);
      assert.equal(error.kind, 'redirected');
      assert.equal(error.status, 307);
      assert.equal(error.redirectHost, `127.0.0.1:${other.port}`);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${other.port}`));
      assert.equal(gateway.requests.length, 1, 'a refused redirect is not retried');
    } finally {
      await other.close();
    }
  });

  it('[B7-36] keeps the partial text and reports "interrupted" when the connection drops mid-stream', async () => {
    const full = sseReply(['One', ' two', ' three']);
    // role chunk + two deltas, then the connection is cut without a proper end of the body
    const steps: ReplyStep[] = [...full.steps.slice(0, 3), { kind: 'wait', ms: 30 }, { kind: 'destroy' }];
    gateway.enqueue({ ...full, steps });
    const events = await collect(options);
    assert.deepEqual(mergeText(events.filter((event) => event.type === 'text')), [{ type: 'text', text: 'One two' }]);
    assert.equal(errorOf(events).kind, 'interrupted');
    assert.ok(!events.some((event) => event.type === 'finish'));
  });

  it('reports a connection dropped before any answer as a network error', async () => {
    gateway.enqueue({ steps: [{ kind: 'destroy' }] });
    const events = await collect({ ...options, maxRetries: 0 });
    assert.equal(events.length, 1);
    const error = errorOf(events);
    assert.equal(error.kind, 'network');
    assert.equal(error.host, `127.0.0.1:${gateway.port}`);
  });

  it('[B7-44] ends quietly when the user stops while the gateway holds the stream, and really closes the connection', async () => {
    gateway.enqueue(sseReply(['Partial', ' reply', ' never sent'], { holdAfter: 2 }));
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    const run = (async () => {
      for await (const event of streamChatCompletion(options, request(), controller.signal)) {
        events.push(event);
        if (summarize(events).text === 'Partial reply') controller.abort();
      }
    })();
    await run; // must neither throw nor hang
    const received = await gateway.nextRequest();
    await withTimeout(received.whenClientClosed, 5000, 'the gateway never saw the connection close');
    assert.equal(received.clientClosedEarly, true);
    assert.equal(summarize(events).text, 'Partial reply');
    assert.ok(!events.some((event) => event.type === 'error' || event.type === 'finish'), JSON.stringify(events));
  });

  it('[B7-44] ends quietly when aborted before the gateway sent any byte', async () => {
    gateway.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, steps: [{ kind: 'hold' }] });
    const controller = new AbortController();
    const run = collect(options, request(), controller.signal);
    const received = await gateway.nextRequest();
    controller.abort();
    assert.deepEqual(await run, []);
    await withTimeout(received.whenClientClosed, 5000, 'the gateway never saw the connection close');
  });

  it('[B7-34] keeps the partial text and reports the gateway’s message for a mid-stream error', async () => {
    const partial = sseReply(['Once upon', ' a time'], { finishReason: null, usage: false, done: false });
    partial.steps.push({
      kind: 'write',
      data: 'data: {"error":{"message":"Provider returned error","code":502},"choices":[{"index":0,"delta":{},"finish_reason":"error"}]}\n\n',
    });
    gateway.enqueue(partial);
    const events = await collect(options);
    assert.equal(summarize(events).text, 'Once upon a time');
    const error = errorOf(events);
    assert.equal(error.kind, 'streamError');
    assert.equal(error.message, 'Provider returned error');
    assert.equal(error.code, '502');
  });

  it('[B7-36] reports a stream that simply ends without finish or [DONE] as interrupted', async () => {
    gateway.enqueue(sseReply(['Cut', ' short'], { finishReason: null, usage: false, done: false }));
    const events = await collect(options);
    assert.equal(summarize(events).text, 'Cut short');
    assert.equal(errorOf(events).kind, 'interrupted');
  });

  it('treats [DONE] without a finish reason as a complete reply', async () => {
    gateway.enqueue(sseReply(['Fine'], { finishReason: null }));
    const summary = summarize(await collect(options));
    assert.equal(summary.text, 'Fine');
    assert.equal(summary.finish, 'stop');
    assert.equal(summary.errorKind, undefined);
  });

  it('streams text as it arrives, before the reply is complete', async () => {
    gateway.enqueue(sseReply(['first', ' second'], { holdAfter: 1 }));
    const iterator = streamChatCompletion(options, request(), new AbortController().signal);
    const seen: ChatEvent[] = [];
    while (!seen.some((event) => event.type === 'text')) {
      const next = await iterator.next();
      assert.equal(next.done, false);
      seen.push(next.value as ChatEvent);
    }
    assert.deepEqual(seen[seen.length - 1], { type: 'text', text: 'first' });
    gateway.release();
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) seen.push(next.value);
    assert.equal(summarize(seen).text, 'first second');
  });

  describe('serving every recorded fixture', () => {
    for (const name of listSseFixtures()) {
      it(`${name}: the client yields what the decoder yields for the same bytes`, async () => {
        const bytes = readSseFixture(name);
        const steps: ReplyStep[] = [];
        for (let start = 0, size = 7; start < bytes.length; start += size, size = ((size * 3) % 97) + 5) {
          steps.push({ kind: 'write', data: bytes.subarray(start, start + size) });
        }
        const reply: ScriptedReply = { headers: { 'content-type': 'text/event-stream; charset=utf-8' }, steps };
        gateway.enqueue(reply);
        const events = await collect(options);
        const expected = decodePieces([bytes], `127.0.0.1:${gateway.port}`);
        assert.deepEqual(mergeText(events), mergeText(expected));
      });
    }
  });
});
