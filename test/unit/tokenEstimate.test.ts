import { strict as assert } from 'node:assert';
import type { ChatMessage } from '../../src/core/chatTypes';
import { contextBudget, fitContext, fitRoundMessages } from '../../src/core/contextFit';
import { buildSystemPrompt } from '../../src/core/systemContext';
import {
  estimateContextTokens,
  estimateImagePartTokens,
  estimateMessageTokens,
  estimateMessagesTokens,
  estimateTextTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REQUEST_OVERHEAD_TOKENS,
} from '../../src/core/tokenEstimate';
import { bytesToBase64 } from '../../src/shared/imageSniff';
import { formatTokenCount } from '../../src/shared/tokenEstimate';
import { makePng } from '../support/pngFixture';

describe('token estimate (fast, without a tokenizer)', () => {
  it('counts about 4 characters a token for Latin text and code, rounding up', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('a'), 1);
    assert.equal(estimateTextTokens('abcd'), 1);
    assert.equal(estimateTextTokens('abcde'), 2);
    assert.equal(estimateTextTokens('The quick brown fox jumps over the lazy dog.'), 11);
    assert.equal(estimateTextTokens('x'.repeat(4000)), 1000);
    // Accented Latin letters count as Latin.
    assert.equal(estimateTextTokens('café crème'), 3);
  });

  it('counts a token per CJK character, half a token per other character, a token per emoji', () => {
    assert.equal(estimateTextTokens('日本語のテキスト'), 8);
    assert.equal(estimateTextTokens('한국어'), 3);
    assert.equal(estimateTextTokens('中文，标点。'), 6);
    assert.equal(estimateTextTokens('Привет'), 3);
    assert.equal(estimateTextTokens('😀😀'), 2, 'a surrogate pair is one character');
    assert.equal(estimateTextTokens('abcd日本'), 3);
  });

  it('formats counts for the meter', () => {
    assert.deepEqual([0, 950, 1000, 3240, 12_600, 128_000, 1_048_576, 12_000_000].map(formatTokenCount), [
      '0',
      '950',
      '1k',
      '3.2k',
      '13k',
      '128k',
      '1M',
      '12M',
    ]);
  });

  it("estimates an image by OpenAI's tile formula, reading its size from the data URL", () => {
    const png = (width: number, height: number) => `data:image/png;base64,${bytesToBase64(makePng(width, height))}`;
    // 512×512: one tile. 2048×1024 → 1536×768: 3×2 tiles. low: always 85.
    assert.equal(estimateImagePartTokens({ url: png(512, 512), detail: 'high' }), 85 + 170);
    assert.equal(estimateImagePartTokens({ url: png(2048, 1024) }), 85 + 170 * 6);
    assert.equal(estimateImagePartTokens({ url: png(2048, 1024), detail: 'low' }), 85);
    // A size given wins; an unreadable image counts as a square one at high detail.
    assert.equal(estimateImagePartTokens({ url: 'https://example.com/x.png' }, { width: 100, height: 100 }), 255);
    assert.equal(estimateImagePartTokens({ url: 'data:image/png;base64,AAAA' }), 85 + 170 * 4);
  });

  it('estimates messages: content, tool calls and a few tokens of overhead each', () => {
    const user: ChatMessage = { role: 'user', content: 'abcdabcd' };
    assert.equal(estimateMessageTokens(user), MESSAGE_OVERHEAD_TOKENS + 2);
    const parts: ChatMessage = {
      role: 'user',
      content: [
        { type: 'text', text: 'abcd' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
      ],
    };
    assert.equal(estimateMessageTokens(parts), MESSAGE_OVERHEAD_TOKENS + 1 + 85);
    const call: ChatMessage = {
      role: 'assistant',
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
    };
    assert.equal(estimateMessageTokens(call), MESSAGE_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS + 3 + 4);
    assert.equal(
      estimateMessagesTokens([user, call]),
      REQUEST_OVERHEAD_TOKENS + estimateMessageTokens(user) + estimateMessageTokens(call),
    );
    assert.equal(estimateContextTokens('', [user]), estimateMessagesTokens([user]));
    assert.equal(estimateContextTokens('abcd', [user]), estimateMessagesTokens([user]) + MESSAGE_OVERHEAD_TOKENS + 1);
  });
});

describe('fitContext: the oldest turns are left out of a request too long for the model', () => {
  // Every message costs 10, so budgets are easy to read.
  const cost = () => 10;
  const user = (n: number): ChatMessage => ({ role: 'user', content: `q${n}` });
  const reply = (n: number): ChatMessage => ({ role: 'assistant', content: `a${n}` });
  const system: ChatMessage = { role: 'system', content: 'Be brief.' };
  const calls = (n: number, ...ids: string[]): ChatMessage => ({
    role: 'assistant',
    tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: `read${n}`, arguments: '{}' } })),
  });
  const result = (id: string): ChatMessage => ({ role: 'tool', tool_call_id: id, content: 'text' });
  const contents = (messages: readonly ChatMessage[]) =>
    messages.map((message) =>
      message.role === 'tool'
        ? `tool:${message.tool_call_id}`
        : message.role === 'assistant' && message.tool_calls
          ? `calls:${message.tool_calls.map((call) => call.id).join(',')}`
          : String(message.content),
    );

  it('sends everything when it fits', () => {
    const messages = [system, user(1), reply(1), user(2)];
    const fitted = fitContext(messages, 43, cost);
    assert.deepEqual(fitted.messages, messages);
    assert.deepEqual(fitted.dropped, []);
    assert.equal(fitted.tokens, 43);
    assert.equal(fitted.fits, true);
  });

  it('leaves out whole turns, oldest first, keeping the system message and the newest question', () => {
    const messages = [system, user(1), reply(1), user(2), reply(2), user(3), reply(3), user(4)];
    const fitted = fitContext(messages, 3 + 50, cost);
    assert.deepEqual(contents(fitted.messages), ['Be brief.', 'q3', 'a3', 'q4']);
    assert.deepEqual(contents(fitted.dropped), ['q1', 'a1', 'q2', 'a2']);
    assert.equal(fitted.tokens, 43);
    assert.equal(fitted.fits, true);
  });

  it('never parts a reply that called tools from its tool results', () => {
    const messages = [
      user(1),
      calls(1, 'c1', 'c2'),
      result('c1'),
      result('c2'),
      reply(1),
      user(2),
      calls(2, 'c3'),
      result('c3'),
      reply(2),
      user(3),
    ];
    // Room for 3 messages besides the overhead: the first turn (5 messages) goes whole, then the second (4).
    const fitted = fitContext(messages, 3 + 60, cost);
    assert.deepEqual(contents(fitted.messages), ['q2', 'calls:c3', 'tool:c3', 'a2', 'q3']);
    assert.deepEqual(contents(fitted.dropped), ['q1', 'calls:c1,c2', 'tool:c1', 'tool:c2', 'a1']);
    for (const [index, message] of fitted.messages.entries()) {
      if (message.role !== 'tool') continue;
      const caller = fitted.messages
        .slice(0, index)
        .reverse()
        .find((earlier) => earlier.role === 'assistant' && earlier.tool_calls);
      assert.ok(
        caller?.role === 'assistant' && caller.tool_calls?.some((c) => c.id === message.tool_call_id),
        `tool result ${message.tool_call_id} was sent without its call`,
      );
    }
  });

  it("keeps the newest question and the current turn's tool loop even when they alone are too long", () => {
    const messages = [system, user(1), reply(1), user(2), calls(2, 'c1'), result('c1'), calls(2, 'c2'), result('c2')];
    const fitted = fitContext(messages, 20, cost);
    assert.deepEqual(contents(fitted.messages), ['Be brief.', 'q2', 'calls:c1', 'tool:c1', 'calls:c2', 'tool:c2']);
    assert.deepEqual(contents(fitted.dropped), ['q1', 'a1']);
    assert.equal(fitted.fits, false);
  });

  it('keeps a system message found between turns, and a conversation without a question whole', () => {
    const messages = [user(1), { role: 'system', content: 'Note' } as ChatMessage, reply(1), user(2)];
    assert.deepEqual(contents(fitContext(messages, 25, cost).messages), ['Note', 'q2']);
    const replies = [reply(1), reply(2)];
    assert.deepEqual(fitContext(replies, 0, cost).messages, replies);
  });

  it('uses the token estimate by default', () => {
    const long: ChatMessage = { role: 'user', content: 'x'.repeat(40_000) };
    const fitted = fitContext([long, reply(1), user(2)], 1000);
    assert.deepEqual(contents(fitted.messages), ['q2']);
    assert.equal(fitted.dropped.length, 2);
  });

  it("budgets the messages: the context minus the reply's room and what else goes with them", () => {
    assert.equal(contextBudget(128_000), 128_000 - 8192);
    assert.equal(contextBudget(8000), 6000);
    assert.equal(contextBudget(128_000, { maxTokens: 1000, reserved: 2000 }), 125_000);
    assert.equal(contextBudget(1000, { maxTokens: 4000 }), 0);
  });
});

describe('buildSystemPrompt: the user prompt, then the project instructions', () => {
  it('puts the user prompt first and names each instructions file', () => {
    assert.equal(buildSystemPrompt(''), '');
    assert.equal(buildSystemPrompt('Be brief.'), 'Be brief.');
    const prompt = buildSystemPrompt('Be brief.', [
      { path: 'AGENTS.md', text: 'Use tabs.\n' },
      { path: '.github/copilot-instructions.md', text: '   ' },
      { path: 'api/AGENTS.md', text: 'Run npm test.' },
    ]);
    assert.equal(
      prompt,
      'Be brief.\n\n' +
        "Project instructions from AGENTS.md (a file of the user's workspace; follow them where they apply to the user's request):\n\nUse tabs.\n\n" +
        "Project instructions from api/AGENTS.md (a file of the user's workspace; follow them where they apply to the user's request):\n\nRun npm test.",
    );
    assert.match(buildSystemPrompt('  ', [{ path: 'AGENTS.md', text: 'x' }]), /^Project instructions from AGENTS\.md/);
  });
});

describe('fitRoundMessages: what one round of a turn sends within the model context', () => {
  const turn = (n: number, chars: number): ChatMessage[] => [
    { role: 'user', content: `question ${n} ${'q'.repeat(chars)}` },
    { role: 'assistant', content: `answer ${n} ${'a'.repeat(chars)}` },
  ];
  const history = [...turn(1, 4000), ...turn(2, 4000), ...turn(3, 4000), { role: 'user', content: 'last' } as const];

  it('sends the messages as they are when the context length is unknown or they fit', () => {
    assert.deepEqual(fitRoundMessages({ messages: history }), { messages: history, leftOut: 0 });
    const roomy = fitRoundMessages({ messages: history, contextLength: 128_000 });
    assert.equal(roomy.leftOut, 0);
    assert.equal(roomy.messages.length, history.length);
  });

  it('leaves out the oldest turns of a conversation longer than the context, keeping the newest question', () => {
    // About 6,000 tokens of history in a 4,096-token context: a quarter is kept for the reply.
    const fitted = fitRoundMessages({ messages: history, contextLength: 4096 });
    assert.equal(fitted.leftOut, 4, 'two whole turns (question and answer) should be left out');
    assert.deepEqual(
      fitted.messages.map((message) => String(message.content).split(' ').slice(0, 2).join(' ')),
      ['question 3', 'answer 3', 'last'],
    );
  });

  it('counts the system prompt, the tool definitions and max_tokens against the budget', () => {
    const base = fitRoundMessages({ messages: history, contextLength: 8192 }).leftOut;
    assert.equal(base, 0, 'the history alone fits 8k');
    assert.ok(fitRoundMessages({ messages: history, contextLength: 8192, systemPrompt: 's'.repeat(8000) }).leftOut > 0);
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'read_file', description: 'd'.repeat(8000), parameters: { type: 'object' } },
      },
    ];
    assert.ok(fitRoundMessages({ messages: history, contextLength: 8192, tools }).leftOut > 0);
    assert.ok(fitRoundMessages({ messages: history, contextLength: 8192, maxTokens: 4000 }).leftOut > 0);
  });
});
