import * as assert from 'node:assert/strict';
import type { ChatEvent, ToolCall } from '../../src/core/chatTypes';
import { Conversation } from '../../src/core/conversation';
import { createReplyTurn } from '../../src/core/turn/replyTurn';
import { TurnDriver, type TurnPorts } from '../../src/core/turn/turnDriver';
import type { TurnEffect, TurnToolbox } from '../../src/core/turn/turnTypes';
import { call, finish, text, toolbox, toolCalls } from './turnHelpers';

type Shown = Parameters<TurnPorts['show']>[0];

/** A gateway port that plays one scripted round per request and can hold a round open until aborted. */
function scriptedPorts(
  rounds: (ChatEvent[] | 'hold')[],
  options: {
    runTool?: (call: ToolCall, args: unknown, signal: AbortSignal) => Promise<string>;
    onShow?: (effect: Shown, driver: () => TurnDriver) => void;
  } = {},
) {
  const shown: Shown[] = [];
  const signals: AbortSignal[] = [];
  let driver: TurnDriver | undefined;
  const ports: TurnPorts = {
    async *stream(_request, signal) {
      signals.push(signal);
      const round = rounds.shift();
      if (round === undefined) throw new Error('no more rounds scripted');
      if (round === 'hold') {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        return;
      }
      for (const event of round) {
        await Promise.resolve();
        yield event;
      }
    },
    runTool: options.runTool ?? (async (item) => `ran ${item.function.name}`),
    describeFailure: (error) => (error instanceof Error ? error.message : String(error)),
    show(effect) {
      shown.push(effect);
      options.onShow?.(effect, () => driver!);
    },
  };
  const setDriver = (value: TurnDriver) => (driver = value);
  return { ports, shown, signals, setDriver };
}

function start(box: TurnToolbox | undefined, ports: ReturnType<typeof scriptedPorts>) {
  const conversation = new Conversation();
  conversation.addUserMessage('What is in a.txt?');
  const engine = createReplyTurn({ transcript: conversation, ...(box ? { toolbox: box } : {}), now: () => 0 });
  const driver = new TurnDriver(engine, ports.ports);
  ports.setDriver(driver);
  return { conversation, driver, run: driver.run({ type: 'start' }) };
}

const kinds = (effects: readonly TurnEffect[]) => effects.map((effect) => effect.type);

describe('TurnDriver (runs a reply turn through its ports)', () => {
  it('streams a plain reply to its end and resolves with turnEnded', async () => {
    const ports = scriptedPorts([[text('Hello'), text(' there'), finish()]]);
    const { conversation, run } = start(undefined, ports);
    const ended = await run;
    assert.equal(ended.status, 'done');
    assert.equal(conversation.messages[1].text, 'Hello there');
    assert.deepEqual(kinds(ports.shown), ['roundStarted', 'text', 'text', 'roundEnded', 'turnEnded']);
  });

  it('runs the calls of a reply in order, answers each with its id, and streams the next round', async () => {
    const order: string[] = [];
    const ports = scriptedPorts(
      [
        [toolCalls(call('c1', 'read_file', { path: 'a' }), call('c2', 'list_folder', {})), finish('tool_calls')],
        [text('Done.'), finish()],
      ],
      { runTool: async (item) => (order.push(item.id), `answer of ${item.id}`) },
    );
    const { conversation, run } = start(toolbox(['read_file', 'list_folder']), ports);
    const ended = await run;
    assert.equal(ended.status, 'done');
    assert.equal(ended.rounds, 2);
    assert.deepEqual(order, ['c1', 'c2']);
    assert.deepEqual(
      conversation.messages[1].toolResults?.map((result) => [result.toolCallId, result.content]),
      [
        ['c1', 'answer of c1'],
        ['c2', 'answer of c2'],
      ],
    );
    assert.equal(conversation.messages[2].text, 'Done.');
  });

  it('waits for the user: a decision given later lets the call run; a denial answers the model', async () => {
    const ports = scriptedPorts(
      [
        [toolCalls(call('c1', 'run_terminal_command', { command: 'ls' })), finish('tool_calls')],
        [text('ok'), finish()],
      ],
      {
        onShow: (effect, driver) => {
          if (effect.type === 'askApproval') setTimeout(() => driver().decide('c1', 'deny'), 5);
        },
      },
    );
    let ran = false;
    ports.ports.runTool = async () => ((ran = true), '');
    const { conversation, run } = start(toolbox(['run_terminal_command'], { ask: ['run_terminal_command'] }), ports);
    const ended = await run;
    assert.equal(ended.status, 'done');
    assert.equal(ran, false, 'a denied command ran');
    assert.match(conversation.messages[1].toolResults?.[0].content ?? '', /declined/);
  });

  it('Stop while a round streams aborts its request and ends the turn stopped', async () => {
    const ports = scriptedPorts(['hold'], {
      onShow: (effect, driver) => {
        if (effect.type === 'roundStarted') setTimeout(() => driver().stop(), 5);
      },
    });
    const { run } = start(undefined, ports);
    const ended = await run;
    assert.equal(ended.status, 'stopped');
    assert.equal(ports.signals[0]?.aborted, true, 'the request was not aborted');
  });

  it('Stop while a tool runs cancels it; its late result is ignored and no next request goes out', async () => {
    let toolSignal: AbortSignal | undefined;
    const ports = scriptedPorts([[toolCalls(call('c1', 'search_text', { query: 'x' })), finish('tool_calls')]], {
      runTool: (_item, _args, signal) => {
        toolSignal = signal;
        return new Promise((resolve) => setTimeout(() => resolve('late'), 30));
      },
      onShow: (effect, driver) => {
        if (effect.type === 'runTool') setTimeout(() => driver().stop(), 5);
      },
    });
    const { conversation, run } = start(toolbox(['search_text']), ports);
    const ended = await run;
    assert.equal(ended.status, 'stopped');
    assert.equal(toolSignal?.aborted, true, 'the running tool was not cancelled');
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(ports.signals.length, 1, 'a request went out after Stop');
    assert.match(conversation.messages[1].toolResults?.[0].content ?? '', /stopped the reply while this tool call/);
  });

  it('a tool that throws answers the model with its error, and the turn goes on', async () => {
    const ports = scriptedPorts(
      [
        [toolCalls(call('c1', 'read_file', { path: 'gone' })), finish('tool_calls')],
        [text('Sorry.'), finish()],
      ],
      {
        runTool: async () => {
          throw new Error('No such file: gone');
        },
      },
    );
    const { conversation, run } = start(toolbox(['read_file']), ports);
    assert.equal((await run).status, 'done');
    assert.match(conversation.messages[1].toolResults?.[0].content ?? '', /No such file: gone/);
  });

  it('a stream port that throws ends the round as interrupted, keeping what arrived', async () => {
    const ports = scriptedPorts([]);
    ports.ports.stream = async function* () {
      yield text('Partial');
      throw new Error('socket hang up');
    };
    const { conversation, run } = start(undefined, ports);
    const ended = await run;
    assert.equal(ended.status, 'interrupted');
    assert.equal(conversation.messages[1].text, 'Partial');
    assert.match(ended.error?.message ?? '', /socket hang up/);
  });
});
