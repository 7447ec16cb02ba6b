/**
 * Cases of the hostile corpus against the chat client and the local fake gateway that no other suite covers:
 * OpenRouter's error metadata, context-length refusals, compressed bodies and odd content types, an 8 MiB event in
 * TCP-sized pieces, and the build's refusal of a bundled HTTP stack.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import type { ChatClientOptions } from '../../src/core/chatClient';
import { isContextLengthError, summarizeErrorText } from '../../src/core/gatewayError';
import {
  jsonCompletionReply,
  sseReply,
  type FakeGateway,
  type ReplyStep,
  type ScriptedReply,
} from '../support/fakeGateway';
import { API_KEY, collect, errorOf, retriesOf, useLocalGateway } from './clientHelpers';
import { summarize } from './helpers';

const root = path.resolve(__dirname, '../../..');

/** OpenRouter's moderation refusal (shape from its error docs). */
function moderationBody(flaggedInput: string): string {
  return JSON.stringify({
    error: {
      code: 403,
      message: 'Your chosen model requires moderation and your input was flagged',
      metadata: {
        reasons: ['violence', 'harassment'],
        flagged_input: flaggedInput,
        provider_name: 'OpenAI',
        model_slug: 'openai/gpt-4o',
      },
    },
  });
}

/** The bytes of every `write` step, in order. */
function bodyOf(reply: ScriptedReply): Buffer {
  return Buffer.concat(
    reply.steps.flatMap((step) => (step.kind === 'write' ? [Buffer.from(step.data as string | Uint8Array)] : [])),
  );
}

/** `reply` with its body compressed and sent in small pieces, as a proxy that compresses on the fly does. */
function compressed(reply: ScriptedReply, encoding: 'gzip' | 'br'): ScriptedReply {
  const plain = bodyOf(reply);
  const packed = encoding === 'gzip' ? zlib.gzipSync(plain) : zlib.brotliCompressSync(plain);
  const steps: ReplyStep[] = [];
  for (let at = 0; at < packed.length; at += 11) steps.push({ kind: 'write', data: packed.subarray(at, at + 11) });
  return { ...reply, headers: { ...reply.headers, 'content-encoding': encoding }, steps };
}

describe('hostile corpus: gateway errors the user must understand', () => {
  it("[B7-23] reads OpenRouter's error.metadata: the moderation reasons, the flagged text, the provider", () => {
    assert.deepEqual(summarizeErrorText(moderationBody('how do I hurt')), {
      message: 'Your chosen model requires moderation and your input was flagged',
      code: '403',
      details: { reasons: ['violence', 'harassment'], flaggedInput: 'how do I hurt', provider: 'OpenAI' },
    });
    // A provider's own error, as OpenRouter passes it on in `metadata.raw` (JSON text, or plain text).
    const providerError = JSON.stringify({
      error: {
        code: 400,
        message: 'Provider returned error',
        metadata: {
          provider_name: 'Anthropic',
          raw: JSON.stringify({
            type: 'error',
            error: { type: 'invalid_request_error', message: 'max_tokens: 200000 > 64000' },
          }),
        },
      },
    });
    assert.deepEqual(summarizeErrorText(providerError).details, {
      provider: 'Anthropic',
      providerMessage: 'max_tokens: 200000 > 64000',
    });
    const plainRaw = '{"error":{"message":"Provider returned error","metadata":{"raw":"upstream connect error"}}}';
    assert.deepEqual(summarizeErrorText(plainRaw).details, { providerMessage: 'upstream connect error' });
    // Nothing else is made up: no metadata, no details; an HTML page as raw is not echoed.
    assert.equal(summarizeErrorText('{"error":{"message":"x","metadata":{}}}').details, undefined);
    assert.equal(
      summarizeErrorText('{"error":{"message":"x","metadata":{"raw":"<!DOCTYPE html><html></html>"}}}').details,
      undefined,
    );
  });

  it('[B7-25] recognises a conversation too long for the model, by code or by the wording of the usual gateways', () => {
    const refusals = [
      { code: 'context_length_exceeded', message: 'anything' },
      {
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130211 tokens.",
      },
      { message: "This endpoint's maximum context length is 65536 tokens." },
      { message: 'The decoder prompt (length 33000) is longer than the maximum model length of 32768.' },
      { message: 'prompt is too long: 210000 tokens > 200000 maximum' },
    ];
    for (const refusal of refusals) assert.equal(isContextLengthError(refusal), true, refusal.message);
    for (const other of [
      { message: 'Invalid value for temperature' },
      { code: 'invalid_api_key', message: 'bad key' },
    ]) {
      assert.equal(isContextLengthError(other), false, other.message);
    }
  });

  describe('through the fake gateway', () => {
    let gateway: FakeGateway;
    let options: ChatClientOptions;
    useLocalGateway((local) => ({ gateway, options } = local));

    it('[B7-23] a 403 moderation refusal is not retried and keeps its metadata, with the key masked in it', async () => {
      gateway.enqueue({
        status: 403,
        headers: { 'content-type': 'application/json' },
        steps: [{ kind: 'write', data: moderationBody(`my key is ${API_KEY}`) }],
      });
      const events = await collect(options);
      const error = errorOf(events);
      assert.equal(error.kind, 'forbidden');
      assert.equal(error.message, 'Your chosen model requires moderation and your input was flagged');
      assert.deepEqual(error.details?.reasons, ['violence', 'harassment']);
      assert.equal(error.details?.provider, 'OpenAI');
      assert.match(error.details?.flaggedInput ?? '', /^my key is .*REDACTED/);
      assert.ok(!JSON.stringify(events).includes(API_KEY));
      assert.equal(gateway.requests.length, 1);
      assert.equal(retriesOf(events).length, 0);
    });

    it('[B7-23] a mid-stream error keeps its metadata too', async () => {
      const partial = sseReply(['Half'], { finishReason: null, usage: false, done: false });
      partial.steps.push({
        kind: 'write',
        data: `data: {"error":{"code":502,"message":"Provider returned error","metadata":{"provider_name":"Together","raw":"model overloaded"}},"choices":[{"index":0,"delta":{},"finish_reason":"error"}]}\n\n`,
      });
      gateway.enqueue(partial);
      const events = await collect(options);
      assert.equal(summarize(events).text, 'Half');
      assert.deepEqual(errorOf(events).details, { provider: 'Together', providerMessage: 'model overloaded' });
    });

    it('[B7-25] a 400 context_length_exceeded is not retried and is recognised as too long a conversation', async () => {
      gateway.enqueue({
        status: 400,
        headers: { 'content-type': 'application/json' },
        steps: [
          {
            kind: 'write',
            data: JSON.stringify({
              error: {
                message: "This model's maximum context length is 128000 tokens.",
                type: 'invalid_request_error',
                param: 'messages',
                code: 'context_length_exceeded',
              },
            }),
          },
        ],
      });
      const events = await collect(options);
      const error = errorOf(events);
      assert.equal(error.kind, 'badRequest');
      assert.equal(isContextLengthError(error), true);
      assert.equal(gateway.requests.length, 1);
    });
  });
});

describe('hostile corpus: how a gateway may send its bytes', () => {
  let gateway: FakeGateway;
  let options: ChatClientOptions;
  useLocalGateway((local) => ({ gateway, options } = local));

  for (const encoding of ['gzip', 'br'] as const) {
    it(`[B7-45] reads a ${encoding}-compressed stream and a ${encoding}-compressed JSON completion`, async () => {
      gateway.enqueue(compressed(sseReply(['Com', 'pressed ', 'reply ✓']), encoding));
      const streamed = summarize(await collect(options));
      assert.equal(streamed.text, 'Compressed reply ✓');
      assert.equal(streamed.finish, 'stop');
      assert.equal(streamed.errorKind, undefined);
      gateway.enqueue(compressed(jsonCompletionReply('Whole and compressed.'), encoding));
      assert.equal(summarize(await collect(options)).text, 'Whole and compressed.');
    });
  }

  it('[B7-45] reads a stream sent without a content type, or as text/event-stream; charset=utf-8, or in capitals', async () => {
    const typings: Record<string, string>[] = [
      {},
      { 'content-type': 'text/event-stream; charset=utf-8' },
      { 'Content-Type': 'TEXT/EVENT-STREAM' },
    ];
    for (const headers of typings) {
      gateway.enqueue({ ...sseReply(['Typed ', 'or not']), headers });
      const summary = summarize(await collect(options));
      assert.deepEqual(
        [summary.text, summary.finish, summary.errorKind],
        ['Typed or not', 'stop', undefined],
        JSON.stringify(headers),
      );
    }
    gateway.enqueue({
      ...jsonCompletionReply('JSON with a charset.'),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(summarize(await collect(options)).text, 'JSON with a charset.');
  });

  it('[B7-42] reads an 8 MiB single-line event that arrives in 1460-byte pieces, whole and unchanged', async function () {
    this.timeout(60_000);
    // Base64-like text without a newline, as a large inline payload would be.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let content = '';
    for (let seed = 7; content.length < 8 * 1024 * 1024; seed = (seed * 1103515245 + 12345) % 2 ** 31)
      content += alphabet[seed % 64].repeat(1 + (seed % 13));
    content = content.slice(0, 8 * 1024 * 1024);
    const reply = sseReply([content]);
    const body = bodyOf(reply);
    const steps: ReplyStep[] = [];
    for (let at = 0; at < body.length; at += 1460) steps.push({ kind: 'write', data: body.subarray(at, at + 1460) });
    assert.ok(steps.length > 5000);
    gateway.enqueue({ ...reply, steps });
    const summary = summarize(await collect(options));
    assert.equal(summary.errorKind, undefined);
    assert.equal(summary.finish, 'stop');
    assert.equal(summary.text.length, content.length);
    assert.ok(summary.text === content, 'the text differs from what was sent');
  });
});

describe('hostile corpus: one HTTP stack, VS Code’s', function () {
  this.timeout(30_000);

  it("[B7-46] the extension bundle holds no HTTP stack of its own (so VS Code's proxy settings apply), and the build refuses one", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { extensionBuild } = require(path.join(root, 'esbuild.js')) as {
      extensionBuild: (host: 'node' | 'web') => esbuild.BuildOptions;
    };
    for (const host of ['node', 'web'] as const) {
      const result = await esbuild.build({
        ...extensionBuild(host),
        absWorkingDir: root,
        write: false,
        minify: false,
        metafile: true,
      });
      const inputs = Object.keys(result.metafile?.inputs ?? {});
      assert.deepEqual(
        inputs.filter((input) => /node_modules\/(undici|node-fetch|axios)\//.test(input)),
        [],
        `${host} bundle`,
      );
      const code = result.outputFiles?.map((file) => file.text).join('\n') ?? '';
      assert.doesNotMatch(code, /setGlobalDispatcher|new\s+ProxyAgent\b/, `${host} bundle`);
    }
    for (const name of ['undici', 'node-fetch', 'axios']) {
      const failure = await esbuild
        .build({
          ...extensionBuild('node'),
          entryPoints: undefined,
          stdin: { contents: `import * as http from '${name}'; console.log(http);`, resolveDir: root, loader: 'ts' },
          outfile: undefined,
          write: false,
          logLevel: 'silent',
        })
        .then(
          () => undefined,
          (error: unknown) => error as { errors?: { text: string }[] },
        );
      assert.ok(failure, `a build importing ${name} succeeded`);
      assert.match(failure.errors?.map((error) => error.text).join('\n') ?? '', /must not be bundled/, name);
    }
  });
});
