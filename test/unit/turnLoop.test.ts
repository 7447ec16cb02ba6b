import { strict as assert } from 'node:assert';
import type { ChatMessage, ToolMessage } from '../../src/core/chatTypes';
import { Conversation } from '../../src/core/conversation';
import { DEFAULT_MODEL_PROFILE } from '../../src/core/modelProfile';
import { workspaceToolDefinitions } from '../../src/core/tools/workspaceTools';
import { workspaceToolbox } from '../../src/core/tools/workspaceToolbox';
import { createReplyTurn, type ReplyTurn } from '../../src/core/turn/replyTurn';
import {
  buildTurnRequest,
  catalogTakesTools,
  toolsToOffer,
  type GatewaySnapshot,
} from '../../src/core/turn/turnRequest';
import type { TurnEffect } from '../../src/core/turn/turnTypes';
import { sseReply } from '../support/fakeGateway';
import { validateChatCompletionRequest } from '../support/requestSchema';
import { useLocalGateway, type LocalGateway } from './clientHelpers';
import {
  call,
  callRound,
  definition,
  driveTurn,
  feedRound,
  finish,
  manualClock,
  only,
  text,
  toolCallReply,
  toolCalls,
} from './turnHelpers';

const SNAPSHOT: GatewaySnapshot = {
  model: 'openai/gpt-4o',
  systemPrompt: 'You are helpful.',
  parameters: { temperature: 0.2 },
  modelProfile: DEFAULT_MODEL_PROFILE,
  toolChoice: 'auto',
  parallelToolCalls: true,
};

const FOLDERS = [{ name: 'project' }];

function turnOn(
  conversation: Conversation,
  options: { maxRounds?: number; maxToolResultChars?: number } = {},
): ReplyTurn {
  return createReplyTurn({
    transcript: conversation,
    toolbox: workspaceToolbox({ acting: true, folders: FOLDERS }),
    now: manualClock().now,
    ...options,
  });
}

/** The bodies of every `request` effect, built as the host builds them. */
function bodiesOf(effects: readonly TurnEffect[]) {
  return only(effects, 'request').map((request) => buildTurnRequest(SNAPSHOT, request.messages, request.tools));
}

/**
 * Valid against OpenAI's schema, and by the rule the schema cannot express: each assistant message's calls are
 * answered by the tool messages right after it, one per call, in the order of the calls, and no tool message is
 * without its call.
 */
function assertValid(body: { messages: readonly ChatMessage[] }, what: string): void {
  assert.deepEqual(validateChatCompletionRequest(body), [], `${what}: ${JSON.stringify(body, null, 1)}`);
  const { messages } = body;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    assert.notEqual(message.role, 'tool', `${what}: a tool message at ${index} without its call`);
    if (message.role !== 'assistant' || !message.tool_calls) continue;
    const ids = message.tool_calls.map((item) => item.id);
    const answers = messages.slice(index + 1, index + 1 + ids.length) as ToolMessage[];
    assert.deepEqual(
      answers.map((answer) => [answer.role, answer.tool_call_id]),
      ids.map((id) => ['tool', id]),
      `${what}: the calls of message ${index} are answered in order`,
    );
    index += ids.length;
  }
}

/** The next turn's request, after the user says something more: what the record sends back later. */
function nextTurnBody(conversation: Conversation) {
  conversation.addUserMessage('And now?');
  return buildTurnRequest(SNAPSHOT, conversation.contextMessages(), workspaceToolDefinitions({ acting: true }));
}

describe('the turn requester', () => {
  it('builds a round’s request from the snapshot, the context and the tools', () => {
    const tools = [definition('read_file')];
    const body = buildTurnRequest(SNAPSHOT, [{ role: 'user', content: 'Hi' }], tools);
    assert.deepEqual(body, {
      model: 'openai/gpt-4o',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      tools,
      tool_choice: 'auto',
      parallel_tool_calls: true,
    });
    const withoutTools = buildTurnRequest(SNAPSHOT, [{ role: 'user', content: 'Hi' }], []);
    assert.equal(
      'tool_choice' in withoutTools || 'parallel_tool_calls' in withoutTools || 'tools' in withoutTools,
      false,
    );
  });

  it('offers tools unless they are turned off or the model does not take them (override, then catalog)', () => {
    const definitions = [definition('read_file')];
    const offered = (options: Omit<Parameters<typeof toolsToOffer>[0], 'definitions'>) =>
      toolsToOffer({ definitions, ...options }).tools.length > 0;
    assert.equal(offered({ enabled: true }), true, 'nothing known about the model');
    assert.equal(offered({ enabled: false }), false, 'turned off');
    assert.equal(offered({ enabled: true, catalogEntry: { supportedParameters: ['temperature'] } }), false);
    assert.equal(offered({ enabled: true, catalogEntry: { supportedParameters: ['temperature', 'tools'] } }), true);
    assert.equal(
      offered({ enabled: true, catalogEntry: { supportedParameters: ['temperature'] }, modelTakesTools: true }),
      true,
    );
    assert.equal(
      offered({ enabled: true, catalogEntry: { supportedParameters: ['tools'] }, modelTakesTools: false }),
      false,
    );
    assert.equal(catalogTakesTools({}), undefined);
  });

  it('leaves out tools whose name the API refuses, or that repeat a name, and names them', () => {
    const result = toolsToOffer({
      enabled: true,
      definitions: [
        definition('read_file'),
        definition('mcp.server/tool'),
        definition('read_file'),
        definition('x'.repeat(65)),
      ],
    });
    assert.deepEqual(
      result.tools.map((tool) => tool.function.name),
      ['read_file'],
    );
    assert.deepEqual(result.skipped, ['mcp.server/tool', 'read_file', 'x'.repeat(65)]);
  });
});

describe('records of a tool loop, sent back (OpenAI’s schema)', () => {
  it('every round’s request of a loop with parallel, denied, capped, malformed, unknown and failing calls is valid', () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Fix the build.');
    const turn = turnOn(conversation, { maxToolResultChars: 20 });
    const effects: TurnEffect[] = [...turn.handle({ type: 'start' })];
    effects.push(
      ...feedRound(
        turn,
        { type: 'reasoning', choice: 0, text: 'Look first.' },
        text('Let me look.'),
        toolCalls(
          call('call_read', 'read_file', { path: 'package.json' }),
          call('call_cmd', 'run_terminal_command', { command: 'npm run build' }),
        ),
        finish('tool_calls'),
      ),
    );
    effects.push(...turn.handle({ type: 'decision', callId: 'call_cmd', decision: 'deny' }));
    effects.push(
      ...turn.handle({ type: 'toolSucceeded', callId: 'call_read', content: '{"name": "x", "version": "1.0.0"}' }),
    );
    effects.push(
      ...callRound(
        turn,
        call('call_bad', 'read_file', '{"path": '),
        call('call_nope', 'format_disk', {}),
        call('call_fail', 'search_text', { query: 'TODO' }),
      ),
    );
    effects.push(...turn.handle({ type: 'toolFailed', callId: 'call_fail', message: 'Search is not available.' }));
    effects.push(...feedRound(turn, text('The build needs a version bump.'), finish()));
    assert.equal(turn.phase, 'done');

    const bodies = bodiesOf(effects);
    assert.equal(bodies.length, 3);
    bodies.forEach((body, index) => assertValid(body, `round ${index + 1}`));
    const tools = bodies[2].messages.filter((message): message is ToolMessage => message.role === 'tool');
    assert.deepEqual(
      tools.map((message) => message.tool_call_id),
      ['call_read', 'call_cmd', 'call_bad', 'call_nope', 'call_fail'],
    );
    assert.match(tools[0].content, /\[Result cut: 33 characters, only the first 20 were sent\.\]$/);
    assertValid(nextTurnBody(conversation), 'the next turn');
  });

  for (const [shape, stopAt] of [
    ['Stop while a tool runs', (turn: ReplyTurn) => turn.phase === 'runningTools'],
    ['Stop while a call awaits approval', (turn: ReplyTurn) => turn.phase === 'awaitingApproval'],
    ['Stop while the second round streams', (turn: ReplyTurn) => turn.phase === 'streaming' && turn.round === 2],
  ] as const) {
    it(`the next turn after ${shape} is valid`, () => {
      const conversation = new Conversation();
      conversation.addUserMessage('Go.');
      const turn = turnOn(conversation);
      turn.handle({ type: 'start' });
      callRound(
        turn,
        call('call_a', 'read_file', { path: 'a' }),
        call('call_b', 'create_file', { path: 'b', content: '' }),
      );
      if (!stopAt(turn)) turn.handle({ type: 'decision', callId: 'call_b', decision: 'allowOnce' });
      if (!stopAt(turn)) turn.handle({ type: 'toolSucceeded', callId: 'call_a', content: 'A' });
      if (!stopAt(turn)) turn.handle({ type: 'toolSucceeded', callId: 'call_b', content: 'created' });
      if (!stopAt(turn)) turn.handle({ type: 'event', event: text('Half') });
      assert.ok(stopAt(turn), `reached ${turn.phase}`);
      turn.handle({ type: 'stop' });
      assert.equal(turn.phase, 'stopped');
      assertValid(nextTurnBody(conversation), shape);
    });
  }

  it('the next turn after the round limit, and after calls that were not offered, is valid', () => {
    const limited = new Conversation();
    limited.addUserMessage('Loop.');
    const turn = turnOn(limited, { maxRounds: 1 });
    turn.handle({ type: 'start' });
    callRound(turn, call('call_1', 'read_file', { path: 'a' }));
    assertValid(nextTurnBody(limited), 'round limit');

    const untooled = new Conversation();
    untooled.addUserMessage('Hi.');
    const plain = createReplyTurn({ transcript: untooled, now: () => 0 });
    plain.handle({ type: 'start' });
    feedRound(plain, toolCalls(call('call_1', 'read_file', {})), finish('tool_calls'));
    assertValid(nextTurnBody(untooled), 'calls without tools');
  });
});

describe('a whole tool loop against the scripted fake gateway', () => {
  let local: LocalGateway;
  useLocalGateway((value) => (local = value));

  function toolMessages(messages: readonly ChatMessage[]): [string, string][] {
    return messages.flatMap((message) => (message.role === 'tool' ? [[message.tool_call_id, message.content]] : []));
  }

  async function chatBodies(count: number) {
    const bodies = [];
    for (let index = 0; index < count; index++) {
      const request = await local.gateway.nextChatRequest();
      assert.deepEqual(request.schemaErrors, [], `request ${index + 1}`);
      bodies.push(request.body as { messages: ChatMessage[] });
    }
    assert.equal(local.gateway.chatRequests().length, count);
    return bodies;
  }

  it('the model reads a file through a tool and answers from it; the follow-up carries the call and the file', async () => {
    const conversation = new Conversation();
    conversation.addUserMessage('What does a.txt say?');
    const read = {
      id: 'call_read',
      type: 'function' as const,
      function: { name: 'read_file', arguments: '{"path":"a.txt"}' },
    };
    local.gateway.enqueue(toolCallReply([read]), sseReply(['It says ', 'hello.']));
    const ran: unknown[] = [];
    const effects = await driveTurn(turnOn(conversation), local.options, SNAPSHOT, {
      runTool: async (_call, args) => {
        ran.push(args);
        return '1\thello';
      },
    });
    assert.deepEqual(ran, [
      { tool: 'read_file', path: { folderIndex: 0, relativePath: 'a.txt', segments: ['a.txt'] } },
    ]);
    const [first, second] = await chatBodies(2);
    assert.deepEqual(
      first.messages.map((message) => message.role),
      ['system', 'user'],
    );
    assert.deepEqual(second.messages.slice(2), [
      { role: 'assistant', tool_calls: [read] },
      { role: 'tool', tool_call_id: 'call_read', content: '1\thello' },
    ]);
    const end = only(effects, 'turnEnded')[0];
    assert.deepEqual([end.status, end.rounds, end.message?.text], ['done', 2, 'It says hello.']);
    assert.deepEqual(end.usage, { promptTokens: 32, completionTokens: 7, totalTokens: 39 });
  });

  it('parallel calls with a denial and a failing tool are all answered, in order, and the model goes on', async () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Check it.');
    const calls = [
      { id: 'call_1', type: 'function' as const, function: { name: 'read_file', arguments: '{"path":"a.txt"}' } },
      {
        id: 'call_2',
        type: 'function' as const,
        function: { name: 'run_terminal_command', arguments: '{"command":"make"}' },
      },
      { id: 'call_3', type: 'function' as const, function: { name: 'read_file', arguments: '{"path":"b.txt"}' } },
    ];
    local.gateway.enqueue(toolCallReply(calls, { text: 'Looking.' }), sseReply(['Done.']));
    const effects = await driveTurn(turnOn(conversation), local.options, SNAPSHOT, {
      decide: (pending) => (pending.call.function.name === 'run_terminal_command' ? 'deny' : 'allowOnce'),
      runTool: async (item) => {
        if (item.id === 'call_3') throw new Error('b.txt is binary');
        return 'A';
      },
    });
    const [, second] = await chatBodies(2);
    assert.deepEqual(toolMessages(second.messages), [
      ['call_1', 'A'],
      ['call_2', 'The user declined this tool call, so it was not run. Do not retry it unchanged.'],
      ['call_3', 'Error: the tool failed: b.txt is binary'],
    ]);
    assert.deepEqual(
      only(effects, 'askApproval').map((ask) => ask.calls.map((pending) => pending.call.id)),
      [['call_2']],
    );
    assert.equal(only(effects, 'turnEnded')[0].status, 'done');
  });

  it('[B7-44] Stop while the second round streams closes its connection and keeps the partial reply', async () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Go.');
    const read = {
      id: 'call_1',
      type: 'function' as const,
      function: { name: 'read_file', arguments: '{"path":"a"}' },
    };
    local.gateway.enqueue(toolCallReply([read]), sseReply(['Partial', ' never'], { holdAfter: 1 }));
    const turn = turnOn(conversation);
    await driveTurn(turn, local.options, SNAPSHOT, {
      runTool: async () => 'A',
      onEffect: async (effect, stop) => {
        if (effect.type === 'text') await stop();
      },
    });
    await chatBodies(2);
    await local.gateway.requests[1].whenClientClosed;
    assert.equal(turn.phase, 'stopped');
    assert.deepEqual(
      conversation.messages.map((message) => [message.status, message.text]),
      [
        ['done', 'Go.'],
        ['done', ''],
        ['stopped', 'Partial'],
      ],
    );
  });

  it('a model that never stops calling tools is stopped at the round bound', async () => {
    const conversation = new Conversation();
    conversation.addUserMessage('Loop.');
    const again = (n: number) => ({
      id: `call_${n}`,
      type: 'function' as const,
      function: { name: 'list_folder', arguments: '{}' },
    });
    local.gateway.enqueue(toolCallReply([again(1)]), toolCallReply([again(2)]), toolCallReply([again(3)]));
    const effects = await driveTurn(turnOn(conversation, { maxRounds: 3 }), local.options, SNAPSHOT, {
      runTool: async () => 'a.txt',
    });
    await chatBodies(3);
    assert.deepEqual(only(effects, 'turnEnded')[0].notice, { kind: 'roundLimit', maxRounds: 3 });
    assert.equal(only(effects, 'runTool').length, 2);
  });
});
