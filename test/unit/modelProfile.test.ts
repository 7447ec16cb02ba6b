import { strict as assert } from 'node:assert';
import {
  DEFAULT_MODEL_PROFILE,
  isReasoningModelId,
  modelProfileFor,
  parametersIgnoredBy,
} from '../../src/core/modelProfile';

describe('modelProfileFor', () => {
  it('knows OpenAI’s reasoning families, with or without a vendor prefix', () => {
    for (const id of [
      'o1',
      'o1-mini',
      'openai/o3',
      'o3-mini-2025-01-31',
      'openai/o4-mini',
      'gpt-5',
      'openai/gpt-5.1',
      'GPT-5-mini',
      'azure/o3',
    ]) {
      assert.equal(isReasoningModelId(id), true, id);
      const profile = modelProfileFor(id);
      assert.equal(profile.maxTokensField, 'max_completion_tokens', id);
      assert.equal(profile.supportsTemperature, false, id);
    }
    for (const id of [
      'openai/gpt-4o',
      'gpt-4.1-mini',
      'o10-preview',
      'gpt-50',
      'anthropic/claude-sonnet-4.5',
      'deepseek-reasoner',
      'auto',
      '',
    ]) {
      assert.equal(isReasoningModelId(id), false, id);
      assert.deepEqual(modelProfileFor(id), DEFAULT_MODEL_PROFILE, id);
    }
  });

  it('follows the catalog’s supported_parameters when it lists them', () => {
    // What OpenRouter lists for o3: it takes max_tokens (and translates it), but no temperature.
    const o3 = modelProfileFor('openai/o3', {
      supportedParameters: ['tools', 'tool_choice', 'seed', 'max_tokens', 'response_format', 'structured_outputs'],
    });
    assert.equal(o3.maxTokensField, 'max_tokens');
    assert.equal(o3.supportsTemperature, false);
    assert.deepEqual(o3.unsupportedParameters, [
      'topP',
      'presencePenalty',
      'frequencyPenalty',
      'logitBias',
      'stop',
      'reasoningEffort',
    ]);

    const newer = modelProfileFor('vendor/model', {
      supportedParameters: ['max_completion_tokens', 'Temperature', 'top_p', 'reasoning'],
    });
    assert.equal(newer.maxTokensField, 'max_completion_tokens');
    assert.equal(newer.supportsTemperature, true);
    assert.ok(!newer.unsupportedParameters?.includes('reasoningEffort'));

    const silent = modelProfileFor('openai/o4-mini', { supportedParameters: ['temperature'] });
    assert.equal(silent.maxTokensField, 'max_completion_tokens', 'neither field listed: the built-in rule decides');
  });

  it('uses the built-in rules when the catalog has nothing to say', () => {
    assert.deepEqual(modelProfileFor('openai/o3', { supportedParameters: [] }), modelProfileFor('openai/o3'));
    assert.deepEqual(modelProfileFor('openai/gpt-4o', {}), DEFAULT_MODEL_PROFILE);
  });

  it('lets the user’s per-model overrides win, ignoring fields they leave unset', () => {
    const profile = modelProfileFor(
      'openai/o3',
      { supportedParameters: ['max_completion_tokens'] },
      { supportsTemperature: true, maxTokensField: undefined, sendReasoningBack: true },
    );
    assert.equal(profile.supportsTemperature, true);
    assert.equal(profile.maxTokensField, 'max_completion_tokens');
    assert.equal(profile.sendReasoningBack, true);
  });
});

describe('parametersIgnoredBy', () => {
  it('names the set parameters a model will not get, so the host can say so', () => {
    const parameters = { temperature: 0.2, topP: 0.9, maxTokens: 100, seed: 1, presencePenalty: 0.1 };
    assert.deepEqual(parametersIgnoredBy(modelProfileFor('openai/o3'), parameters), [
      'temperature',
      'topP',
      'presencePenalty',
    ]);
    assert.deepEqual(parametersIgnoredBy(modelProfileFor('openai/gpt-4o'), parameters), []);
    assert.deepEqual(parametersIgnoredBy(modelProfileFor('openai/o3'), { temperature: undefined }), []);
  });
});
