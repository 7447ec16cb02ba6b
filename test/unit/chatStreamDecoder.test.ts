import { strict as assert } from 'node:assert';
import { ChatStreamDecoder } from '../../src/core/chatStreamDecoder';
import type { ChatEvent } from '../../src/core/chatTypes';
import { validateChatCompletionStreamChunk } from '../support/requestSchema';
import {
  dataPayloads,
  decodePieces,
  listSseFixtures,
  mergeText,
  readSseFixture,
  seededRandom,
  splitAt,
  summarize,
  type StreamSummary,
} from './helpers';

interface FixtureExpectation {
  readonly summary: StreamSummary;
  /** Indices (among the parseable `data:` payloads of default events) that are not valid stream chunks on purpose. */
  readonly invalidChunks: readonly number[];
}

const EXPECTED: Record<string, FixtureExpectation> = {
  'openai-basic': {
    summary: {
      text: 'こんにちは！今日はいい天気ですね。 Hello 👋, world 𠮷野家 ☕',
      model: 'gpt-4o-2024-08-06',
      usage: { promptTokens: 19, completionTokens: 11, totalTokens: 30 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  'openrouter-keepalive': {
    summary: {
      text: 'The capital of France is Paris.',
      model: 'openai/gpt-4o',
      usage: { promptTokens: 14, completionTokens: 8, totalTokens: 22 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  crlf: {
    summary: {
      text: 'Line one\nLine two — done ✓',
      model: 'gpt-4o-mini',
      usage: { promptTokens: 9, completionTokens: 6, totalTokens: 15 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  bom: {
    summary: {
      text: 'Grüße aus Köln',
      model: 'local-model',
      usage: { promptTokens: 5, completionTokens: 4, totalTokens: 9 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  'azure-empty-first': {
    summary: {
      text: 'Sure, here it is.',
      model: 'gpt-4o-2024-11-20',
      usage: { promptTokens: 23, completionTokens: 5, totalTokens: 28 },
      finish: 'stop',
    },
    // Azure's prompt-filter chunk has `object: ""`: real, but not what the schema says.
    invalidChunks: [0],
  },
  'midstream-error': {
    summary: {
      text: 'Once upon a time',
      model: 'meta-llama/llama-3.3-70b-instruct',
      errorKind: 'streamError',
      errorMessage: 'Provider returned error',
      errorCode: '502',
    },
    // OpenRouter's error chunk (finish_reason "error", no id) is outside OpenAI's schema.
    invalidChunks: [3],
  },
  'vllm-error': {
    summary: {
      text: 'def main',
      model: 'Qwen/Qwen2.5-7B-Instruct',
      errorKind: 'streamError',
      errorMessage: 'The decoder prompt (length 33000) is longer than the maximum model length of 32768.',
      errorCode: '400',
    },
    invalidChunks: [3],
  },
  'event-error': {
    summary: {
      text: 'Partial answer',
      model: 'gpt-4.1-mini',
      errorKind: 'streamError',
      errorMessage: 'Upstream request timed out',
      errorCode: 'upstream_timeout',
    },
    invalidChunks: [],
  },
  truncated: {
    summary: {
      text: 'The first part of the answer',
      model: 'gpt-4o-mini',
      errorKind: 'interrupted',
      errorMessage: 'The connection closed before the reply was complete.',
    },
    invalidChunks: [],
  },
  malformed: {
    summary: {
      text: 'Hello there',
      model: 'gpt-4o-mini',
      errorKind: 'malformedStream',
      errorMessage: 'The gateway sent a line that is not valid JSON: {not json',
    },
    invalidChunks: [],
  },
  'after-done': {
    summary: { text: 'Complete answer.', model: 'gpt-4o', finish: 'stop' },
    invalidChunks: [],
  },
  'null-content': {
    summary: {
      text: 'Hi!',
      model: 'deepseek-reasoner',
      usage: { promptTokens: 6, completionTokens: 12, totalTokens: 18 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  'multi-line-data': {
    summary: { text: 'one two three', model: 'gpt-4o-mini', finish: 'stop' },
    invalidChunks: [],
  },
  'lone-cr': {
    summary: { text: 'Bare CR works', model: 'llama3.2', finish: 'stop' },
    invalidChunks: [],
  },
};

function oneShot(bytes: Uint8Array): ChatEvent[] {
  return decodePieces([bytes]);
}

describe('ChatStreamDecoder with recorded gateway streams', () => {
  it('has an expectation for every fixture file (and a file for every expectation)', () => {
    assert.deepEqual(listSseFixtures(), Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    describe(name, () => {
      const bytes = readSseFixture(name);

      it('yields the text, model, usage, finish reason and error the user should see', () => {
        assert.deepEqual(summarize(oneShot(bytes)), expected.summary);
      });

      it('reports the model before the first text and ends with exactly one finish or error', () => {
        const events = oneShot(bytes);
        const firstText = events.findIndex((event) => event.type === 'text');
        const model = events.findIndex((event) => event.type === 'model');
        if (firstText >= 0) assert.ok(model >= 0 && model < firstText, 'model comes before the text');
        const endings = events.filter((event) => event.type === 'finish' || event.type === 'error');
        assert.equal(endings.length, 1);
        assert.ok(!events.some((event) => event.type === 'text' && /\b(null|undefined)\b/.test(event.text)));
      });

      it('gives identical events when split at every byte boundary', () => {
        const reference = mergeText(oneShot(bytes));
        for (let position = 1; position < bytes.length; position++) {
          const split = mergeText(decodePieces(splitAt(bytes, [position])));
          assert.deepEqual(split, reference, `split at byte ${position}`);
        }
      });

      it('gives identical events when fed one byte at a time', () => {
        const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
        assert.deepEqual(mergeText(decodePieces(pieces)), mergeText(oneShot(bytes)));
      });

      it('gives identical events when split into 3 pieces at 300 random places (seeded)', () => {
        const reference = mergeText(oneShot(bytes));
        const random = seededRandom(0x5eed + bytes.length);
        for (let round = 0; round < 300; round++) {
          const a = Math.floor(random() * (bytes.length + 1));
          const b = Math.floor(random() * (bytes.length + 1));
          const positions = [Math.min(a, b), Math.max(a, b)];
          assert.deepEqual(mergeText(decodePieces(splitAt(bytes, positions))), reference, `split at ${positions.join(',')}`);
        }
      });

      it('has chunks that match OpenAI’s stream chunk schema where they are meant to', () => {
        const parsed: unknown[] = [];
        for (const payload of dataPayloads(bytes)) {
          if (payload.event !== undefined || payload.data.trim() === '[DONE]') continue;
          try {
            parsed.push(JSON.parse(payload.data));
          } catch {
            // the malformed fixtures' broken lines are not chunks at all
          }
        }
        assert.ok(parsed.length > 0);
        const invalid = parsed
          .map((chunk, index) => ({ index, errors: validateChatCompletionStreamChunk(chunk) }))
          .filter((entry) => entry.errors.length > 0);
        assert.deepEqual(
          invalid.map((entry) => entry.index),
          expected.invalidChunks,
          invalid.map((entry) => `chunk ${entry.index}: ${entry.errors.join('; ')}`).join('\n'),
        );
      });
    });
  }
});

describe('ChatStreamDecoder edge cases', () => {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-x',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    })}\n\n`;

  function decodeText(text: string): ChatEvent[] {
    return decodePieces([new TextEncoder().encode(text)]);
  }

  it('treats a stream that says [DONE] without any finish reason as complete, not interrupted', () => {
    const summary = summarize(decodeText(chunk({ role: 'assistant' }) + chunk({ content: 'Done.' }) + 'data: [DONE]\n\n'));
    assert.equal(summary.text, 'Done.');
    assert.equal(summary.errorKind, undefined);
    assert.equal(summary.finish, 'stop');
  });

  it('accepts a finish reason without [DONE] (some gateways omit it)', () => {
    const summary = summarize(decodeText(chunk({ content: 'ok' }) + chunk({}, 'stop')));
    assert.deepEqual(summary, { text: 'ok', model: 'm', finish: 'stop' });
  });

  it('keeps unusual finish reasons (length, content_filter, eos) as they are', () => {
    for (const reason of ['length', 'content_filter', 'tool_calls', 'eos', 'insufficient_system_resource']) {
      assert.equal(summarize(decodeText(chunk({ content: 'x' }) + chunk({}, reason) + 'data: [DONE]\n\n')).finish, reason);
    }
  });

  it('reports a connection cut in the middle of a line as interrupted, not as a malformed stream', () => {
    const text = chunk({ content: 'Half' }) + chunk({ content: ' a line' }).slice(0, 60);
    const summary = summarize(decodeText(text));
    assert.equal(summary.text, 'Half');
    assert.equal(summary.errorKind, 'interrupted');
  });

  it('still reads a last complete event that lacks its blank line', () => {
    const summary = summarize(decodeText(chunk({ content: 'x' }) + chunk({}, 'stop').trimEnd()));
    assert.deepEqual(summary, { text: 'x', model: 'm', finish: 'stop' });
  });

  it('reports an empty body as interrupted', () => {
    assert.equal(summarize(decodeText('')).errorKind, 'interrupted');
  });

  it('ignores keep-alive comments, empty data and deltas without content', () => {
    const events = decodeText(
      ': keep-alive\n\n' + 'data:\n\n' + chunk({}) + chunk({ content: null }) + chunk({ content: 'a' }) + chunk({}, 'stop'),
    );
    assert.deepEqual(mergeText(events), [
      { type: 'model', model: 'm' },
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('uses the gateway’s message for a mid-stream error with a string error field', () => {
    const summary = summarize(decodeText(chunk({ content: 'a' }) + 'data: {"error":"Model overloaded"}\n\n'));
    assert.equal(summary.errorKind, 'streamError');
    assert.equal(summary.errorMessage, 'Model overloaded');
  });

  it('puts the host into errors so the user knows which gateway failed', () => {
    const decoder = new ChatStreamDecoder('api.example.test');
    const events = [...decoder.feed('data: {oops\n\n'), ...decoder.end()];
    const error = events.find((event) => event.type === 'error');
    assert.ok(error && error.type === 'error');
    assert.equal(error.error.host, 'api.example.test');
  });

  it('ignores everything after [DONE], including later feeds', () => {
    const decoder = new ChatStreamDecoder('h');
    const first = decoder.feed(chunk({ content: 'a' }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    assert.equal(decoder.closed, true);
    assert.deepEqual(decoder.feed(chunk({ content: 'late' })), []);
    assert.deepEqual(decoder.end(), []);
    assert.equal(summarize(first).text, 'a');
  });

  it('reads usage from a usage chunk and ignores usage: null', () => {
    const text =
      chunk({ content: 'a' }) +
      'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}],"usage":null}\n\n' +
      'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n' +
      'data: [DONE]\n\n';
    assert.deepEqual(summarize(decodeText(text)), {
      text: 'ab',
      model: 'm',
      finish: 'stop',
      usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
    });
  });
});
