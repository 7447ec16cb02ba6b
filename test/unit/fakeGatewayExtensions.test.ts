import { strict as assert } from 'node:assert';
import { FakeGateway, modelListReply, sseReply } from '../support/fakeGateway';
import { unusedPort } from './clientHelpers';

/** The fake gateway's scripting added for the fault tests: held headers, per-path replies, a chosen port. */
describe('FakeGateway: fault scripting', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });

  afterEach(async () => {
    await gateway.close();
  });

  it('holds the status line and headers until the first write when holdHeaders is set', async () => {
    gateway.enqueue({ ...sseReply(['x']), holdHeaders: true, steps: [{ kind: 'hold' }, ...sseReply(['x']).steps] });
    let answered = false;
    const pending = fetch(`${gateway.baseUrl}/chat/completions`, { method: 'POST', body: '{}' }).then((response) => {
      answered = true;
      return response;
    });
    await gateway.nextRequest();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(answered, false, 'no headers while held');
    gateway.release();
    const response = await pending;
    assert.equal(response.status, 200);
    assert.match(await response.text(), /\[DONE\]/);
  });

  it('serves replies queued for a path before its default route, then falls back to it', async () => {
    gateway.enqueueAt('/v2/chat/completions', sseReply(['v2']));
    gateway.enqueueModels(modelListReply([{ id: 'only-model', object: 'model', created: 0, owned_by: 'me' }]));
    const v2 = await fetch(`http://127.0.0.1:${gateway.port}/v2/chat/completions/`, { method: 'POST', body: '{}' });
    assert.equal(v2.status, 200);
    await v2.text();
    const scripted = (await (await fetch(`${gateway.baseUrl}/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(
      scripted.data.map((model) => model.id),
      ['only-model'],
    );
    const fallback = (await (await fetch(`${gateway.baseUrl}/models`)).json()) as { data: unknown[] };
    assert.equal(fallback.data.length, 3);
    const unknown = await fetch(`http://127.0.0.1:${gateway.port}/v2/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
    await unknown.text();
  });

  it('starts on a chosen port', async () => {
    const port = await unusedPort();
    const onPort = await FakeGateway.start({ port });
    try {
      assert.equal(onPort.port, port);
      assert.equal(onPort.baseUrl, `http://127.0.0.1:${port}/v1`);
    } finally {
      await onPort.close();
    }
  });
});
