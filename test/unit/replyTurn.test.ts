import { strict as assert } from 'node:assert';
import type { ChatEvent } from '../../src/core/chatTypes';
import { DEFAULT_MAX_ROUNDS } from '../../src/core/turn/replyTurn';
import { DECLINED_ANSWER } from '../../src/core/turn/toolAnswers';
import { call, callRound, feedRound, finish, newTurn, only, text, toolbox, toolCalls, types } from './turnHelpers';

const readTools = () => toolbox(['read_file', 'list_folder']);

describe('createReplyTurn', () => {
  describe('a reply without tool calls', () => {
    it('starts idle; start adds a streaming reply and asks for a request with the conversation as context', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      assert.equal(turn.phase, 'idle');
      assert.equal(turn.round, 0);
      const effects = turn.handle({ type: 'start' });
      assert.deepEqual(types(effects), ['roundStarted', 'request']);
      assert.equal(turn.phase, 'requesting');
      assert.equal(turn.round, 1);
      const reply = conversation.messages[1];
      assert.equal(reply.status, 'streaming');
      assert.equal(only(effects, 'roundStarted')[0].message, reply);
      const request = only(effects, 'request')[0];
      assert.deepEqual(request.messages, [{ role: 'user', content: 'What is in a.txt?' }]);
      assert.deepEqual(
        request.tools.map((tool) => tool.function.name),
        ['read_file', 'list_folder'],
      );
    });

    it('streams from the first piece of the reply, records it all, and ends done with timing from the clock', () => {
      const { conversation, clock, turn } = newTurn();
      turn.handle({ type: 'start' });
      clock.advance(300);
      assert.deepEqual(turn.handle({ type: 'event', event: { type: 'model', model: 'openai/gpt-4o-2024' } }), []);
      assert.equal(turn.phase, 'streaming');
      const reasoning = turn.handle({ type: 'event', event: { type: 'reasoning', choice: 0, text: 'Hmm.' } });
      assert.deepEqual(reasoning, [{ type: 'reasoning', messageId: conversation.messages[1].id, text: 'Hmm.' }]);
      clock.advance(200);
      const effects = feedRound(
        turn,
        text('It says '),
        text('hello.'),
        { type: 'usage', usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 } },
        finish('stop'),
      );
      assert.deepEqual(types(effects), ['text', 'text', 'roundEnded', 'turnEnded']);
      const reply = conversation.messages[1];
      assert.equal(turn.phase, 'done');
      assert.deepEqual(
        {
          text: reply.text,
          reasoning: reply.reasoning,
          model: reply.model,
          finishReason: reply.finishReason,
          status: reply.status,
          timing: reply.timing,
        },
        {
          text: 'It says hello.',
          reasoning: 'Hmm.',
          model: 'openai/gpt-4o-2024',
          finishReason: 'stop',
          status: 'done',
          timing: { firstTokenMs: 300, totalMs: 500 },
        },
      );
      assert.deepEqual(only(effects, 'turnEnded')[0], {
        type: 'turnEnded',
        status: 'done',
        rounds: 1,
        message: reply,
        usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15 },
      });
    });

    it('shows a retry notice while requesting, and takes it away when the reply begins', () => {
      const { conversation, turn } = newTurn();
      turn.handle({ type: 'start' });
      const retrying: ChatEvent = { type: 'retrying', attempt: 1, delayMs: 1000, reason: 'HTTP 503: busy' };
      const first = turn.handle({ type: 'event', event: retrying });
      assert.deepEqual(types(first), ['retrying']);
      assert.equal(turn.phase, 'requesting');
      const begun = turn.handle({ type: 'event', event: text('Hi') });
      assert.deepEqual(types(begun), ['retryOver', 'text']);
      assert.equal(turn.phase, 'streaming');
      assert.equal(conversation.messages[1].text, 'Hi');
    });

    it('[D6] shows a waiting notice while the gateway is slow to answer, and takes it away when the reply begins', () => {
      const { turn } = newTurn();
      turn.handle({ type: 'start' });
      assert.deepEqual(types(turn.handle({ type: 'event', event: { type: 'waiting' } })), ['waiting']);
      assert.equal(turn.phase, 'requesting');
      assert.deepEqual(types(turn.handle({ type: 'event', event: text('Hi') })), ['retryOver', 'text']);
      assert.equal(turn.phase, 'streaming');
    });

    it('[B7-34] ends with error, keeping the partial reply and the error, when the stream reports one', () => {
      const { conversation, turn } = newTurn();
      turn.handle({ type: 'start' });
      const error = { kind: 'streamError' as const, message: 'overloaded', host: 'gateway.test' };
      const effects = feedRound(turn, text('Partial'), { type: 'error', error });
      const reply = conversation.messages[1];
      assert.equal(turn.phase, 'error');
      assert.deepEqual([reply.status, reply.text, reply.error], ['error', 'Partial', error]);
      assert.deepEqual(only(effects, 'turnEnded')[0].error, error);
      assert.equal(only(effects, 'turnEnded')[0].status, 'error');
    });

    it('[B7-36] ends interrupted when the connection broke, keeping what arrived', () => {
      const { conversation, turn } = newTurn();
      turn.handle({ type: 'start' });
      const error = { kind: 'interrupted' as const, message: 'socket hang up', host: 'gateway.test' };
      feedRound(turn, { type: 'reasoning', choice: 0, text: 'Thinking' }, text('Half a'), { type: 'error', error });
      assert.equal(turn.phase, 'interrupted');
      assert.deepEqual(
        [conversation.messages[1].status, conversation.messages[1].text, conversation.messages[1].reasoning],
        ['interrupted', 'Half a', 'Thinking'],
      );
    });

    it('ends with error when the request fails before any reply (an empty reply with the error)', () => {
      const { conversation, turn } = newTurn();
      turn.handle({ type: 'start' });
      const error = { kind: 'unauthorized' as const, status: 401, message: 'bad key', host: 'gateway.test' };
      feedRound(turn, { type: 'error', error });
      assert.deepEqual([conversation.messages[1].status, conversation.messages[1].text], ['error', '']);
      assert.equal(conversation.messages[1].timing, undefined);
    });

    it('records only the first choice', () => {
      const { conversation, turn } = newTurn();
      turn.handle({ type: 'start' });
      feedRound(
        turn,
        text('one'),
        { type: 'text', text: 'two', choice: 1 },
        { type: 'reasoning', choice: 1, text: 'other' },
        { type: 'toolCalls', choice: 1, calls: [call('c1', 'read_file')] },
        finish(),
        { type: 'finish', reason: 'length', choice: 1 },
      );
      const reply = conversation.messages[1];
      assert.deepEqual(
        [reply.text, reply.reasoning, reply.toolCalls, reply.finishReason],
        ['one', undefined, undefined, 'stop'],
      );
    });

    it('continues an existing reply with the context it is given: text appended, timing and usage of this attempt', () => {
      const { conversation, turn } = newTurn();
      const reply = conversation.startAssistantMessage();
      reply.text = 'The first half';
      reply.status = 'done';
      reply.finishReason = 'length';
      reply.usage = { totalTokens: 99 };
      const context = conversation.reopenForContinue(reply.id);
      const effects = turn.handle({ type: 'start', continuation: { reply, context } });
      assert.equal(only(effects, 'roundStarted')[0].message, reply);
      assert.deepEqual(only(effects, 'request')[0].messages, context);
      feedRound(turn, text(' and the rest.'), finish());
      assert.equal(conversation.messages.length, 2);
      assert.deepEqual([reply.text, reply.status, reply.usage], ['The first half and the rest.', 'done', undefined]);
    });

    it('starts only once', () => {
      const { turn } = newTurn();
      turn.handle({ type: 'start' });
      assert.throws(() => turn.handle({ type: 'start' }), /starts once/);
    });
  });

  describe('tool calls', () => {
    it('runs a read-only call without asking, records its result, and sends call and result in the next round', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      const effects = callRound(turn, call('call_1', 'read_file', { path: 'a.txt' }));
      assert.deepEqual(types(effects), ['roundEnded', 'toolCallsReceived', 'runTool']);
      assert.equal(turn.phase, 'runningTools');
      const run = only(effects, 'runTool')[0];
      assert.deepEqual([run.call.id, run.args], ['call_1', { path: 'a.txt' }]);
      assert.equal(conversation.messages[1].status, 'done');

      const next = turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'hello' });
      assert.deepEqual(types(next), ['toolAnswered', 'roundStarted', 'request']);
      assert.equal(turn.phase, 'requesting');
      assert.equal(turn.round, 2);
      assert.deepEqual(only(next, 'request')[0].messages, [
        { role: 'user', content: 'What is in a.txt?' },
        {
          role: 'assistant',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'hello' },
      ]);
      const done = feedRound(turn, text('It says hello.'), finish());
      assert.equal(turn.phase, 'done');
      assert.deepEqual(only(done, 'turnEnded')[0].rounds, 2);
      assert.deepEqual(
        conversation.messages.map((message) => [message.role, message.status, message.text]),
        [
          ['user', 'done', 'What is in a.txt?'],
          ['assistant', 'done', ''],
          ['assistant', 'done', 'It says hello.'],
        ],
      );
    });

    it('shows a tool call as it forms while the reply streams', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      const forming = turn.handle({
        type: 'event',
        event: { type: 'toolCallDelta', choice: 0, index: 0, id: 'call_1', name: 'read_file', argumentsDelta: '{"pa' },
      });
      assert.deepEqual(forming, [
        {
          type: 'toolCallForming',
          messageId: conversation.messages[1].id,
          index: 0,
          id: 'call_1',
          name: 'read_file',
          argumentsDelta: '{"pa',
        },
      ]);
      assert.equal(turn.phase, 'streaming');
    });

    it('answers parallel calls in the order the model made them, one run at a time, before the next request', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      const first = callRound(
        turn,
        call('call_a', 'read_file', { path: 'a.txt' }),
        call('call_b', 'list_folder', { path: '.' }),
        call('call_c', 'read_file', { path: 'c.txt' }),
      );
      assert.deepEqual(
        only(first, 'runTool').map((run) => run.call.id),
        ['call_a'],
      );
      const second = turn.handle({ type: 'toolSucceeded', callId: 'call_a', content: 'A' });
      assert.deepEqual(types(second), ['toolAnswered', 'runTool']);
      assert.equal(only(second, 'runTool')[0].call.id, 'call_b');
      assert.deepEqual(turn.handle({ type: 'toolSucceeded', callId: 'call_c', content: 'too early' }), []);
      turn.handle({ type: 'toolSucceeded', callId: 'call_b', content: 'B' });
      const last = turn.handle({ type: 'toolSucceeded', callId: 'call_c', content: 'C' });
      const messages = only(last, 'request')[0].messages;
      assert.deepEqual(
        messages
          .slice(1)
          .map((message) => (message.role === 'tool' ? [message.tool_call_id, message.content] : message.role)),
        ['assistant', ['call_a', 'A'], ['call_b', 'B'], ['call_c', 'C']],
      );
      assert.equal(conversation.messages[1].toolResults?.length, 3);
    });

    it('waits for approval of a call that needs it; allow once runs it', () => {
      const { turn } = newTurn({ toolbox: toolbox(['run_terminal_command'], { ask: ['run_terminal_command'] }) });
      turn.handle({ type: 'start' });
      const effects = callRound(turn, call('call_1', 'run_terminal_command', { command: 'npm test' }));
      assert.deepEqual(types(effects), ['roundEnded', 'toolCallsReceived', 'askApproval']);
      assert.equal(turn.phase, 'awaitingApproval');
      assert.deepEqual(only(effects, 'askApproval')[0].calls[0].args, { command: 'npm test' });
      const allowed = turn.handle({ type: 'decision', callId: 'call_1', decision: 'allowOnce' });
      assert.deepEqual(types(allowed), ['runTool']);
      assert.equal(turn.phase, 'runningTools');
    });

    it('asks about parallel calls together and runs none before every one is decided, then in order', () => {
      const { turn } = newTurn({ toolbox: toolbox(['read_file', 'create_file'], { ask: ['create_file'] }) });
      turn.handle({ type: 'start' });
      const effects = callRound(
        turn,
        call('call_a', 'read_file', { path: 'a' }),
        call('call_b', 'create_file', { path: 'b' }),
        call('call_c', 'create_file', { path: 'c' }),
      );
      assert.deepEqual(
        only(effects, 'askApproval')[0].calls.map((pending) => pending.call.id),
        ['call_b', 'call_c'],
      );
      assert.deepEqual(turn.handle({ type: 'decision', callId: 'call_c', decision: 'allowOnce' }), []);
      const run = turn.handle({ type: 'decision', callId: 'call_b', decision: 'allowOnce' });
      assert.deepEqual(
        only(run, 'runTool').map((item) => item.call.id),
        ['call_a'],
      );
    });

    it('answers a denied call that the user declined, and goes on with the next round', () => {
      const { conversation, turn } = newTurn({
        toolbox: toolbox(['run_terminal_command'], { ask: ['run_terminal_command'] }),
      });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'run_terminal_command', { command: 'rm -rf /' }));
      const effects = turn.handle({ type: 'decision', callId: 'call_1', decision: 'deny' });
      assert.deepEqual(types(effects), ['toolAnswered', 'roundStarted', 'request']);
      assert.equal(only(effects, 'toolAnswered')[0].outcome, 'denied');
      assert.deepEqual(conversation.messages[1].toolResults, [
        { toolCallId: 'call_1', content: DECLINED_ANSWER, outcome: 'denied' },
      ]);
      assert.match(DECLINED_ANSWER, /user declined/);
      assert.equal(only(effects, 'runTool').length, 0);
    });

    it('allow for this conversation tells the host, and later calls of that tool in the turn are not asked about', () => {
      const { turn } = newTurn({ toolbox: toolbox(['run_terminal_command'], { ask: ['run_terminal_command'] }) });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'run_terminal_command', { command: 'ls' }));
      const allowed = turn.handle({ type: 'decision', callId: 'call_1', decision: 'allowForConversation' });
      assert.deepEqual(allowed[0], { type: 'allowForConversation', toolName: 'run_terminal_command' });
      turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'a.txt' });
      const second = callRound(turn, call('call_2', 'run_terminal_command', { command: 'cat a.txt' }));
      assert.deepEqual(types(second), ['roundEnded', 'toolCallsReceived', 'runTool']);
    });

    it('answers invalid JSON arguments with the parse error, without asking or running, and goes on', () => {
      const { conversation, turn } = newTurn({ toolbox: toolbox(['create_file'], { ask: ['create_file'] }) });
      turn.handle({ type: 'start' });
      const effects = callRound(turn, call('call_1', 'create_file', '{"path": "a.txt", '));
      assert.deepEqual(types(effects), ['roundEnded', 'toolCallsReceived', 'toolAnswered', 'roundStarted', 'request']);
      const answer = only(effects, 'toolAnswered')[0];
      assert.equal(answer.outcome, 'invalidArguments');
      assert.match(
        answer.content,
        /^Error: invalid arguments, so the tool was not run\. The arguments are not valid JSON \(.+\)/,
      );
      assert.equal(conversation.messages[1].toolResults?.[0].content, answer.content);
    });

    it('answers arguments that are JSON but not an object, and arguments the tool check refuses, with why', () => {
      const checkArguments = (_name: string, args: unknown) =>
        (args as { path?: unknown }).path === undefined
          ? { ok: false as const, problem: 'read_file needs "path".' }
          : { ok: true as const, value: args };
      const { turn } = newTurn({ toolbox: toolbox(['read_file'], { checkArguments }) });
      turn.handle({ type: 'start' });
      const effects = callRound(turn, call('call_1', 'read_file', '[1,2]'), call('call_2', 'read_file', { file: 'a' }));
      assert.deepEqual(
        only(effects, 'toolAnswered').map((answer) => answer.content),
        [
          'Error: invalid arguments, so the tool was not run. The arguments must be a JSON object.',
          'Error: invalid arguments, so the tool was not run. read_file needs "path".',
        ],
      );
    });

    it('takes empty arguments as {} (a tool without parameters)', () => {
      const { turn } = newTurn({ toolbox: toolbox(['get_open_editors']) });
      turn.handle({ type: 'start' });
      const effects = callRound(turn, call('call_1', 'get_open_editors', ''));
      assert.deepEqual(only(effects, 'runTool')[0].args, {});
    });

    it('answers an unknown tool name with "no such tool", naming the tools there are', () => {
      const { turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      const effects = callRound(
        turn,
        call('call_1', 'delete_everything', {}),
        call('call_2', 'read_file', { path: 'a' }),
      );
      const answer = only(effects, 'toolAnswered')[0];
      assert.deepEqual(
        [answer.callId, answer.outcome, answer.content],
        [
          'call_1',
          'unknownTool',
          'Error: there is no tool named "delete_everything". The tools are: read_file, list_folder.',
        ],
      );
      assert.equal(only(effects, 'runTool')[0].call.id, 'call_2');
    });

    it('answers a tool that threw with its error text, and goes on', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', { path: 'gone.txt' }));
      const effects = turn.handle({ type: 'toolFailed', callId: 'call_1', message: 'File not found: gone.txt' });
      assert.deepEqual(types(effects), ['toolAnswered', 'roundStarted', 'request']);
      assert.equal(only(effects, 'toolAnswered')[0].outcome, 'failed');
      assert.equal(
        conversation.messages[1].toolResults?.[0].content,
        'Error: the tool failed: File not found: gone.txt',
      );
    });

    it('cuts a result over the cap, with a note that the record and the model both see', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools(), maxToolResultChars: 10 });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', { path: 'big.txt' }), call('call_2', 'read_file', { path: 'small' }));
      const capped = turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'x'.repeat(25) });
      const answer = only(capped, 'toolAnswered')[0];
      assert.equal(answer.outcome, 'resultCapped');
      assert.equal(answer.content, `${'x'.repeat(10)}\n\n[Result cut: 25 characters, only the first 10 were sent.]`);
      const whole = turn.handle({ type: 'toolSucceeded', callId: 'call_2', content: '0123456789' });
      assert.deepEqual(
        [only(whole, 'toolAnswered')[0].outcome, only(whole, 'toolAnswered')[0].content],
        ['result', '0123456789'],
      );
      assert.equal(conversation.messages[1].toolResults?.[0].content, answer.content);
      const tool = only(whole, 'request')[0].messages.find((message) => message.role === 'tool');
      assert.equal(tool?.content, answer.content);
    });

    it('caps the error text of a tool that threw like a result', () => {
      const { turn } = newTurn({ toolbox: readTools(), maxToolResultChars: 30 });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', { path: 'a' }));
      const effects = turn.handle({ type: 'toolFailed', callId: 'call_1', message: 'at line '.repeat(100) });
      const answer = only(effects, 'toolAnswered')[0];
      assert.equal(answer.outcome, 'failed');
      assert.match(
        answer.content,
        /^Error: the tool failed: at lin\n\n\[Result cut: 823 characters, only the first 30/,
      );
    });

    it('never cuts a result inside a surrogate pair', () => {
      const { turn } = newTurn({ toolbox: readTools(), maxToolResultChars: 3 });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', { path: 'emoji' }));
      const effects = turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'ab😀cd' });
      assert.ok(
        only(effects, 'toolAnswered')[0].content.startsWith('ab\n\n[Result cut: 6 characters, only the first 2'),
      );
    });

    it('gives calls that share an id their own ids, so each answer matches one call', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', { path: 'a' }), call('call_1', 'read_file', { path: 'b' }));
      assert.deepEqual(
        conversation.messages[1].toolCalls?.map((item) => item.id),
        ['call_1', 'call_1_2'],
      );
    });

    it('[B7-40] ends with a notice, not an empty bubble, when the reply says tool_calls but no call came', () => {
      const { turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      const effects = feedRound(turn, finish('tool_calls'));
      assert.deepEqual(only(effects, 'turnEnded')[0].notice, { kind: 'toolCallsMissing' });
    });

    it('[B7-40] runs nothing and ends with a notice when the model calls tools that were not offered', () => {
      const { conversation, turn } = newTurn();
      const start = turn.handle({ type: 'start' });
      assert.deepEqual(only(start, 'request')[0].tools, []);
      const effects = feedRound(
        turn,
        text('Let me look.'),
        toolCalls(call('call_1', 'read_file', {})),
        finish('tool_calls'),
      );
      assert.deepEqual(types(effects), ['text', 'roundEnded', 'toolCallsReceived', 'turnEnded']);
      assert.deepEqual(only(effects, 'turnEnded')[0].notice, { kind: 'toolCallsWithoutTools' });
      assert.equal(turn.phase, 'done');
      // The next turn's context keeps the text and leaves out the call nobody answered.
      assert.deepEqual(conversation.contextMessages().at(-1), { role: 'assistant', content: 'Let me look.' });
    });

    it(`stops after ${DEFAULT_MAX_ROUNDS} rounds by default: the last calls are answered as not run, with a notice`, () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      let requests = 1;
      for (let round = 1; round < DEFAULT_MAX_ROUNDS; round++) {
        callRound(turn, call(`call_${round}`, 'read_file', { path: 'a' }));
        requests += only(
          turn.handle({ type: 'toolSucceeded', callId: `call_${round}`, content: 'again' }),
          'request',
        ).length;
      }
      assert.equal(requests, DEFAULT_MAX_ROUNDS);
      const last = callRound(turn, call('call_last', 'read_file', { path: 'a' }));
      assert.deepEqual(types(last), ['roundEnded', 'toolCallsReceived', 'toolAnswered', 'turnEnded']);
      assert.equal(only(last, 'toolAnswered')[0].outcome, 'notRun');
      assert.match(only(last, 'toolAnswered')[0].content, /limit of 12 rounds/);
      assert.deepEqual(only(last, 'turnEnded')[0].notice, { kind: 'roundLimit', maxRounds: 12 });
      assert.equal(only(last, 'turnEnded')[0].rounds, 12);
      assert.equal(turn.phase, 'done');
      assert.equal(conversation.messages.length, 1 + DEFAULT_MAX_ROUNDS);
    });

    it('takes the round bound from the options', () => {
      const { turn } = newTurn({ toolbox: readTools(), maxRounds: 2 });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', { path: 'a' }));
      turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'a' });
      const second = callRound(turn, call('call_2', 'read_file', { path: 'a' }));
      assert.deepEqual(only(second, 'turnEnded')[0].notice, { kind: 'roundLimit', maxRounds: 2 });
    });

    it('adds up the usage of every round', () => {
      const { turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      feedRound(
        turn,
        toolCalls(call('call_1', 'read_file', {})),
        { type: 'usage', usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 } },
        finish('tool_calls'),
      );
      turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'a' });
      const end = feedRound(
        turn,
        text('ok'),
        { type: 'usage', usage: { promptTokens: 20, completionTokens: 1, totalTokens: 21, cachedTokens: 8 } },
        finish(),
      );
      assert.deepEqual(only(end, 'turnEnded')[0].usage, {
        promptTokens: 30,
        completionTokens: 3,
        totalTokens: 33,
        cachedTokens: 8,
      });
    });

    it('ignores what no longer applies: a result for a call not running, a decision for no question, events after the end', () => {
      const { turn } = newTurn({ toolbox: readTools() });
      assert.deepEqual(turn.handle({ type: 'event', event: text('early') }), []);
      assert.deepEqual(turn.handle({ type: 'streamEnded' }), []);
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', {}));
      assert.deepEqual(turn.handle({ type: 'toolSucceeded', callId: 'call_other', content: 'x' }), []);
      assert.deepEqual(turn.handle({ type: 'decision', callId: 'call_1', decision: 'deny' }), []);
      turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'x' });
      feedRound(turn, text('done'), finish());
      for (const input of [
        { type: 'event', event: text('late') },
        { type: 'streamEnded' },
        { type: 'stop' },
        { type: 'toolFailed', callId: 'call_1', message: 'late' },
      ] as const)
        assert.deepEqual(turn.handle(input), []);
      assert.equal(turn.phase, 'done');
    });
  });

  describe('Stop', () => {
    it('before the start: ends stopped, with no reply', () => {
      const { conversation, turn } = newTurn();
      assert.deepEqual(turn.handle({ type: 'stop' }), [{ type: 'turnEnded', status: 'stopped', rounds: 0 }]);
      assert.equal(turn.phase, 'stopped');
      assert.equal(conversation.messages.length, 1);
    });

    it('while requesting: aborts, and the empty reply ends stopped', () => {
      const { conversation, turn } = newTurn();
      turn.handle({ type: 'start' });
      const effects = turn.handle({ type: 'stop' });
      assert.deepEqual(types(effects), ['abort', 'roundEnded', 'turnEnded']);
      assert.equal(only(effects, 'turnEnded')[0].status, 'stopped');
      assert.deepEqual([conversation.messages[1].status, conversation.messages[1].text], ['stopped', '']);
    });

    it('[B7-44] while streaming: aborts, keeps the partial reply, and the end of the aborted stream changes nothing', () => {
      const { conversation, clock, turn } = newTurn();
      turn.handle({ type: 'start' });
      clock.advance(100);
      turn.handle({ type: 'event', event: text('Half') });
      clock.advance(50);
      const effects = turn.handle({ type: 'stop' });
      assert.deepEqual(types(effects), ['abort', 'roundEnded', 'turnEnded']);
      assert.deepEqual(turn.handle({ type: 'event', event: text(' more') }), []);
      assert.deepEqual(turn.handle({ type: 'streamEnded' }), []);
      const reply = conversation.messages[1];
      assert.deepEqual(
        [reply.status, reply.text, reply.timing],
        ['stopped', 'Half', { firstTokenMs: 100, totalMs: 150 }],
      );
      assert.equal(reply.error, undefined);
    });

    it('while awaiting approval: withdraws the questions and answers every call as not run', () => {
      const { conversation, turn } = newTurn({
        toolbox: toolbox(['read_file', 'create_file'], { ask: ['create_file'] }),
      });
      turn.handle({ type: 'start' });
      callRound(
        turn,
        call('call_a', 'read_file', {}),
        call('call_b', 'create_file', {}),
        call('call_c', 'create_file', {}),
      );
      turn.handle({ type: 'decision', callId: 'call_b', decision: 'allowOnce' });
      const effects = turn.handle({ type: 'stop' });
      assert.deepEqual(types(effects), [
        'withdrawApproval',
        'toolAnswered',
        'toolAnswered',
        'toolAnswered',
        'turnEnded',
      ]);
      assert.deepEqual(only(effects, 'withdrawApproval')[0].callIds, ['call_c']);
      assert.deepEqual(
        only(effects, 'toolAnswered').map((answer) => [answer.callId, answer.outcome]),
        [
          ['call_a', 'notRun'],
          ['call_b', 'notRun'],
          ['call_c', 'notRun'],
        ],
      );
      assert.equal(conversation.messages[1].status, 'stopped');
      assert.deepEqual(turn.handle({ type: 'decision', callId: 'call_c', decision: 'allowOnce' }), []);
      assert.equal(
        conversation.contextMessages().filter((message) => message.role === 'tool').length,
        3,
        'every call is answered, so the next turn sends them all',
      );
    });

    it('while a tool runs: cancels it, answers it cancelled and the rest not run; its late result is ignored', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      callRound(
        turn,
        call('call_a', 'read_file', {}),
        call('call_b', 'read_file', {}),
        call('call_c', 'read_file', {}),
      );
      turn.handle({ type: 'toolSucceeded', callId: 'call_a', content: 'A' });
      const effects = turn.handle({ type: 'stop' });
      assert.deepEqual(types(effects), ['cancelTool', 'toolAnswered', 'toolAnswered', 'turnEnded']);
      assert.equal(only(effects, 'cancelTool')[0].callId, 'call_b');
      assert.deepEqual(
        only(effects, 'toolAnswered').map((answer) => [answer.callId, answer.outcome]),
        [
          ['call_b', 'cancelled'],
          ['call_c', 'notRun'],
        ],
      );
      assert.deepEqual(turn.handle({ type: 'toolSucceeded', callId: 'call_b', content: 'late' }), []);
      assert.deepEqual(
        conversation.messages[1].toolResults?.map((result) => result.toolCallId),
        ['call_a', 'call_b', 'call_c'],
      );
      assert.equal(turn.phase, 'stopped');
    });

    it('in a later round: the tool rounds stay as they were, the round being requested ends stopped', () => {
      const { conversation, turn } = newTurn({ toolbox: readTools() });
      turn.handle({ type: 'start' });
      callRound(turn, call('call_1', 'read_file', {}));
      turn.handle({ type: 'toolSucceeded', callId: 'call_1', content: 'A' });
      assert.equal(turn.phase, 'requesting');
      const effects = turn.handle({ type: 'stop' });
      assert.deepEqual(types(effects), ['abort', 'roundEnded', 'turnEnded']);
      assert.deepEqual(
        conversation.messages.slice(1).map((message) => message.status),
        ['done', 'stopped'],
      );
      assert.equal(only(effects, 'turnEnded')[0].rounds, 2);
    });

    it('after the end: nothing', () => {
      const { turn } = newTurn();
      turn.handle({ type: 'start' });
      feedRound(turn, text('hi'), finish());
      assert.deepEqual(turn.handle({ type: 'stop' }), []);
      assert.equal(turn.phase, 'done');
    });
  });
});
