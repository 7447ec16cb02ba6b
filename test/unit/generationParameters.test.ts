import { strict as assert } from 'node:assert';
import { buildChatRequest } from '../../src/core/chatRequest';
import { readGenerationParameters, validateGenerationParameters } from '../../src/core/generationParameters';
import { validateChatCompletionRequest } from '../support/requestSchema';

describe('validateGenerationParameters (user settings)', () => {
  it('accepts valid settings, and treats null, "", [] and "default" as not set', () => {
    const valid = {
      temperature: 0,
      topP: 1,
      n: 3,
      stop: ['\n\n', 'END'],
      maxTokens: 4096,
      presencePenalty: -2,
      frequencyPenalty: 2,
      logitBias: { '50256': -100, '13': 100 },
      seed: 123456789,
      user: 'me',
      reasoningEffort: 'minimal',
    };
    assert.deepEqual(validateGenerationParameters(valid), []);
    assert.deepEqual(readGenerationParameters(valid).parameters, valid);
    const unset = { temperature: null, topP: undefined, stop: [], user: '', reasoningEffort: 'default', logitBias: {} };
    assert.deepEqual(readGenerationParameters(unset), { parameters: {}, problems: [] });
    assert.deepEqual(validateGenerationParameters(undefined), []);
  });

  it('names the field, the allowed range and the value for each bad setting', () => {
    const problems = validateGenerationParameters({
      temperature: 3,
      topP: -0.1,
      n: 0,
      maxTokens: 1.5,
      presencePenalty: '1',
      frequencyPenalty: Number.NaN,
      seed: 2.5,
      stop: ['a', 'b', 'c', 'd', 'e'],
      logitBias: { '50256': 101 },
      user: 42,
      reasoningEffort: 'extreme',
    });
    assert.deepEqual(
      problems.map((problem) => problem.message),
      [
        'temperature must be a number from 0 to 2 (got 3)',
        'topP must be a number from 0 to 1 (got -0.1)',
        'presencePenalty must be a number from -2 to 2 (got "1")',
        'frequencyPenalty must be a number from -2 to 2 (got NaN)',
        'n must be a whole number from 1 to 128 (got 0)',
        'maxTokens must be a whole number of at least 1 (got 1.5)',
        'seed must be a whole number (got 2.5)',
        'stop may list at most 4 sequences (got 5)',
        'logitBias values must be whole numbers from -100 to 100 (got 101 for token 50256)',
        'user must be a text (got 42)',
        'reasoningEffort must be one of none, minimal, low, medium, high, xhigh, max (got "extreme")',
      ],
    );
    assert.deepEqual(problems[0], {
      field: 'temperature',
      reason: 'must be a number from 0 to 2 (got 3)',
      message: 'temperature must be a number from 0 to 2 (got 3)',
    });
  });

  it('keeps the valid fields when others are wrong, so one bad setting does not cancel the rest', () => {
    const { parameters, problems } = readGenerationParameters({ temperature: 5, topP: 0.5, stop: 'END' });
    assert.deepEqual(parameters, { topP: 0.5, stop: 'END' });
    assert.deepEqual(
      problems.map((problem) => problem.field),
      ['temperature'],
    );
  });

  it('refuses wrong shapes: unknown names, a non-object, stop lists with non-texts or empty texts, bad token ids', () => {
    assert.deepEqual(
      validateGenerationParameters({ temprature: 1 }).map((problem) => problem.message),
      ['temprature is not a known generation parameter'],
    );
    assert.deepEqual(
      validateGenerationParameters([1]).map((problem) => problem.message),
      ['parameters must be an object (got a list)'],
    );
    assert.deepEqual(
      [
        validateGenerationParameters({ stop: [1] }),
        validateGenerationParameters({ stop: ['ok', ''] }),
        validateGenerationParameters({ logitBias: { hello: 1 } }),
        validateGenerationParameters({ logitBias: [1] }),
        validateGenerationParameters({ maxTokens: Infinity }),
      ].map((list) => list.map((problem) => problem.message)),
      [
        ['stop must be a text or a list of texts (got a list)'],
        ['stop may not contain an empty sequence'],
        ['logitBias keys must be token ids (whole numbers; got "hello")'],
        ['logitBias must be an object of token ids to biases (got a list)'],
        ['maxTokens must be a whole number of at least 1 (got Infinity)'],
      ],
    );
  });

  it('accepts exactly what OpenAI’s schema accepts at the edges of every range', () => {
    const edges = [
      { temperature: 0 },
      { temperature: 2 },
      { topP: 0 },
      { topP: 1 },
      { presencePenalty: -2 },
      { frequencyPenalty: 2 },
      { n: 1 },
      { n: 128 },
      { logitBias: { '1': -100, '2': 100 } },
      { stop: ['a', 'b', 'c', 'd'] },
    ];
    for (const edge of edges) {
      const { parameters, problems } = readGenerationParameters(edge);
      assert.deepEqual(problems, [], JSON.stringify(edge));
      const body = JSON.parse(
        JSON.stringify(
          buildChatRequest({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }], parameters }),
        ),
      );
      assert.deepEqual(validateChatCompletionRequest(body), [], JSON.stringify(edge));
    }
    const beyond = [
      { temperature: 2.01 },
      { topP: 1.01 },
      { presencePenalty: -2.1 },
      { n: 129 },
      { logitBias: { '1': 1.5 } },
    ];
    for (const value of beyond) assert.equal(validateGenerationParameters(value).length, 1, JSON.stringify(value));
  });
});
