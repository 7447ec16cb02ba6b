import { strict as assert } from 'node:assert';
import { buildChatRequest } from '../../src/core/chatRequest';
import { CONTINUE_INSTRUCTION, Conversation, isEmptyReply } from '../../src/core/conversation';
import { validateChatCompletionRequest } from '../support/requestSchema';

/** Plays one turn the way the host does: user message, streaming placeholder, then the outcome. */
function turn(
  conversation: Conversation,
  question: string,
  answer: string,
  status: 'done' | 'stopped' | 'error' | 'interrupted' = 'done',
) {
  conversation.addUserMessage(question);
  const reply = conversation.startAssistantMessage();
  reply.text = answer;
  reply.status = status;
  return reply;
}

describe('Conversation', () => {
  it('sends every earlier turn as context, in order', () => {
    const conversation = new Conversation();
    turn(conversation, 'Q1', 'A1');
    turn(conversation, 'Q2', 'A2');
    conversation.addUserMessage('Q3');
    conversation.startAssistantMessage();
    assert.deepEqual(conversation.contextMessages(), [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: 'A2' },
      { role: 'user', content: 'Q3' },
    ]);
  });

  it('leaves out the placeholder of the reply being streamed, even once it has text', () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Q1');
    const streaming = conversation.startAssistantMessage();
    streaming.text = 'partial so far';
    assert.deepEqual(conversation.contextMessages(), [{ role: 'user', content: 'Q1' }]);
  });

  it('keeps partial replies the user stopped or that broke off: they saw them', () => {
    const conversation = new Conversation();
    turn(conversation, 'Q1', 'Half an ans', 'stopped');
    turn(conversation, 'Q2', 'Cut off mid', 'interrupted');
    turn(conversation, 'Q3', 'Some text then', 'error');
    conversation.addUserMessage('Q4');
    assert.deepEqual(
      conversation.contextMessages().map((message) => message.content),
      ['Q1', 'Half an ans', 'Q2', 'Cut off mid', 'Q3', 'Some text then', 'Q4'],
    );
  });

  it('leaves out empty replies (an error before the first word, or stopped at once)', () => {
    const conversation = new Conversation();
    turn(conversation, 'Q1', '', 'error');
    turn(conversation, 'Q2', '', 'stopped');
    conversation.addUserMessage('Q3');
    assert.deepEqual(conversation.contextMessages(), [
      { role: 'user', content: 'Q1' },
      { role: 'user', content: 'Q2' },
      { role: 'user', content: 'Q3' },
    ]);
  });

  it('gives every message a distinct id, and a retry drops the failed reply so the question is asked again', () => {
    const conversation = new Conversation();
    turn(conversation, 'Q1', 'A1');
    const failed = turn(conversation, 'Q2', 'Partial bef', 'interrupted');
    const ids = conversation.messages.map((message) => message.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.notEqual(new Conversation().id, conversation.id);
    conversation.removeMessage(failed.id);
    conversation.removeMessage('no-such-id');
    assert.deepEqual(
      conversation.contextMessages().map((message) => message.content),
      ['Q1', 'A1', 'Q2'],
    );
  });

  it('with a system prompt, the body starts with it and always validates against OpenAI’s schema', () => {
    const conversation = new Conversation();
    turn(conversation, 'Q1', 'A1');
    turn(conversation, 'Q2', '', 'error');
    turn(conversation, 'Q3', 'partial', 'stopped');
    conversation.addUserMessage('Q4');
    conversation.startAssistantMessage();
    const body = buildChatRequest({
      model: 'openai/gpt-4o',
      systemPrompt: 'You are terse.',
      messages: conversation.contextMessages(),
    });
    assert.deepEqual(body.messages[0], { role: 'system', content: 'You are terse.' });
    assert.deepEqual(
      body.messages.map((message) => message.content),
      ['You are terse.', 'Q1', 'A1', 'Q2', 'Q3', 'partial', 'Q4'],
    );
    assert.deepEqual(validateChatCompletionRequest(JSON.parse(JSON.stringify(body))), []);
  });

  it('keeps a reply’s reasoning and tool calls, and sends the calls back with their results', () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Weather in Paris?');
    const reply = conversation.startAssistantMessage();
    reply.reasoning = 'I should call the weather tool.';
    reply.toolCalls = [
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ];
    reply.status = 'done';
    conversation.addToolResult(reply.id, 'call_1', '{"temp":18}');
    const answer = conversation.startAssistantMessage();
    answer.text = '18 °C in Paris.';
    answer.status = 'done';
    conversation.addUserMessage('And tomorrow?');

    const context = conversation.contextMessages();
    assert.deepEqual(context, [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
        reasoning_content: 'I should call the weather tool.',
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":18}' },
      { role: 'assistant', content: '18 °C in Paris.' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    const body = JSON.parse(JSON.stringify(buildChatRequest({ model: 'openai/gpt-4o', messages: context })));
    assert.deepEqual(validateChatCompletionRequest(body), []);
    assert.ok(!JSON.stringify(body).includes('reasoning_content'), 'reasoning is not sent back by default');
  });

  it('does not send tool calls that have no result (the API refuses unanswered calls)', () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Q1');
    const reply = conversation.startAssistantMessage();
    reply.text = 'Checking…';
    reply.toolCalls = [{ id: 'call_x', type: 'function', function: { name: 'f', arguments: '{}' } }];
    reply.status = 'stopped';
    const silent = conversation.startAssistantMessage();
    silent.toolCalls = [{ id: 'call_y', type: 'function', function: { name: 'f', arguments: '{}' } }];
    silent.status = 'done';
    conversation.addUserMessage('Q2');
    assert.deepEqual(conversation.contextMessages(), [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'Checking…' },
      { role: 'user', content: 'Q2' },
    ]);
  });

  it('sends attached images after the text of a user message', () => {
    const conversation = new Conversation();
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    conversation.addUserMessage('What is this?', [{ url: png, detail: 'high' }, { url: 'https://example.com/b.jpg' }]);
    conversation.addUserMessage('', [{ url: 'https://example.com/c.webp' }]);
    const context = conversation.contextMessages();
    assert.deepEqual(context, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: png, detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://example.com/b.jpg' } },
        ],
      },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/c.webp' } }] },
    ]);
    const body = JSON.parse(
      JSON.stringify(buildChatRequest({ model: 'google/gemini-3-flash-preview', messages: context })),
    );
    assert.deepEqual(validateChatCompletionRequest(body), []);
  });

  it('refuses a tool result for a message that is not an assistant reply', () => {
    const conversation = new Conversation();
    const question = conversation.addUserMessage('Q');
    assert.throws(() => conversation.addToolResult(question.id, 'call_1', 'x'), /No assistant message/);
    assert.throws(() => conversation.addToolResult('missing', 'call_1', 'x'), /No assistant message/);
  });

  describe('edits from the message toolbar', () => {
    function threeTurns() {
      const conversation = new Conversation();
      const replies = [turn(conversation, 'Q1', 'A1'), turn(conversation, 'Q2', 'A2'), turn(conversation, 'Q3', 'A3')];
      const users = conversation.messages.filter((message) => message.role === 'user');
      return { conversation, replies, users };
    }
    const texts = (conversation: Conversation) => conversation.messages.map((message) => message.text);

    it('regenerate: truncateFrom drops the reply and everything after it, leaving its question last', () => {
      const { conversation, replies } = threeTurns();
      const removed = conversation.truncateFrom(replies[1].id);
      assert.deepEqual(
        removed.map((message) => message.text),
        ['A2', 'Q3', 'A3'],
      );
      assert.deepEqual(texts(conversation), ['Q1', 'A1', 'Q2']);
      assert.deepEqual(conversation.contextMessages().at(-1), { role: 'user', content: 'Q2' });
    });

    it('edit & resend: replaceText changes the question, truncateAfter drops the turns after it, images stay', () => {
      const conversation = new Conversation();
      const question = conversation.addUserMessage('Q1', [{ url: 'data:image/png;base64,AAAA' }]);
      turn(conversation, 'Q2', 'A2');
      conversation.replaceText(question.id, 'Q1 edited');
      conversation.truncateAfter(question.id);
      assert.deepEqual(texts(conversation), ['Q1 edited']);
      assert.equal(conversation.messages[0]?.images?.length, 1);
      assert.throws(() => conversation.replaceText('nope', 'x'));
    });

    it('delete: a question goes with its reply, a reply goes alone', () => {
      const { conversation, replies, users } = threeTurns();
      assert.deepEqual(
        conversation.deleteMessage(users[1]!.id).map((message) => message.text),
        ['Q2', 'A2'],
      );
      assert.deepEqual(texts(conversation), ['Q1', 'A1', 'Q3', 'A3']);
      assert.deepEqual(
        conversation.deleteMessage(replies[2].id).map((message) => message.text),
        ['A3'],
      );
      assert.deepEqual(texts(conversation), ['Q1', 'A1', 'Q3']);
      assert.deepEqual(conversation.deleteMessage('unknown'), []);
    });

    /** Q1, then a reply in three rounds (two of them calling a tool, each call answered), then Q2 and A2. */
    function toolReply() {
      const conversation = new Conversation();
      conversation.addUserMessage('Q1');
      const rounds = ['R1', 'R2', 'R3'].map((text, index) => {
        const round = conversation.startAssistantMessage();
        round.text = text;
        round.status = 'done';
        if (index < 2) {
          round.toolCalls = [{ id: `c${index}`, type: 'function', function: { name: 'read_file', arguments: '{}' } }];
          conversation.addToolResult(round.id, `c${index}`, `answer ${index}`, 'result');
        }
        return round;
      });
      turn(conversation, 'Q2', 'A2');
      return { conversation, rounds };
    }

    it('regenerate on any round of a tool-calling reply starts over from its question', () => {
      const { conversation, rounds } = toolReply();
      conversation.truncateFrom(rounds[2].id);
      assert.deepEqual(texts(conversation), ['Q1']);
      assert.deepEqual(conversation.contextMessages(), [{ role: 'user', content: 'Q1' }]);
    });

    it('delete of one round of a tool-calling reply deletes the whole reply, leaving no call without its answer', () => {
      const { conversation, rounds } = toolReply();
      assert.deepEqual(
        conversation.deleteMessage(rounds[1].id).map((message) => message.text),
        ['R1', 'R2', 'R3'],
      );
      assert.deepEqual(texts(conversation), ['Q1', 'Q2', 'A2']);
    });

    it('continue: the context ends with the partial reply and the instruction; the reply streams again with its text', () => {
      const conversation = new Conversation();
      const reply = turn(conversation, 'Write a long poem', 'Roses are');
      reply.finishReason = 'length';
      assert.equal(conversation.problemWith('continue', reply.id, false), undefined);
      const context = conversation.reopenForContinue(reply.id);
      assert.deepEqual(context, [
        { role: 'user', content: 'Write a long poem' },
        { role: 'assistant', content: 'Roses are' },
        { role: 'user', content: CONTINUE_INSTRUCTION },
      ]);
      assert.equal(reply.status, 'streaming');
      assert.equal(reply.finishReason, undefined);
      assert.equal(reply.text, 'Roses are');
      // The instruction is not part of the conversation.
      assert.equal(conversation.messages.length, 2);
    });

    it('problemWith: ids must exist; nothing but copy while streaming; each action on the right kind of message', () => {
      const { conversation, replies, users } = threeTurns();
      const user = users[0]!.id;
      const reply = replies[0].id;
      assert.equal(conversation.problemWith('delete', 'a-missing', false), 'unknownMessage');
      assert.equal(conversation.problemWith('copy', 'a-missing', false), 'unknownMessage');
      assert.equal(conversation.problemWith('copy', reply, true), undefined);
      for (const edit of ['regenerate', 'delete', 'edit', 'continue'] as const)
        assert.equal(conversation.problemWith(edit, reply, true), 'streaming');
      assert.equal(conversation.problemWith('regenerate', user, false), 'notAReply');
      assert.equal(conversation.problemWith('continue', user, false), 'notAReply');
      assert.equal(conversation.problemWith('edit', reply, false), 'notAUserMessage');
      assert.equal(conversation.problemWith('continue', reply, false), 'notCutOff');
      assert.equal(conversation.problemWith('regenerate', reply, false), undefined);
      assert.equal(conversation.problemWith('edit', user, false), undefined);
      assert.equal(conversation.problemWith('delete', user, false), undefined);
    });
  });
});

describe('isEmptyReply', () => {
  it('is true for a reply that finished without text, reasoning or tool calls (only [DONE], or empty deltas)', () => {
    const reply = turn(new Conversation(), 'Q', '');
    assert.equal(isEmptyReply(reply), true);
    reply.text = ' \n ';
    assert.equal(isEmptyReply(reply), true, 'white space alone shows as nothing');
  });

  it('is false for a reply with text, with reasoning only, or with tool calls only', () => {
    assert.equal(isEmptyReply(turn(new Conversation(), 'Q', 'A')), false);
    const reasoningOnly = turn(new Conversation(), 'Q', '');
    reasoningOnly.reasoning = 'Thinking it over.';
    assert.equal(isEmptyReply(reasoningOnly), false);
    const toolCallsOnly = turn(new Conversation(), 'Q', '');
    toolCallsOnly.toolCalls = [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }];
    assert.equal(isEmptyReply(toolCallsOnly), false);
  });

  it('is false for a reply that did not finish normally, and for a user message', () => {
    for (const status of ['stopped', 'error', 'interrupted'] as const) {
      assert.equal(isEmptyReply(turn(new Conversation(), 'Q', '', status)), false, status);
    }
    const conversation = new Conversation();
    const streaming = conversation.startAssistantMessage();
    assert.equal(isEmptyReply(streaming), false, 'still streaming');
    const user = conversation.addUserMessage('');
    assert.equal(isEmptyReply(user), false);
  });

  it('[D8] takes in the turns another window saved, keeping the reply that streams meanwhile', () => {
    const conversation = new Conversation();
    const question = conversation.addUserMessage('Here');
    // What was saved and merged: this window's question, then the other window's turn before it.
    const merged = [
      { id: 'u-other', role: 'user' as const, text: 'There', status: 'done' as const },
      { id: 'a-other', role: 'assistant' as const, text: 'Answer there', status: 'done' as const },
      { ...question },
    ];
    const reply = conversation.startAssistantMessage();
    conversation.adopt(merged);
    reply.text += 'streamed after the merge';
    assert.deepEqual(
      conversation.messages.map((message) => message.text),
      ['There', 'Answer there', 'Here', 'streamed after the merge'],
    );
    assert.equal(conversation.messages[2], question, 'the question is no longer the same message');
  });
});
