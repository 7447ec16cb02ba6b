import { strict as assert } from 'node:assert';
import {
  validateChatCompletionRequest,
  validateChatCompletionResponse,
  validateChatCompletionStreamChunk,
  validateErrorResponse,
  validateListModelsResponse,
} from '../support/requestSchema';

describe('requestSchema (OpenAI Chat Completions schema)', () => {
  describe('validateChatCompletionRequest', () => {
    it('accepts the minimal streamed body the extension sends', () => {
      assert.deepEqual(
        validateChatCompletionRequest({
          model: 'm',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
          stream_options: { include_usage: true },
        }),
        [],
      );
    });

    it('accepts a multi-turn conversation with a system prompt', () => {
      assert.deepEqual(
        validateChatCompletionRequest({
          model: 'openai/gpt-4o',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'Hello!' },
            { role: 'user', content: 'And now?' },
          ],
          stream: true,
        }),
        [],
      );
    });

    it('refuses an unknown role with a readable line that names the place', () => {
      const errors = validateChatCompletionRequest({ model: 'm', messages: [{ role: 'robot', content: 'x' }] });
      assert.ok(errors.length > 0);
      assert.ok(
        errors.some((line) => line.startsWith('/messages/0/role must be equal to one of the allowed values')),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((line) => line.includes('"robot"')),
        errors.join('\n'),
      );
    });

    it('refuses a body without a model and with no messages', () => {
      const errors = validateChatCompletionRequest({ messages: [] });
      assert.ok(
        errors.some((line) => line.includes("must have required property 'model'")),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((line) => line.startsWith('/messages must NOT have fewer than 1 items')),
        errors.join('\n'),
      );
    });

    it('refuses wrong types: content as a number, stream as a string, null fields', () => {
      assert.ok(
        validateChatCompletionRequest({ model: 'm', messages: [{ role: 'user', content: 5 }] }).some((line) =>
          line.startsWith('/messages/0/content'),
        ),
      );
      assert.ok(
        validateChatCompletionRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }).some(
          (line) => line.startsWith('/stream'),
        ),
      );
      assert.notDeepEqual(
        validateChatCompletionRequest({ model: null, messages: [{ role: 'user', content: 'x' }] }),
        [],
      );
      assert.notDeepEqual(validateChatCompletionRequest(null), []);
      assert.notDeepEqual(validateChatCompletionRequest('{"model":"m"}'), []);
    });

    it('refuses a message without content', () => {
      assert.notDeepEqual(validateChatCompletionRequest({ model: 'm', messages: [{ role: 'user' }] }), []);
    });
  });

  describe('response validators', () => {
    const chunk = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1743412345,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
    };

    it('accepts a stream chunk, a usage chunk with choices: [] and usage: null', () => {
      assert.deepEqual(validateChatCompletionStreamChunk(chunk), []);
      assert.deepEqual(validateChatCompletionStreamChunk({ ...chunk, usage: null }), []);
      assert.deepEqual(
        validateChatCompletionStreamChunk({
          ...chunk,
          choices: [],
          usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
        }),
        [],
      );
    });

    it('refuses a chunk with an unknown finish reason or a wrong object type', () => {
      assert.notDeepEqual(
        validateChatCompletionStreamChunk({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'error' }] }),
        [],
      );
      assert.notDeepEqual(validateChatCompletionStreamChunk({ ...chunk, object: 'chat.completion' }), []);
      assert.notDeepEqual(validateChatCompletionStreamChunk({ ...chunk, created: 1.5 }), []);
    });

    it('checks whole completions, model lists and error bodies', () => {
      const completion = {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1743412345,
        model: 'gpt-4o',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hi', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
      };
      assert.deepEqual(validateChatCompletionResponse(completion), []);
      assert.notDeepEqual(validateChatCompletionResponse({ ...completion, choices: [{ index: 0 }] }), []);
      assert.deepEqual(
        validateListModelsResponse({
          object: 'list',
          data: [{ id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' }],
        }),
        [],
      );
      assert.deepEqual(
        validateErrorResponse({ error: { message: 'Nope', type: 'invalid_request_error', code: null, param: null } }),
        [],
      );
      assert.notDeepEqual(validateErrorResponse({ error: 'Nope' }), []);
    });
  });
});
