import { strict as assert } from 'node:assert';
import { buildChatRequest } from '../../src/core/chatRequest';
import type { ChatMessage } from '../../src/core/chatTypes';
import { validateChatCompletionRequest } from '../support/requestSchema';

describe('buildChatRequest', () => {
  const turns: ChatMessage[] = [
    { role: 'user', content: 'What is SSE?' },
    { role: 'assistant', content: 'Server-sent events: a one-way text stream over HTTP.' },
    { role: 'user', content: 'And how does it end?' },
  ];

  it('sends the earlier turns as context, oldest first, ending with the new question', () => {
    const body = buildChatRequest({ model: 'openai/gpt-4o', messages: turns });
    assert.deepEqual(body.messages, turns);
    assert.equal(body.model, 'openai/gpt-4o');
  });

  it('always streams and asks for usage', () => {
    const body = buildChatRequest({ model: 'm', messages: turns });
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  it('puts a system prompt first, trimmed, and leaves a blank one out', () => {
    const withSystem = buildChatRequest({ model: 'm', messages: turns, systemPrompt: '  Answer in French.\n' });
    assert.deepEqual(withSystem.messages[0], { role: 'system', content: 'Answer in French.' });
    assert.deepEqual(withSystem.messages.slice(1), turns);
    const blank = buildChatRequest({ model: 'm', messages: turns, systemPrompt: '   ' });
    assert.deepEqual(blank.messages, turns);
  });

  it('leaves out empty messages (a reply that failed before its first word)', () => {
    const body = buildChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'First' }, { role: 'assistant', content: '' }, { role: 'user', content: 'Again' }],
    });
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'First' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('never sends optional fields as null or undefined', () => {
    const json = JSON.parse(JSON.stringify(buildChatRequest({ model: 'm', messages: turns }))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).sort(), ['messages', 'model', 'stream', 'stream_options']);
    assert.ok(!JSON.stringify(json).includes('null'));
  });

  it('produces bodies that OpenAI’s schema accepts', () => {
    const cases = [
      buildChatRequest({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      buildChatRequest({ model: 'anthropic/claude-sonnet-4.5', messages: turns, systemPrompt: 'Be brief.' }),
      buildChatRequest({ model: 'auto', messages: [{ role: 'user', content: '日本語 😀 "quotes" \\ \n newline' }] }),
    ];
    for (const body of cases) assert.deepEqual(validateChatCompletionRequest(JSON.parse(JSON.stringify(body))), []);
  });
});
