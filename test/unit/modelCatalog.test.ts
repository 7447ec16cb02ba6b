import { strict as assert } from 'node:assert';
import {
  fetchModelCatalog,
  ModelCatalogCache,
  modelsUrl,
  parseModel,
  parseModelList,
  type FetchModelCatalogOptions,
  type ModelCatalogResult,
} from '../../src/core/modelCatalog';
import { errorReply, FakeGateway, modelListReply } from '../support/fakeGateway';
import { API_KEY, recordingLogger, unusedPort, withTimeout } from './clientHelpers';

/** An entry as OpenRouter (and OfoxAI) send it. */
const OPENROUTER_ENTRY = {
  id: 'google/gemini-3-flash-preview',
  canonical_slug: 'google/gemini-3-flash-preview-20251217',
  name: 'Google: Gemini 3 Flash Preview',
  created: 1_765_987_078,
  description: 'A fast multimodal model.',
  context_length: 1_048_576,
  architecture: {
    modality: 'text+image+file->text',
    input_modalities: ['text', 'image', 'file'],
    output_modalities: ['text'],
    tokenizer: 'Gemini',
  },
  pricing: {
    prompt: '0.0000005',
    completion: '0.000003',
    request: '0',
    image: '0.000001',
    input_cache_read: '0.00000005',
  },
  top_provider: { context_length: 1_048_576, max_completion_tokens: 65_536, is_moderated: false },
  per_request_limits: null,
  supported_parameters: [
    'include_reasoning',
    'max_tokens',
    'reasoning',
    'response_format',
    'seed',
    'stop',
    'structured_outputs',
    'temperature',
    'tool_choice',
    'tools',
    'top_p',
  ],
};

function expectOk(result: ModelCatalogResult) {
  assert.ok(result.ok, `expected a model list, got ${JSON.stringify(result)}`);
  return result;
}

function expectFailure(result: ModelCatalogResult) {
  assert.ok(!result.ok, `expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

describe('model catalog: parsing', () => {
  it('reads OpenRouter-style metadata: names, limits, modalities, parameters and prices as numbers', () => {
    assert.deepEqual(parseModel(OPENROUTER_ENTRY), {
      id: 'google/gemini-3-flash-preview',
      name: 'Google: Gemini 3 Flash Preview',
      description: 'A fast multimodal model.',
      contextLength: 1_048_576,
      maxOutputTokens: 65_536,
      inputModalities: ['text', 'image', 'file'],
      supportsImages: true,
      supportedParameters: OPENROUTER_ENTRY.supported_parameters,
      supportsTools: true,
      supportsReasoning: true,
      supportsResponseFormat: true,
      pricing: { prompt: 0.0000005, completion: 0.000003, cacheRead: 0.00000005 },
    });
  });

  it('reads a plain OpenAI entry as an id (and owner) with everything else unknown', () => {
    assert.deepEqual(parseModel({ id: 'gpt-4o', object: 'model', created: 1_715_367_049, owned_by: 'system' }), {
      id: 'gpt-4o',
      ownedBy: 'system',
    });
  });

  it('says "no" only for what it knows: a text-only model without tools', () => {
    const model = parseModel({
      id: 'x/text-only',
      architecture: { modality: 'text->text' },
      supported_parameters: ['temperature', 'max_tokens'],
      pricing: { prompt: '-1', completion: 'n/a' },
      context_length: 0,
      top_provider: { max_completion_tokens: null },
    });
    assert.deepEqual(model, {
      id: 'x/text-only',
      inputModalities: ['text'],
      supportsImages: false,
      supportedParameters: ['temperature', 'max_tokens'],
      supportsTools: false,
      supportsReasoning: false,
      supportsResponseFormat: false,
    });
  });

  it('skips malformed entries, keeps the first of duplicates, and accepts a bare array', () => {
    const list = parseModelList({
      object: 'list',
      data: [
        null,
        'gpt-4o',
        {},
        { id: 5 },
        { id: '   ' },
        { id: 'a' },
        { id: 'a', name: 'again' },
        { id: 'b', context_length: 'big', architecture: 'x', pricing: [] },
      ],
    });
    assert.deepEqual(list, { models: [{ id: 'a' }, { id: 'b' }], skipped: 5 });
    assert.deepEqual(parseModelList([{ id: 'together/llama' }]), { models: [{ id: 'together/llama' }], skipped: 0 });
    assert.equal(parseModelList({ object: 'list' }), undefined);
    assert.equal(parseModelList(null), undefined);
    assert.equal(parseModelList('models'), undefined);
  });

  it('appends /models to the base URL', () => {
    assert.equal(modelsUrl('https://api.ofox.ai/v1/'), 'https://api.ofox.ai/v1/models');
  });
});

describe('model catalog: fetchModelCatalog against a fake gateway', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });

  afterEach(async () => {
    await gateway.close();
  });

  it('lists a plain OpenAI-compatible server’s models, without a key when none is given', async () => {
    const result = expectOk(await fetchModelCatalog({ baseUrl: gateway.baseUrl }));
    assert.deepEqual(
      result.models.map((model) => model.id),
      ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5'],
    );
    const received = await gateway.nextRequest();
    assert.equal(received.method, 'GET');
    assert.equal(received.path, '/v1/models');
    assert.equal(received.headers.authorization, undefined);
  });

  it('sends the key when there is one, and extra headers', async () => {
    gateway.enqueueModels(modelListReply([OPENROUTER_ENTRY, { broken: true }]));
    const result = expectOk(
      await fetchModelCatalog({ baseUrl: gateway.baseUrl, apiKey: API_KEY, headers: { 'X-Title': 'Gateway Chat' } }),
    );
    assert.equal(result.models.length, 1);
    assert.equal(result.models[0].supportsImages, true);
    assert.equal(result.skipped, 1);
    const received = await gateway.nextRequest();
    assert.equal(received.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(received.headers['x-title'], 'Gateway Chat');
  });

  it('[D5] a stored key with a byte order mark: nothing is sent, and the failure says what is wrong with the key', async () => {
    const logger = recordingLogger();
    const result = expectFailure(
      await fetchModelCatalog({ baseUrl: gateway.baseUrl, apiKey: `\uFEFF${API_KEY}`, logger }),
    );
    assert.equal(result.error.kind, 'invalidApiKey');
    assert.equal(result.error.keyCharacter, 0xfeff);
    assert.equal(result.error.keyPosition, 1);
    assert.equal(gateway.requests.length, 0);
    assert.ok(!JSON.stringify(result).includes(API_KEY.slice(8)));
    assert.ok(!logger.lines.join('\n').includes(API_KEY.slice(8)));
  });

  it('returns a typed failure, never throws: 404, 401, HTML, invalid JSON, not a list', async () => {
    gateway.enqueueModels(
      errorReply(404, 'Not found'),
      errorReply(401, 'Missing key'),
      { headers: { 'content-type': 'text/html' }, steps: [{ kind: 'write', data: '<html>Sign in</html>' }] },
      { headers: { 'content-type': 'application/json' }, steps: [{ kind: 'write', data: '{"data": [' }] },
      { headers: { 'content-type': 'application/json' }, steps: [{ kind: 'write', data: '{"models": []}' }] },
    );
    const kinds: string[] = [];
    for (let i = 0; i < 5; i++)
      kinds.push(expectFailure(await fetchModelCatalog({ baseUrl: gateway.baseUrl })).error.kind);
    assert.deepEqual(kinds, [
      'notFound',
      'unauthorized',
      'unexpectedResponse',
      'unexpectedResponse',
      'unexpectedResponse',
    ]);
  });

  it('reports a refused connection and an invalid base URL as failures', async () => {
    const port = await unusedPort();
    const refused = expectFailure(await fetchModelCatalog({ baseUrl: `http://127.0.0.1:${port}/v1` }));
    assert.equal(refused.error.kind, 'network');
    assert.match(refused.error.message, /ECONNREFUSED/);
    assert.equal(expectFailure(await fetchModelCatalog({ baseUrl: 'not a url' })).error.kind, 'badRequest');
  });

  it('gives up after its timeout, closing the connection', async () => {
    gateway.enqueueModels({
      headers: { 'content-type': 'application/json' },
      holdHeaders: true,
      steps: [{ kind: 'hold' }],
    });
    const result = expectFailure(await fetchModelCatalog({ baseUrl: gateway.baseUrl, timeoutMs: 50 }));
    assert.equal(result.error.kind, 'timeout');
    await withTimeout(gateway.requests[0].whenClientClosed, 5000, 'the gateway never saw the connection close');
  });

  it('reports an abort as an aborted failure', async () => {
    gateway.enqueueModels({ headers: { 'content-type': 'application/json' }, steps: [{ kind: 'hold' }] });
    const controller = new AbortController();
    const pending = fetchModelCatalog({ baseUrl: gateway.baseUrl, signal: controller.signal });
    await gateway.nextRequest();
    controller.abort();
    const result = expectFailure(await pending);
    assert.equal(result.aborted, true);
  });

  it('[B7-21] never follows a redirect to another origin with the key', async () => {
    const other = await FakeGateway.start();
    try {
      gateway.enqueueModels({ status: 301, headers: { location: `${other.baseUrl}/models` }, steps: [] });
      const result = expectFailure(await fetchModelCatalog({ baseUrl: gateway.baseUrl, apiKey: API_KEY }));
      assert.equal(result.error.kind, 'redirected');
      assert.equal(other.requests.length, 0);
    } finally {
      await other.close();
    }
  });

  it('[B7-18] masks the key in errors and logs', async () => {
    gateway.enqueueModels(errorReply(401, `Invalid key ${API_KEY}`));
    const logger = recordingLogger();
    const result = expectFailure(await fetchModelCatalog({ baseUrl: gateway.baseUrl, apiKey: API_KEY, logger }));
    assert.ok(!JSON.stringify(result).includes(API_KEY));
    assert.ok(!logger.lines.join('\n').includes(API_KEY));
    assert.ok(logger.lines.length > 0);
  });
});

describe('model catalog: cache', () => {
  function fakeLoader(results: ModelCatalogResult[]) {
    const calls: FetchModelCatalogOptions[] = [];
    return {
      calls,
      fetchCatalog: async (options: FetchModelCatalogOptions) => {
        calls.push(options);
        const next = results.shift();
        assert.ok(next, 'no more scripted results');
        return next;
      },
    };
  }
  const list = (...ids: string[]): ModelCatalogResult => ({ ok: true, models: ids.map((id) => ({ id })), skipped: 0 });

  it('keeps a list fresh for the TTL, by base URL (trailing slash ignored)', async () => {
    let now = 1_000;
    const loader = fakeLoader([list('a'), list('b'), list('c')]);
    const cache = new ModelCatalogCache({ ttlMs: 60_000, now: () => now, fetchCatalog: loader.fetchCatalog });
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://g.test/v1' })).models, [{ id: 'a' }]);
    now += 59_999;
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://g.test/v1/' })).models, [{ id: 'a' }]);
    assert.deepEqual(cache.get('https://g.test/v1'), [{ id: 'a' }]);
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://other.test/v1' })).models, [{ id: 'b' }]);
    now += 1;
    assert.equal(cache.get('https://g.test/v1'), undefined);
    assert.deepEqual(cache.peek('https://g.test/v1'), { models: [{ id: 'a' }], ageMs: 60_000 });
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://g.test/v1' })).models, [{ id: 'c' }]);
    assert.equal(loader.calls.length, 3);
  });

  it('does not keep failures, and can be forced or cleared', async () => {
    const failure: ModelCatalogResult = { ok: false, error: { kind: 'network', message: 'down', host: 'g.test' } };
    const loader = fakeLoader([failure, list('a'), list('b'), list('c')]);
    const cache = new ModelCatalogCache({ fetchCatalog: loader.fetchCatalog });
    assert.equal((await cache.load({ baseUrl: 'https://g.test/v1' })).ok, false);
    assert.equal(cache.get('https://g.test/v1'), undefined);
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://g.test/v1' })).models, [{ id: 'a' }]);
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://g.test/v1' }, true)).models, [{ id: 'b' }]);
    cache.invalidate('https://g.test/v1/');
    assert.deepEqual(expectOk(await cache.load({ baseUrl: 'https://g.test/v1' })).models, [{ id: 'c' }]);
    cache.invalidate();
    assert.equal(cache.peek('https://g.test/v1'), undefined);
  });
});
