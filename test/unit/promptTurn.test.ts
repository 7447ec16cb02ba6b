import { strict as assert } from 'node:assert';
import { streamChatCompletion } from '../../src/core/chatClient';
import type { ChatMessage } from '../../src/core/chatTypes';
import { buildEditPrompt } from '../../src/core/editPrompt';
import { DEFAULT_MODEL_PROFILE } from '../../src/core/modelProfile';
import { PromptTranscript, streamPromptReply, type PromptReplyOptions } from '../../src/core/turn/promptTurn';
import { createReplyTurn } from '../../src/core/turn/replyTurn';
import { buildTurnRequest, type GatewaySnapshot } from '../../src/core/turn/turnRequest';
import { errorReply, sseReply, sseToolCalls, type ReplyStep } from '../support/fakeGateway';
import { useLocalGateway, type LocalGateway } from './clientHelpers';
import { call, feedRound, finish, manualClock, only, text, toolCalls } from './turnHelpers';

const PROMPT = buildEditPrompt({
  command: 'refactor',
  languageId: 'js',
  relativePath: 'src/total.js',
  selection: '  let sum = 0;',
  before: 'function total(items) {',
  after: '}',
  instruction: 'Rename sum to total.',
});

/** A chat setting that must not reach an editor command's request: tools are never offered there. */
const SNAPSHOT: GatewaySnapshot = {
  model: 'openai/gpt-4o',
  systemPrompt: PROMPT.system,
  parameters: {},
  modelProfile: DEFAULT_MODEL_PROFILE,
  toolChoice: 'required',
  parallelToolCalls: true,
};

describe('the transcript of a reply to a fixed prompt (PromptTranscript)', () => {
  it('sends the prompt as it was given, and leaves out the reply while it streams', () => {
    const prompt: ChatMessage[] = [{ role: 'user', content: 'Fix it.' }];
    const transcript = new PromptTranscript(prompt);
    prompt.push({ role: 'user', content: 'added later by the caller' });
    const reply = transcript.startAssistantMessage();
    reply.text = 'Partial';
    assert.deepEqual(transcript.contextMessages(), [{ role: 'user', content: 'Fix it.' }]);
  });

  it('a settled round follows the prompt, each of its calls answered right after it', () => {
    const transcript = new PromptTranscript([{ role: 'user', content: 'Fix it.' }]);
    const turn = createReplyTurn({ transcript, now: manualClock().now });
    turn.handle({ type: 'start' });
    const effects = feedRound(turn, text('Looking.'), toolCalls(call('call_1', 'read_file')), finish('tool_calls'));
    assert.equal(only(effects, 'turnEnded')[0].notice?.kind, 'toolCallsWithoutTools');
    assert.deepEqual(
      transcript.contextMessages(),
      [
        { role: 'user', content: 'Fix it.' },
        { role: 'assistant', content: 'Looking.' },
      ],
      'a call nobody answered is left out',
    );
    const message = turn.message;
    assert.ok(message);
    transcript.addToolResult(message.id, 'call_1', 'not run');
    assert.deepEqual(transcript.contextMessages(), [
      { role: 'user', content: 'Fix it.' },
      {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'not run' },
    ]);
  });
});

describe('a reply to an editor command’s prompt (streamPromptReply) against the fake gateway', () => {
  let local: LocalGateway;
  useLocalGateway((value) => (local = value));

  function reply(options: Partial<PromptReplyOptions> = {}) {
    const texts: string[] = [];
    const failures: unknown[] = [];
    const done = streamPromptReply({
      messages: PROMPT.messages,
      stream: (request, signal) =>
        streamChatCompletion(local.options, buildTurnRequest(SNAPSHOT, request.messages, request.tools), signal),
      describeFailure: (error) => {
        failures.push(error);
        return String(error);
      },
      onText: (value) => texts.push(value),
      signal: new AbortController().signal,
      now: manualClock().now,
      ...options,
    });
    return { texts, failures, done };
  }

  it('sends the prompt with the command’s system prompt and no tools; the text grows with the whole reply so far', async () => {
    local.gateway.enqueue(sseReply(['```js\n', '  let total = 0;\n', '```']));
    const { texts, done } = reply();
    const result = await done;
    const request = await local.gateway.nextChatRequest();
    assert.deepEqual(request.schemaErrors, []);
    const body = request.body as Record<string, unknown>;
    assert.deepEqual(body.messages, [
      { role: 'system', content: PROMPT.system },
      { role: 'user', content: PROMPT.user },
    ]);
    for (const field of ['tools', 'tool_choice', 'parallel_tool_calls']) assert.equal(field in body, false, field);
    assert.deepEqual(texts, ['```js\n', '```js\n  let total = 0;\n', '```js\n  let total = 0;\n```']);
    assert.deepEqual(result, { status: 'done', text: '```js\n  let total = 0;\n```', finishReason: 'stop' });
  });

  it('a length finish is reported with the text that came', async () => {
    local.gateway.enqueue(sseReply(['```js\n', '  let'], { finishReason: 'length' }));
    const result = await reply().done;
    assert.deepEqual(result, { status: 'done', text: '```js\n  let', finishReason: 'length' });
  });

  it('a gateway error ends the reply with that error, sent once', async () => {
    local.gateway.enqueue(errorReply(400, 'The model refused.'));
    const result = await reply().done;
    assert.equal(result.status, 'error');
    assert.equal(result.text, '');
    assert.equal(result.error?.message, 'The model refused.');
    assert.equal(local.gateway.chatRequests().length, 1);
  });

  it('[B7-34] a mid-stream error keeps the partial text and ends the reply failed with the gateway’s message', async () => {
    const partial = sseReply(['Once upon', ' a time'], { finishReason: null, usage: false, done: false });
    partial.steps.push({
      kind: 'write',
      data: 'data: {"error":{"message":"Provider returned error","code":502},"choices":[{"index":0,"delta":{},"finish_reason":"error"}]}\n\n',
    });
    local.gateway.enqueue(partial);
    const result = await reply().done;
    assert.equal(result.status, 'error');
    assert.equal(result.text, 'Once upon a time');
    assert.equal(result.error?.message, 'Provider returned error');
    assert.equal(local.gateway.chatRequests().length, 1, 'a reply that began is never sent again');
  });

  it('[B7-36] a dropped connection keeps the partial reply and ends it interrupted', async () => {
    const full = sseReply(['One', ' two', ' three']);
    const steps: ReplyStep[] = [...full.steps.slice(0, 3), { kind: 'wait', ms: 30 }, { kind: 'destroy' }];
    local.gateway.enqueue({ ...full, steps });
    const result = await reply().done;
    assert.equal(result.status, 'interrupted');
    assert.equal(result.text, 'One two');
    assert.equal(result.error?.kind, 'interrupted');
  });

  it('[B7-44] Stop while the reply streams closes the connection and keeps the text so far, without an error', async () => {
    local.gateway.enqueue(sseReply(['Partial', ' reply', ' never sent'], { holdAfter: 2 }));
    const stop = new AbortController();
    const { done } = reply({
      signal: stop.signal,
      onText: (value) => {
        if (value === 'Partial reply') stop.abort();
      },
    });
    const result = await done;
    assert.deepEqual(result, { status: 'stopped', text: 'Partial reply' });
    const received = await local.gateway.nextChatRequest();
    await received.whenClientClosed;
    assert.equal(received.clientClosedEarly, true);
  });

  it('Stop before the request goes out sends nothing', async () => {
    const stop = new AbortController();
    stop.abort();
    const result = await reply({ signal: stop.signal }).done;
    assert.deepEqual(result, { status: 'stopped', text: '' });
    assert.equal(local.gateway.chatRequests().length, 0);
  });

  it('a reply that calls tools anyway runs none and sends nothing more', async () => {
    local.gateway.enqueue(sseToolCalls([{ id: 'call_1', name: 'read_file', arguments: { path: 'a.txt' } }]));
    const result = await reply().done;
    assert.deepEqual(result, { status: 'done', text: '', finishReason: 'tool_calls' });
    assert.equal(local.gateway.chatRequests().length, 1);
  });

  it('a stream that throws ends the reply interrupted, in the words the host gives', async () => {
    const { failures, done } = reply({
      stream: async function* () {
        throw new Error('socket hang up');
      },
    });
    const result = await done;
    assert.equal(result.status, 'interrupted');
    assert.equal(result.error?.message, 'Error: socket hang up');
    assert.equal(failures.length, 1);
  });
});
