import { strict as assert } from 'node:assert';
import { ChatStreamDecoder, completionEvents } from '../../src/core/chatStreamDecoder';
import type { ChatEvent } from '../../src/core/chatTypes';
import { validateChatCompletionResponse, validateChatCompletionStreamChunk } from '../support/requestSchema';
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
      reasoning: 'The user greets me.',
      model: 'deepseek-reasoner',
      usage: { promptTokens: 6, completionTokens: 12, totalTokens: 18, reasoningTokens: 9 },
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
  'deepseek-reasoning': {
    summary: {
      text: 'The square root of 144 is **12** (12 × 12 = 144).',
      reasoning: "Okay, the user wants the square root of 144. 12 × 12 = 144, so it's 12.",
      model: 'deepseek-reasoner',
      usage: { promptTokens: 18, completionTokens: 95, totalTokens: 113, cachedTokens: 16, reasoningTokens: 72 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  'openrouter-reasoning': {
    summary: {
      text: 'Crisp leaves drift and fall,\nmaple fire on quiet paths —\nthe year exhales slow.',
      reasoning: 'The user asks for a haiku about autumn. 5-7-5 syllables.',
      model: 'deepseek/deepseek-r1-0528',
      usage: { promptTokens: 11, completionTokens: 64, totalTokens: 75, reasoningTokens: 41 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  'think-tags': {
    summary: {
      text: '2 + 2 = **4**. (A literal <think> tag later in the answer stays text.)',
      reasoning: 'Two plus two; basic arithmetic.',
      model: 'deepseek-r1:7b',
      usage: { promptTokens: 9, completionTokens: 31, totalTokens: 40 },
      finish: 'stop',
    },
    invalidChunks: [],
  },
  'parallel-tool-calls': {
    summary: {
      text: '',
      toolCalls: [
        {
          index: 0,
          id: 'call_Xk3pQ9vLm2Tz8Rb4',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"東京","unit":"celsius"}' },
        },
        {
          index: 1,
          id: 'call_Wm7nB2cD5fG8hJ1k',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Zürich","unit":"celsius"}' },
        },
      ],
      model: 'gpt-4.1-2025-04-14',
      usage: { promptTokens: 82, completionTokens: 48, totalTokens: 130 },
      finish: 'tool_calls',
    },
    invalidChunks: [],
  },
  'n-choices': {
    summary: {
      text: 'Roses are red.',
      model: 'gpt-4o-mini-2024-07-18',
      finish: 'stop',
      choices: { 1: { text: 'Violets are blue, sugar is', finish: 'length' } },
      usage: { promptTokens: 15, completionTokens: 10, totalTokens: 25 },
    },
    invalidChunks: [],
  },
  'length-finish': {
    summary: {
      text: 'Here are the steps:\n\n1. Install the  package\n2. Run',
      model: 'gpt-4o-2024-08-06',
      usage: { promptTokens: 21, completionTokens: 16, totalTokens: 37 },
      finish: 'length',
    },
    invalidChunks: [],
  },
  'content-filter-finish': {
    summary: {
      text: 'The battle scene opens with',
      model: 'gpt-4o-2024-11-20',
      usage: { promptTokens: 30, completionTokens: 6, totalTokens: 36 },
      finish: 'content_filter',
    },
    invalidChunks: [],
  },
  'unknown-finish': {
    summary: { text: 'Bonjour ! Comment ça va ?', model: 'mistralai/Mistral-7B-Instruct-v0.3', finish: 'eos' },
    // "eos" is not one of the finish reasons OpenAI's schema lists: real, kept as it is.
    invalidChunks: [4],
  },
  'openrouter-midstream-error-with-finish-error': {
    summary: {
      text: 'Use merge sort when stability',
      reasoning: 'Comparing both sorting options.',
      model: 'openai/o4-mini',
      errorKind: 'streamError',
      errorMessage: 'Provider disconnected unexpectedly',
      errorCode: 'server_error',
    },
    // The error chunk's finish_reason "error" is OpenRouter's, outside OpenAI's schema.
    invalidChunks: [4],
  },
};

/** The hostile-corpus cases (test/hostile/cases.ts) each fixture stands for. */
const FIXTURE_CASES: Record<string, string> = {
  'openrouter-keepalive': '[B7-33]',
  crlf: '[B7-37]',
  bom: '[B7-37]',
  'lone-cr': '[B7-37]',
  'multi-line-data': '[B7-37]',
  'after-done': '[B7-37]',
  'azure-empty-first': '[B7-39]',
  'null-content': '[B7-39]',
  'deepseek-reasoning': '[B7-39]',
  'openrouter-reasoning': '[B7-39]',
  'midstream-error': '[B7-34]',
  'openrouter-midstream-error-with-finish-error': '[B7-34]',
  'vllm-error': '[B7-35]',
  'event-error': '[B7-35]',
  truncated: '[B7-36]',
  malformed: '[B7-41]',
  'length-finish': '[B7-40]',
  'content-filter-finish': '[B7-40]',
  'unknown-finish': '[B7-40]',
};
const casesOf = (name: string) => (FIXTURE_CASES[name] ? `${FIXTURE_CASES[name]} ` : '');
/** Fixtures whose chunks carry `choices: []`, `content: null`, empty deltas or reasoning fields. */
const NULLISH_FIXTURES = new Set(['azure-empty-first', 'null-content', 'deepseek-reasoning', 'openrouter-reasoning']);

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

      it(`${casesOf(name)}yields the text, model, usage, finish reason and error the user should see`, () => {
        assert.deepEqual(summarize(oneShot(bytes)), expected.summary);
      });

      it(`${NULLISH_FIXTURES.has(name) ? '[B7-39] ' : ''}reports the model before any of the reply and ends with one finish per choice or one error (no "null" text)`, () => {
        const events = oneShot(bytes);
        const firstReply = events.findIndex((event) => ['text', 'reasoning', 'toolCallDelta'].includes(event.type));
        const model = events.findIndex((event) => event.type === 'model');
        if (firstReply >= 0) assert.ok(model >= 0 && model < firstReply, 'model comes before the reply');
        const finishes = events.filter((event) => event.type === 'finish');
        const errors = events.filter((event) => event.type === 'error');
        const summary = expected.summary;
        if (summary.errorKind) assert.deepEqual([finishes.length, errors.length], [0, 1]);
        else assert.deepEqual([finishes.length, errors.length], [1 + Object.keys(summary.choices ?? {}).length, 0]);
        for (const event of events) {
          if (event.type === 'text' || event.type === 'reasoning')
            assert.doesNotMatch(event.text, /\b(null|undefined)\b/);
        }
      });

      it('[B7-38] gives identical events when split at every byte boundary', () => {
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
          assert.deepEqual(
            mergeText(decodePieces(splitAt(bytes, positions))),
            reference,
            `split at ${positions.join(',')}`,
          );
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
    const summary = summarize(
      decodeText(chunk({ role: 'assistant' }) + chunk({ content: 'Done.' }) + 'data: [DONE]\n\n'),
    );
    assert.equal(summary.text, 'Done.');
    assert.equal(summary.errorKind, undefined);
    assert.equal(summary.finish, 'stop');
  });

  it('accepts a finish reason without [DONE] (some gateways omit it)', () => {
    const summary = summarize(decodeText(chunk({ content: 'ok' }) + chunk({}, 'stop')));
    assert.deepEqual(summary, { text: 'ok', model: 'm', finish: 'stop' });
  });

  it('[B7-40] keeps unusual finish reasons (length, content_filter, eos) as they are', () => {
    for (const reason of ['length', 'content_filter', 'tool_calls', 'eos', 'insufficient_system_resource']) {
      assert.equal(
        summarize(decodeText(chunk({ content: 'x' }) + chunk({}, reason) + 'data: [DONE]\n\n')).finish,
        reason,
      );
    }
  });

  it('[B7-36] reports a connection cut in the middle of a line as interrupted, not as a malformed stream', () => {
    const text = chunk({ content: 'Half' }) + chunk({ content: ' a line' }).slice(0, 60);
    const summary = summarize(decodeText(text));
    assert.equal(summary.text, 'Half');
    assert.equal(summary.errorKind, 'interrupted');
  });

  it('still reads a last complete event that lacks its blank line', () => {
    const summary = summarize(decodeText(chunk({ content: 'x' }) + chunk({}, 'stop').trimEnd()));
    assert.deepEqual(summary, { text: 'x', model: 'm', finish: 'stop' });
  });

  it('[B7-36] reports an empty body as interrupted', () => {
    assert.equal(summarize(decodeText('')).errorKind, 'interrupted');
  });

  it('[B7-33][B7-39] ignores keep-alive comments, empty data and deltas without content', () => {
    const events = decodeText(
      ': keep-alive\n\n' +
        'data:\n\n' +
        chunk({}) +
        chunk({ content: null }) +
        chunk({ content: 'a' }) +
        chunk({}, 'stop'),
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

  it('[B7-37] ignores everything after [DONE], including later feeds', () => {
    const decoder = new ChatStreamDecoder('h');
    const first = decoder.feed(chunk({ content: 'a' }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    assert.equal(decoder.closed, true);
    assert.deepEqual(decoder.feed(chunk({ content: 'late' })), []);
    assert.deepEqual(decoder.end(), []);
    assert.equal(summarize(first).text, 'a');
  });

  it('[B7-39] reads usage from a usage chunk and ignores usage: null', () => {
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

describe('ChatStreamDecoder: reasoning, tool calls, several choices', () => {
  const chunk = (choices: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra })}\n\n`;
  const delta = (value: Record<string, unknown>, finishReason: string | null = null, index = 0) =>
    chunk([{ index, delta: value, finish_reason: finishReason }]);
  const decodeText = (text: string, options?: { thinkTags?: boolean }) => {
    const decoder = new ChatStreamDecoder('h', options);
    return [...decoder.feed(text), ...decoder.end()];
  };

  it('reports reasoning apart from the text, whichever field carries it, and never both copies', () => {
    const events = decodeText(
      delta({ role: 'assistant', content: null, reasoning_content: 'Deep' }) +
        delta({ reasoning: 'Router' }) +
        // LiteLLM-style proxies send the same text in both fields: shown once.
        delta({ reasoning_content: ' both', reasoning: ' both' }) +
        delta({ content: 'Answer', reasoning_content: null, reasoning: null }) +
        delta({}, 'stop'),
    );
    assert.deepEqual(mergeText(events), [
      { type: 'model', model: 'm' },
      { type: 'reasoning', choice: 0, text: 'DeepRouter both' },
      { type: 'text', text: 'Answer' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('splits <think> at the start of the content into reasoning, even with the tag cut across chunks', () => {
    const pieces = ['<', 'th', 'ink', '>\n', 'Let me', ' think.', '\n<', '/think', '>', '\n\nHello', '!'];
    const summary = summarize(decodeText(pieces.map((content) => delta({ content })).join('') + delta({}, 'stop')));
    assert.deepEqual(summary, { text: 'Hello!', reasoning: 'Let me think.', model: 'm', finish: 'stop' });
  });

  it('leaves <think> tags alone when asked to (thinkTags: false)', () => {
    const text = delta({ content: '<think>x</think>y' }) + delta({}, 'stop');
    assert.equal(summarize(decodeText(text, { thinkTags: false })).text, '<think>x</think>y');
  });

  it('gives out a half-received <think> block before reporting the cut connection', () => {
    const summary = summarize(decodeText(delta({ content: '<think>Step one' }) + delta({ content: ' and </thi' })));
    assert.equal(summary.reasoning, 'Step one and </thi');
    assert.equal(summary.errorKind, 'interrupted');
  });

  it('reports tool calls as they form (id and name once) and complete, in index order', () => {
    const events = decodeText(
      delta({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'search', arguments: '' } }],
      }) +
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }) +
        delta({
          tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'open', arguments: '{"url"' } }],
        }) +
        delta({ tool_calls: [{ index: 0, function: { arguments: '"sse"}' } }] }) +
        delta({ tool_calls: [{ index: 1, function: { arguments: ':"x"}' } }] }) +
        delta({}, 'tool_calls') +
        'data: [DONE]\n\n',
    );
    assert.deepEqual(events.slice(1), [
      { type: 'toolCallDelta', choice: 0, index: 0, id: 'call_a', name: 'search', argumentsDelta: '' },
      { type: 'toolCallDelta', choice: 0, index: 0, argumentsDelta: '{"q":' },
      { type: 'toolCallDelta', choice: 0, index: 1, id: 'call_b', name: 'open', argumentsDelta: '{"url"' },
      { type: 'toolCallDelta', choice: 0, index: 0, argumentsDelta: '"sse"}' },
      { type: 'toolCallDelta', choice: 0, index: 1, argumentsDelta: ':"x"}' },
      {
        type: 'toolCalls',
        choice: 0,
        calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'search', arguments: '{"q":"sse"}' } },
          { index: 1, id: 'call_b', type: 'function', function: { name: 'open', arguments: '{"url":"x"}' } },
        ],
      },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('completes tool calls whatever the finish reason says, and at [DONE] when none came', () => {
    const call = delta({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] });
    // Ollama and others say "stop" after tool calls.
    assert.equal(summarize(decodeText(call + delta({}, 'stop'))).toolCalls?.length, 1);
    const atDone = summarize(decodeText(call + 'data: [DONE]\n\n'));
    assert.deepEqual([atDone.toolCalls?.[0].function.arguments, atDone.finish], ['{}', 'stop']);
  });

  it('does not present half-received tool calls as complete when the stream breaks', () => {
    const events = decodeText(
      delta({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"a' } }] }),
    );
    assert.ok(!events.some((event) => event.type === 'toolCalls'));
    assert.equal(summarize(events).errorKind, 'interrupted');
  });

  it('keeps the choices of n > 1 apart and finishes only when every choice has', () => {
    const text =
      delta({ content: 'A0' }, null, 0) +
      delta({ content: 'B0' }, null, 1) +
      delta({ content: 'A1' }, null, 0) +
      delta({ content: 'B1' }, null, 1);
    const onlyFirstFinished = decodeText(text + delta({}, 'stop', 0));
    assert.deepEqual(summarize(onlyFirstFinished), {
      text: 'A0A1',
      model: 'm',
      finish: 'stop',
      choices: { 1: { text: 'B0B1' } },
      errorKind: 'interrupted',
      errorMessage: 'The connection closed before the reply was complete.',
    });
    const both = decodeText(text + delta({}, 'stop', 0) + delta({}, 'length', 1));
    const second = both.filter((event) => event.type === 'text' && event.choice === 1);
    assert.deepEqual(second, [
      { type: 'text', text: 'B0', choice: 1 },
      { type: 'text', text: 'B1', choice: 1 },
    ]);
    assert.deepEqual(both.at(-1), { type: 'finish', reason: 'length', choice: 1 });
    const done = summarize(decodeText(text + 'data: [DONE]\n\n'));
    assert.deepEqual([done.finish, done.choices?.[1].finish, done.errorKind], ['stop', 'stop', undefined]);
  });

  it('ignores a repeated finish reason (some gateways repeat it on the usage chunk)', () => {
    const text =
      delta({ content: 'x' }, 'stop') +
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], {
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }) +
      'data: [DONE]\n\n';
    assert.deepEqual(summarize(decodeText(text)), {
      text: 'x',
      model: 'm',
      finish: 'stop',
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    });
  });

  it('[B7-34] treats finish_reason "error" as a failed reply even without an error object', () => {
    const summary = summarize(decodeText(delta({ content: 'Part' }) + delta({}, 'error') + 'data: [DONE]\n\n'));
    assert.deepEqual([summary.text, summary.finish, summary.errorKind], ['Part', undefined, 'streamError']);
    assert.equal(summary.errorMessage, 'The gateway reported an error during the reply.');
  });

  it('reads cached and reasoning tokens, DeepSeek’s cache hits too, and leaves zero counts out', () => {
    const usage = (value: Record<string, unknown>) =>
      summarize(decodeText(chunk([], { usage: value }) + 'data: [DONE]\n\n')).usage;
    assert.deepEqual(usage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_cache_hit_tokens: 8 }), {
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      cachedTokens: 8,
    });
    assert.deepEqual(
      usage({
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      }),
      { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    );
  });
});

describe('completionEvents (a whole JSON completion from a server that ignored stream: true)', () => {
  const completion = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'deepseek-reasoner',
    choices,
    usage: {
      prompt_tokens: 5,
      completion_tokens: 9,
      total_tokens: 14,
      completion_tokens_details: { reasoning_tokens: 6 },
    },
    ...extra,
  });

  it('[B7-32] gives the events a stream of the same reply would: reasoning, text, usage, finish', () => {
    const body = completion([
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi!', refusal: null, reasoning_content: 'Greet back.' },
        finish_reason: 'stop',
        logprobs: null,
      },
    ]);
    assert.deepEqual(validateChatCompletionResponse(body), []);
    assert.deepEqual(completionEvents(body), [
      { type: 'model', model: 'deepseek-reasoner' },
      { type: 'reasoning', choice: 0, text: 'Greet back.' },
      { type: 'text', text: 'Hi!' },
      { type: 'usage', usage: { promptTokens: 5, completionTokens: 9, totalTokens: 14, reasoningTokens: 6 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('splits <think> blocks, completes tool calls and keeps several choices apart', () => {
    const body = completion([
      {
        index: 0,
        message: { role: 'assistant', content: '<think>plan</think>\nAnswer', refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
      {
        index: 1,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ]);
    assert.deepEqual(validateChatCompletionResponse(body), []);
    const summary = summarize(completionEvents(body));
    assert.deepEqual(summary, {
      text: 'Answer',
      reasoning: 'plan',
      model: 'deepseek-reasoner',
      usage: { promptTokens: 5, completionTokens: 9, totalTokens: 14, reasoningTokens: 6 },
      finish: 'stop',
      choices: {
        1: {
          text: '',
          toolCalls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          finish: 'tool_calls',
        },
      },
    });
  });

  it('still ends with a finish when there are no choices', () => {
    assert.deepEqual(completionEvents({ model: 'm', choices: [] }), [
      { type: 'model', model: 'm' },
      { type: 'finish', reason: 'stop' },
    ]);
  });
});
