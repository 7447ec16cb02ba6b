/**
 * A chat round trip typed into the real panel, against a local OpenAI-compatible gateway (FakeGateway): what the
 * user sees (the streamed reply) and what the gateway receives (key, schema-valid body, the conversation).
 */
import * as assert from 'node:assert/strict';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import {
  ask,
  clearNotifications,
  contentText,
  messagesOf,
  newChat,
  sel,
  startChatSuite,
  TEST_API_KEY,
  until,
  waitForLastAssistant,
} from './helpers';
import * as ui from './ui';

describe('Chat round trip in the panel', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
    await newChat();
  });

  after(async () => {
    await gateway?.close();
  });

  const firstQuestion = 'What is the capital of France?';
  const firstAnswer = 'The capital of France is Paris.';

  it('streams the reply to a question typed in the composer and sent with Enter', async () => {
    gateway.enqueue(
      sseReply(['The capital', ' of France', ' is Paris.'], { delayMs: 40, model: 'openai/gpt-4o-mini' }),
    );
    await ask(firstQuestion);
    const request = await gateway.nextChatRequest(15_000);

    await ui.waitForPanelText(sel.userBody, firstQuestion);
    const text = await waitForLastAssistant('done');
    assert.equal(text.trim(), firstAnswer);
    assert.equal(await ui.composerValue(), '', 'the composer was not cleared after sending');

    assert.equal(request.method, 'POST');
    assert.match(request.path, /\/v1\/chat\/completions$/);
    assert.equal(request.headers.authorization, `Bearer ${TEST_API_KEY}`);
    assert.deepEqual(request.schemaErrors, [], 'the request body does not match the Chat Completions schema');
    const body = request.body as { model?: string; stream?: boolean };
    assert.equal(body.model, 'openai/gpt-4o-mini', 'the configured model was not sent');
    assert.equal(body.stream, true);
    const messages = messagesOf(request.body);
    const last = messages[messages.length - 1];
    assert.equal(last.role, 'user');
    assert.equal(contentText(last.content), firstQuestion);
  });

  it('sends the first turn as context with a second question', async () => {
    const second = 'And of Italy?';
    gateway.enqueue(sseReply(['Rome.'], { model: 'openai/gpt-4o-mini' }));
    await ask(second);
    const request = await gateway.nextChatRequest(15_000);
    assert.equal((await waitForLastAssistant('done')).trim(), 'Rome.');
    assert.deepEqual(request.schemaErrors, []);
    const turns = messagesOf(request.body)
      .filter((m) => m.role === 'user' || m.role === 'assistant')
      .map((m) => [m.role, contentText(m.content)]);
    assert.deepEqual(turns, [
      ['user', firstQuestion],
      ['assistant', firstAnswer],
      ['user', second],
    ]);
    assert.equal(await ui.count(sel.user), 2);
    assert.equal(await ui.count(sel.assistant), 2);
  });

  it('Shift+Enter adds a newline instead of sending', async () => {
    const before = gateway.chatRequests().length;
    await ui.typeInComposer('first line');
    await ui.press('Shift+Enter');
    await ui.typeInComposer('second line');
    assert.equal(gateway.chatRequests().length, before, 'Shift+Enter sent the message');
    assert.match(await ui.composerValue(), /first line\n\s*second line/);
    gateway.enqueue(sseReply(['Got both lines.']));
    await ui.press('Enter');
    const request = await gateway.nextChatRequest(15_000);
    const messages = messagesOf(request.body);
    assert.match(contentText(messages[messages.length - 1].content), /first line\n\s*second line/);
    await waitForLastAssistant('done');
  });

  it('"New Chat" starts an empty conversation that sends no earlier turns', async () => {
    await newChat();
    gateway.enqueue(sseReply(['Fresh start.']));
    await ask('Hello again');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const turns = messagesOf(request.body).filter((m) => m.role === 'user' || m.role === 'assistant');
    assert.deepEqual(
      turns.map((m) => contentText(m.content)),
      ['Hello again'],
    );
  });

  it('a reply without any text (only [DONE], or only empty deltas) is done and says the gateway sent nothing', async () => {
    await newChat();
    const emptyNotice = 'The gateway ended the reply without any text.';
    const onlyDone = {
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
      steps: [{ kind: 'write' as const, data: 'data: [DONE]\n\n' }],
    };
    gateway.enqueue(onlyDone);
    await ask('Anything?');
    await gateway.nextChatRequest(15_000);
    assert.equal((await waitForLastAssistant('done')).trim(), '');
    await ui.waitForPanelText(sel.notice, emptyNotice);

    gateway.enqueue(sseReply(['', '']));
    await ask('Anything at all?');
    await gateway.nextChatRequest(15_000);
    await ui.waitForCount(sel.assistant, 2);
    assert.equal((await waitForLastAssistant('done')).trim(), '');
    const notices = await until('a notice on both replies', async () => {
      const texts = await ui.panelTexts(sel.notice);
      return texts.length === 2 && texts.every((text) => text.includes(emptyNotice)) ? texts : undefined;
    });
    assert.equal(notices.length, 2);

    gateway.enqueue(sseReply(['Here you are.']));
    await ask('And now?');
    await gateway.nextChatRequest(15_000);
    await ui.waitForCount(sel.assistant, 3);
    assert.equal((await waitForLastAssistant('done')).trim(), 'Here you are.');
    assert.equal((await ui.panelTexts(sel.notice))[2]?.trim() ?? '', '', 'a reply with text has no notice');
  });

  it('[D6] a gateway slow to answer: "Waiting for the gateway…" shows, the request goes once, the reply replaces the notice', async () => {
    await newChat();
    const before = gateway.chatRequests().length;
    const reply = sseReply(['Model loaded, here is the answer.']);
    gateway.enqueue({ ...reply, holdHeaders: true, steps: [{ kind: 'hold' }, ...reply.steps] });
    await ask('Are you there?');
    await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.notice, 'Waiting for the gateway…');
    gateway.release();
    assert.equal((await waitForLastAssistant('done')).trim(), 'Model loaded, here is the answer.');
    assert.equal((await ui.panelTexts(sel.notice)).at(-1)?.trim() ?? '', '', 'the notice stayed after the reply');
    assert.equal(gateway.chatRequests().length - before, 1, 'the request was sent more than once');
  });

  it('looks right with a real question and a multi-line answer (screenshot chat-panel)', async () => {
    await newChat();
    const answer = [
      'Three common ways:\n\n',
      '1. `numbers[::-1]` returns a reversed copy.\n',
      '2. `list(reversed(numbers))` does the same through an iterator.\n',
      '3. `numbers.reverse()` reverses the list **in place** and returns `None`.\n\n',
      '```python\nnumbers = [1, 2, 3]\nnumbers.reverse()\nprint(numbers)  # [3, 2, 1]\n```\n\n',
      'Use one of the first two when you still need the original order.',
    ];
    gateway.enqueue(sseReply(answer, { delayMs: 20, model: 'openai/gpt-4o-mini' }));
    await ask('How do I reverse a list in Python?');
    await gateway.nextChatRequest(15_000);
    const text = await waitForLastAssistant('done');
    assert.match(text, /numbers\[::-1\] returns a reversed copy/);
    assert.match(text, /reverses the list in place and returns None/);
    await clearNotifications();
    await ui.resizeSideBar(520);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = await ui.screenshot('chat-panel');
    assert.ok(file.endsWith('chat-panel.png'));
  });
});
