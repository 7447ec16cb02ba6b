/**
 * Tool loops typed into the real panel, against the fake gateway: the model calls a workspace tool, the extension
 * runs it and sends the answer back in the next request (assistant `tool_calls`, then a `tool` message with the same
 * id), and the model's answer ends the turn. Also what the settings change (tools off, the round limit, asking
 * first) and Stop while a call waits for the user.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeGateway, sseReply, sseToolCalls } from '../../support/fakeGateway';
import {
  ask,
  contentText,
  lastAssistantAllText,
  newChat,
  sel,
  sleep,
  startChatSuite,
  until,
  waitForLastAssistant,
  withTimeout,
} from './helpers';
import * as ui from './ui';

const MARKER = 'LOOP_MARKER_5c1d';

interface SentMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

function sentMessages(body: unknown): SentMessage[] {
  return (body as { messages: SentMessage[] }).messages;
}

function toolNames(body: unknown): string[] {
  const tools = (body as { tools?: { function: { name: string } }[] }).tools ?? [];
  return tools.map((tool) => tool.function.name);
}

async function setToolSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace
    .getConfiguration('gatewayChat')
    .update(`tools.${name}`, value, vscode.ConfigurationTarget.Global);
}

describe('Tool loops in the panel', function () {
  let gateway: FakeGateway;
  let root: string;

  before(async function () {
    gateway = await startChatSuite(this);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'the test window has no workspace folder on disk');
    root = folder.uri.fsPath;
    fs.mkdirSync(path.join(root, 'loop'), { recursive: true });
    fs.writeFileSync(path.join(root, 'loop/notes.md'), `# Notes\n\nThe release is called ${MARKER}.\n`);
  });

  beforeEach(async () => {
    await newChat();
  });

  after(async () => {
    for (const name of ['enabled', 'maxRounds', 'askBeforeReading', 'vscodeTools'])
      await setToolSetting(name, undefined);
    fs.rmSync(path.join(root, 'loop'), { recursive: true, force: true });
    await gateway?.close();
  });

  it('the model reads a workspace file through a tool and answers from it; the follow-up carries the call and its answer', async () => {
    gateway.enqueue(
      sseToolCalls([{ id: 'call_read_1', name: 'read_file', arguments: { path: 'loop/notes.md' } }], {
        text: 'Let me look at the notes.',
      }),
    );
    gateway.enqueue(sseReply([`The release is called `, `${MARKER}.`]));
    await ask('What is the release called? Look in loop/notes.md.');

    const first = await gateway.nextChatRequest(15_000);
    assert.deepEqual(first.schemaErrors, [], 'the first request does not match the Chat Completions schema');
    const offered = toolNames(first.body);
    for (const name of ['read_file', 'list_folder', 'find_files', 'search_text', 'get_problems', 'get_git_diff'])
      assert.ok(offered.includes(name), `${name} was not offered (offered: ${offered.join(', ')})`);

    const second = await gateway.nextChatRequest(15_000);
    assert.deepEqual(second.schemaErrors, [], 'the follow-up does not match the Chat Completions schema');
    const messages = sentMessages(second.body);
    const callIndex = messages.findIndex((message) => message.role === 'assistant' && message.tool_calls);
    assert.ok(callIndex >= 0, 'the follow-up does not carry the assistant message with its tool_calls');
    const call = messages[callIndex];
    assert.equal(contentText(call.content), 'Let me look at the notes.');
    assert.deepEqual(
      call.tool_calls?.map((item) => [item.id, item.function.name, JSON.parse(item.function.arguments)]),
      [['call_read_1', 'read_file', { path: 'loop/notes.md' }]],
    );
    const answer = messages[callIndex + 1];
    assert.equal(answer?.role, 'tool');
    assert.equal(answer.tool_call_id, 'call_read_1');
    assert.match(contentText(answer.content), new RegExp(`The release is called ${MARKER}`));
    assert.equal(messages.length, callIndex + 2, 'the tool message is the last one sent');

    const text = await waitForLastAssistant('done');
    assert.match(text, new RegExp(`The release is called ${MARKER}`));
    assert.equal(gateway.chatRequests().length, 2);
  });

  it("a reopened conversation shows each call's title in plain words, as it showed while it ran", async () => {
    gateway.enqueue(sseToolCalls([{ id: 'call_title_1', name: 'read_file', arguments: { path: 'loop/notes.md' } }]));
    gateway.enqueue(sseReply(['The whale notes are read.']));
    await ask('Read the notes about the narwhal.');
    await gateway.nextChatRequest(15_000);
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const title = await ui.panelText('.tool-call .tool-call-title');
    assert.match(title, /notes\.md/, `the running call's row says ${JSON.stringify(title)}`);

    await newChat();
    await ui.waitForCount('.tool-call', 0);
    const command = vscode.commands.executeCommand('gatewayChat.showHistory');
    await ui.waitForQuickInput();
    await ui.typeInQuickInput('about the narwhal');
    await sleep(300);
    await ui.pressInWorkbench('Enter');
    await withTimeout(command, 10_000, 'gatewayChat.showHistory did not finish after Enter');
    await ui.waitForCount('.tool-call', 1);
    assert.equal(await ui.panelText('.tool-call .tool-call-title'), title);
  });

  it('with gatewayChat.tools.enabled off, no tools are sent', async () => {
    await setToolSetting('enabled', false);
    try {
      gateway.enqueue(sseReply(['No tools here.']));
      await ask('Just answer.');
      const request = await gateway.nextChatRequest(15_000);
      assert.deepEqual(toolNames(request.body), []);
      assert.equal('tool_choice' in (request.body as object), false);
      await waitForLastAssistant('done');
    } finally {
      await setToolSetting('enabled', undefined);
    }
  });

  it('a model that keeps calling tools is stopped at gatewayChat.tools.maxRounds, and the user is told', async () => {
    await setToolSetting('maxRounds', 2);
    try {
      const before = gateway.chatRequests().length;
      for (let round = 1; round <= 2; round++)
        gateway.enqueue(sseToolCalls([{ id: `call_list_${round}`, name: 'list_folder', arguments: { path: 'loop' } }]));
      await ask('List the folder, forever.');
      await until('the round-limit notice', async () => (await lastAssistantAllText()).includes('rounds'), 15_000);
      assert.match(await lastAssistantAllText(), /2 rounds/);
      assert.equal(gateway.chatRequests().length - before, 2, 'more requests than the limit were sent');
      for (let round = 1; round <= 2; round++) await gateway.nextChatRequest(1000);
    } finally {
      await setToolSetting('maxRounds', undefined);
    }
  });

  it('Stop while a call waits for the user ends the turn; the call is answered as not run in the next request', async () => {
    await setToolSetting('askBeforeReading', true);
    try {
      gateway.enqueue(sseToolCalls([{ id: 'call_wait_1', name: 'read_file', arguments: { path: 'loop/notes.md' } }]));
      await ask('Read the notes, but I will stop you.');
      await gateway.nextChatRequest(15_000);
      await until('the reply in the panel', async () => (await ui.count(sel.assistant)) > 0, 10_000);
      // The call is waiting for the user: nothing has been sent since.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = gateway.chatRequests().length;
      await vscode.commands.executeCommand('gatewayChat.stop');
      await waitForLastAssistant('stopped');
      assert.equal(gateway.chatRequests().length, sent, 'a request went out after Stop');

      await setToolSetting('askBeforeReading', undefined);
      gateway.enqueue(sseReply(['Fine.']));
      await ask('Never mind.');
      const next = await gateway.nextChatRequest(15_000);
      assert.deepEqual(next.schemaErrors, []);
      const messages = sentMessages(next.body);
      const answer = messages.find((message) => message.role === 'tool' && message.tool_call_id === 'call_wait_1');
      assert.ok(answer, `the call that never ran has no answer in the next request: ${JSON.stringify(messages)}`);
      assert.match(contentText(answer.content), /stopped the reply before this tool call ran/);
      assert.doesNotMatch(contentText(answer.content), new RegExp(MARKER), 'the file was read although it waited');
      await waitForLastAssistant('done');
    } finally {
      await setToolSetting('askBeforeReading', undefined);
    }
  });

  it('a terminal command the model asks for is shown on an approval card; Deny runs nothing and the model hears why', async () => {
    const witness = path.join(root, 'loop/ran.txt');
    fs.rmSync(witness, { force: true });
    const command = `echo ran > ${JSON.stringify(witness)}`;
    gateway.enqueue(
      sseToolCalls([{ id: 'call_cmd_1', name: 'run_terminal_command', arguments: { command } }], {
        text: 'I will write a file.',
      }),
    );
    gateway.enqueue(sseReply(['Understood, I did not run it.']));
    await ask('Run a command for me.');
    await gateway.nextChatRequest(15_000);
    const card = '.approval-card[data-call-id="call_cmd_1"]';
    await ui.waitFor(card, 'visible');
    assert.match(await ui.panelText(card), /echo ran/, 'the card does not show the exact command');
    assert.equal(
      await ui.count(`${card} button[data-decision="allowForConversation"]`),
      0,
      'commands offer "for this conversation"',
    );
    await ui.click(`${card} button[data-decision="deny"]`);

    const next = await gateway.nextChatRequest(15_000);
    const answer = sentMessages(next.body).find((message) => message.tool_call_id === 'call_cmd_1');
    assert.match(contentText(answer?.content), /declined/);
    const text = await waitForLastAssistant('done');
    assert.match(text, /did not run it/);
    await ui.waitForCount(card, 0);
    assert.equal(fs.existsSync(witness), false, 'the denied command ran');
  });

  it('with askBeforeReading on, Allow once on the card reads the file and the model answers from it', async () => {
    await setToolSetting('askBeforeReading', true);
    try {
      gateway.enqueue(sseToolCalls([{ id: 'call_ask_1', name: 'read_file', arguments: { path: 'loop/notes.md' } }]));
      gateway.enqueue(sseReply(['It is ', `${MARKER}.`]));
      await ask('What is the release called?');
      await gateway.nextChatRequest(15_000);
      const card = '.approval-card[data-call-id="call_ask_1"]';
      await ui.waitFor(card, 'visible');
      assert.match(await ui.panelText(card), /notes\.md/);
      await ui.click(`${card} button[data-decision="allowOnce"]`);
      const next = await gateway.nextChatRequest(15_000);
      const answer = sentMessages(next.body).find((message) => message.tool_call_id === 'call_ask_1');
      assert.match(contentText(answer?.content), new RegExp(MARKER));
      assert.match(await waitForLastAssistant('done'), new RegExp(MARKER));
    } finally {
      await setToolSetting('askBeforeReading', undefined);
    }
  });

  it('a tool another extension gives VS Code is offered, asked about on a card that names it, and its answer reaches the model', async () => {
    gateway.enqueue(sseToolCalls([{ id: 'call_vs_1', name: 'gatewayChatTest_echo', arguments: { text: 'hello' } }]));
    gateway.enqueue(sseReply(['The tool said hello.']));
    await ask('Echo hello with the test tool.');
    const first = await gateway.nextChatRequest(15_000);
    assert.ok(toolNames(first.body).includes('gatewayChatTest_echo'), 'the VS Code tool is not offered');
    assert.ok(toolNames(first.body).includes('read_file'), 'the workspace tools are not offered beside it');
    const card = '.approval-card[data-call-id="call_vs_1"]';
    await ui.waitFor(card, 'visible');
    assert.match(await ui.panelText(card), /gatewayChatTest_echo/);
    assert.match(await ui.panelText(card), /"text": "hello"/);
    const requests = gateway.chatRequests().length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(gateway.chatRequests().length, requests, 'the tool ran before the user allowed it');
    await ui.click(`${card} button[data-decision="allowOnce"]`);
    const next = await gateway.nextChatRequest(15_000);
    const answer = sentMessages(next.body).find((message) => message.tool_call_id === 'call_vs_1');
    assert.equal(contentText(answer?.content), 'echo: hello');
    await waitForLastAssistant('done');
  });

  it('with gatewayChat.tools.vscodeTools off, only the workspace tools are offered', async () => {
    await setToolSetting('vscodeTools', false);
    try {
      gateway.enqueue(sseReply(['Fine.']));
      await ask('Which tools do you have?');
      const request = await gateway.nextChatRequest(15_000);
      await waitForLastAssistant('done');
      assert.ok(toolNames(request.body).includes('read_file'));
      assert.ok(
        !toolNames(request.body).some((name) => name.startsWith('gatewayChatTest_')),
        'a VS Code tool is offered',
      );
    } finally {
      await setToolSetting('vscodeTools', undefined);
    }
  });

  it('an edit the model proposes through a tool is shown on its card, reviewed in the editor and accepted; the model reads that', async () => {
    const file = path.join(root, 'loop/greet.ts');
    fs.writeFileSync(file, "export function greet(name: string) {\n  return 'Hello ' + name;\n}\n");
    const uri = vscode.Uri.file(file);
    gateway.enqueue(
      sseToolCalls([
        {
          id: 'call_edit_1',
          name: 'propose_edit',
          arguments: {
            path: 'loop/greet.ts',
            edits: [{ old_text: "return 'Hello ' + name;", new_text: 'return `Hello, ${name}!`;' }],
          },
        },
      ]),
    );
    gateway.enqueue(sseReply(['The greeting now has a comma.']));
    await ask('Add a comma to the greeting in loop/greet.ts.');
    await gateway.nextChatRequest(15_000);
    const card = '.approval-card[data-call-id="call_edit_1"]';
    await ui.waitFor(card, 'visible');
    const cardText = await ui.panelText(card);
    assert.match(cardText, /loop\/greet\.ts/);
    assert.match(cardText, /\+\s*return `Hello, \$\{name\}!`;/, 'the card shows no diff preview of the edit');
    assert.equal(
      fs.readFileSync(file, 'utf8').includes('Hello, '),
      false,
      'the file changed before the user allowed it',
    );
    await ui.click(`${card} button[data-decision="allowOnce"]`);

    await until(
      'the review of the proposed edit',
      async () => {
        const state = await vscode.commands.executeCommand<{ phase?: string } | undefined>(
          'gatewayChat.internal.inlineEditState',
          uri.toString(),
        );
        return state?.phase === 'review' ? state : undefined;
      },
      15_000,
    );
    assert.equal(fs.readFileSync(file, 'utf8').includes('Hello, '), false, 'the file was written before the review');
    await vscode.commands.executeCommand('gatewayChat.acceptEdit', uri.toString());

    const next = await gateway.nextChatRequest(15_000);
    const answer = sentMessages(next.body).find((message) => message.tool_call_id === 'call_edit_1');
    assert.match(contentText(answer?.content), /accepted/);
    await waitForLastAssistant('done');
    await until(
      'the saved file',
      () => fs.readFileSync(file, 'utf8').includes('return `Hello, ${name}!`;') || undefined,
      5_000,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
