import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { createParser } from 'eventsource-parser';
import { errorReply, FakeGateway, jsonCompletionReply, sseReply } from '../support/fakeGateway';
import {
  validateChatCompletionResponse,
  validateChatCompletionStreamChunk,
  validateErrorResponse,
  validateListModelsResponse,
} from '../support/requestSchema';

/** The gateway is what every other test trusts, so its own behaviour is pinned down here. */
describe('FakeGateway', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });

  afterEach(async () => {
    await gateway.close();
  });

  const post = (body: unknown, path = '/v1/chat/completions') =>
    fetch(`http://127.0.0.1:${gateway.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-xyz' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const validBody = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };

  it('listens on 127.0.0.1 and exposes an OpenAI-style base URL', () => {
    assert.match(gateway.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(gateway.baseUrl, `http://127.0.0.1:${gateway.port}/v1`);
  });

  it('answers GET /v1/models with a list OpenAI’s schema accepts, and records it', async () => {
    const response = await fetch(`${gateway.baseUrl}/models`);
    assert.equal(response.status, 200);
    assert.deepEqual(validateListModelsResponse(await response.json()), []);
    const recorded = await gateway.nextRequest();
    assert.equal(recorded.method, 'GET');
    assert.equal(recorded.path, '/v1/models');
    assert.deepEqual(recorded.schemaErrors, []);
  });

  it('answers 500 "no scripted reply" when nothing is queued', async () => {
    const response = await post(validBody);
    assert.equal(response.status, 500);
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /no scripted reply/);
    assert.deepEqual(validateErrorResponse(body), []);
  });

  it('answers unknown paths with 404 and records them', async () => {
    const response = await post(validBody, '/chat/completions');
    assert.equal(response.status, 404);
    await response.text();
    const recorded = await gateway.nextRequest();
    assert.equal(recorded.path, '/chat/completions');
    assert.deepEqual(recorded.schemaErrors, [], 'the body itself was valid');
  });

  it('records headers in lower case, the parsed body, and schema errors without refusing the request', async () => {
    gateway.enqueue(sseReply(['a']), sseReply(['b']));
    await (await post({ model: 'm', messages: [{ role: 'robot', content: 'x' }] })).text();
    await (await post('not json at all')).text();
    const first = await gateway.nextRequest();
    assert.equal(first.headers.authorization, 'Bearer sk-test-xyz');
    assert.deepEqual(first.body, { model: 'm', messages: [{ role: 'robot', content: 'x' }] });
    assert.ok(
      first.schemaErrors.some((line) => line.startsWith('/messages/0/role')),
      first.schemaErrors.join('\n'),
    );
    const second = await gateway.nextRequest();
    assert.equal(second.body, 'not json at all');
    assert.ok(second.schemaErrors.length > 0);
    assert.equal(gateway.requests.length, 2);
  });

  it('serves queued replies in order and nextRequest waits for requests still to come', async () => {
    gateway.enqueue(errorReply(429, 'first'), errorReply(401, 'second'));
    const waiting = gateway.nextRequest();
    const r1 = await post(validBody);
    const r2 = await post(validBody);
    assert.deepEqual([r1.status, r2.status], [429, 401]);
    assert.equal(((await r2.json()) as { error: { message: string } }).error.message, 'second');
    await r1.text();
    assert.equal((await waiting).path, '/v1/chat/completions');
    assert.equal(await gateway.nextRequest(), gateway.requests[1]);
  });

  it('rejects nextRequest after its timeout', async () => {
    await assert.rejects(gateway.nextRequest(50), /no request arrived within 50 ms/);
  });

  it('builds streams whose every chunk matches OpenAI’s chunk schema', async () => {
    gateway.enqueue(sseReply(['Hello', ' 世界 🌍'], { model: 'openai/gpt-4o', delayMs: 5 }));
    const response = await post(validBody);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream; charset=utf-8/);
    const data: string[] = [];
    const parser = createParser({ onEvent: (event) => data.push(event.data) });
    parser.feed(await response.text());
    assert.equal(data[data.length - 1], '[DONE]');
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as Record<string, unknown>);
    assert.equal(chunks.length, 5, 'role, two deltas, finish, usage');
    for (const chunk of chunks) assert.deepEqual(validateChatCompletionStreamChunk(chunk), []);
    assert.deepEqual(chunks[4].choices, []);
  });

  it('builds error bodies and whole completions that match OpenAI’s schemas', async () => {
    gateway.enqueue(errorReply(400, 'bad', { code: 'context_length_exceeded', headers: { 'x-test': '1' } }));
    gateway.enqueue(jsonCompletionReply('whole'));
    const error = await post(validBody);
    assert.equal(error.headers.get('x-test'), '1');
    assert.deepEqual(validateErrorResponse(await error.json()), []);
    const completion = await post(validBody);
    assert.deepEqual(validateChatCompletionResponse(await completion.json()), []);
  });

  it('holds a reply until release()', async () => {
    gateway.enqueue(sseReply(['before', 'after'], { holdAfter: 1 }));
    const response = await post(validBody);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('before')) text += new TextDecoder().decode((await reader.read()).value);
    const pending = reader.read();
    const raced = await Promise.race([pending.then(() => 'data'), delay(100).then(() => 'held')]);
    assert.equal(raced, 'held');
    gateway.release();
    text += new TextDecoder().decode((await pending).value);
    for (let next = await reader.read(); !next.done; next = await reader.read())
      text += new TextDecoder().decode(next.value);
    assert.match(text, /after/);
    assert.match(text, /\[DONE\]/);
    const recorded = await gateway.nextRequest();
    assert.equal(recorded.clientClosedEarly, false);
  });

  it('notices a client that goes away in the middle of a reply, without throwing', async () => {
    gateway.enqueue(sseReply(['a', 'b', 'c', 'd'], { delayMs: 20 }));
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${gateway.baseUrl}/chat/completions`, { method: 'POST' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.once('error', reject);
      req.end(JSON.stringify(validBody));
    });
    const recorded = await gateway.nextRequest();
    await recorded.whenClientClosed;
    assert.equal(recorded.clientClosedEarly, true);
    await delay(100); // the remaining writes must not blow up
  });

  it('closes promptly while a reply is held and a client is still connected', async () => {
    gateway.enqueue(sseReply(['x'], { holdAfter: 1 }));
    const response = await post(validBody);
    const reader = response.body!.getReader();
    await reader.read();
    const recorded = await gateway.nextRequest();
    const started = Date.now();
    await gateway.close();
    assert.ok(Date.now() - started < 3000, `close() took ${Date.now() - started} ms`);
    await assert.rejects(
      async () => {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          // drain until the dropped connection surfaces
        }
        throw new Error('the body ended normally');
      },
      (error: Error) => !/ended normally/.test(error.message),
    );
    assert.equal(recorded.clientClosedEarly, false, 'the gateway closed it, not the client');
    await assert.rejects(gateway.nextRequest(10), /closed/);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
