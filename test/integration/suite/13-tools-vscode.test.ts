/**
 * The tools other extensions give VS Code, offered to the model and run through `vscode.lm.invokeTool` in the real
 * VS Code. The runner loads a second extension under development beside ours (test/fixtures/lm-tools-extension), which
 * declares and registers four tools: one that echoes, one that throws, one that answers with text and data parts, and
 * one named `read_file` like one of our own workspace tools.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Logger } from '../../../src/core/logger';
import { Redactor } from '../../../src/core/redact';
import { readConfiguration } from '../../../src/host/configuration';
import { vscodeToolbox, type VscodeTools } from '../../../src/host/tools/vscodeToolbox';
import { buildChatRequest } from '../../../src/core/chatRequest';
import { combineToolboxes } from '../../../src/core/tools/combinedToolbox';
import { workspaceToolbox } from '../../../src/core/tools/workspaceToolbox';
import { validateChatCompletionRequest } from '../../support/requestSchema';
import { skipWithReason } from './skip';

const FIXTURE_ID = 'gateway-chat-tests.gateway-chat-test-tools';
/**
 * A key-shaped secret the redactor knows. Not the run's API key: VS Code's own window log records the arguments of a
 * tool that fails, and the hostile-corpus checks search everything the workbench stores for the API keys.
 */
const SECRET = `sk-lmtool-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;

function collectingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    const value = await promise;
    assert.fail(`expected a failure, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    assert.ok(error instanceof Error, `not an Error: ${String(error)}`);
    return error;
  }
}

describe('Tools other extensions give VS Code (vscode.lm.tools)', function () {
  const redactor = new Redactor();
  const log = collectingLog();
  let tools: VscodeTools;
  const token = () => new vscode.CancellationTokenSource().token;

  before(function () {
    assert.ok(vscode.extensions.getExtension(FIXTURE_ID), `the runner did not load ${FIXTURE_ID} beside Gateway Chat`);
    redactor.addSecret(SECRET);
    const offered = vscodeToolbox({ enabled: true, redact: (text) => redactor.redact(text) }, log);
    assert.ok(offered, `no VS Code tools offered; vscode.lm.tools: ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
    tools = offered;
  });

  it("offers another extension's tool with a valid definition, and running it answers with the tool's text", async () => {
    const echo = tools.toolbox.definitions.find((tool) => tool.function.name === 'gatewayChatTest_echo');
    assert.ok(echo, `not offered: ${tools.toolbox.definitions.map((tool) => tool.function.name).join(', ')}`);
    assert.equal(echo.function.description, 'Answers with the text it was given, prefixed with "echo: ".');
    assert.deepEqual(echo.function.parameters, {
      type: 'object',
      properties: { text: { type: 'string', description: 'The text to echo.' } },
      required: ['text'],
    });
    // With the workspace tools, as a turn offers them: a request the API takes, each name once.
    const body = buildChatRequest({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      tools: combineToolboxes(workspaceToolbox({ acting: true, folders: [] }), tools.toolbox).definitions,
    });
    assert.deepEqual(validateChatCompletionRequest(body), []);
    const names = body.tools?.map((tool) => tool.function.name) ?? [];
    assert.equal(new Set(names).size, names.length, `a name is offered twice: ${names.join(', ')}`);

    assert.equal(tools.toolbox.needsApproval('gatewayChatTest_echo', { text: 'hi' }), true, 'ran without asking');
    assert.equal(
      await tools.invoke('gatewayChatTest_echo', { text: 'hello from the model' }, token()),
      'echo: hello from the model',
    );
  });

  it('a tool named like one of our workspace tools is offered under another name, and that name reaches it', async () => {
    const renamed = tools.toolbox.definitions
      .map((tool) => tool.function.name)
      .find((name) => tools.realName(name) === 'read_file');
    assert.ok(renamed, 'the other extension’s read_file is not offered');
    assert.match(renamed, /^read_file_[0-9a-f]{8}$/);
    assert.equal(tools.has('read_file'), false, 'our own read_file would run the other extension’s tool');
    assert.equal(
      await tools.invoke(renamed, { path: 'a.txt' }, token()),
      'the other extension\'s read_file got {"path":"a.txt"}',
    );
    assert.ok(
      log.lines.some((line) => line.startsWith('info ') && line.includes(`read_file as ${renamed}`)),
      `the log does not say so:\n${log.lines.join('\n')}`,
    );
  });

  it('a tool that throws fails the call with its error (redacted); the turn answers the model with it', async () => {
    const error = await failure(tools.invoke('gatewayChatTest_fail', { detail: `key ${SECRET}` }, token()));
    assert.match(error.message, /the test tool failed on purpose: key /);
    assert.ok(!error.message.includes(SECRET), `the key is in the error: ${error.message}`);
    assert.ok(!(error instanceof vscode.CancellationError));
  });

  it('what a tool answers is redacted before the model reads it', async () => {
    const answer = await tools.invoke('gatewayChatTest_echo', { text: `the key is ${SECRET}` }, token());
    assert.match(answer, /^echo: the key is /);
    assert.ok(!answer.includes(SECRET), answer);
  });

  it('a tool without an input schema takes no arguments; its text and JSON parts are read, an image is only named', async () => {
    const parts = tools.toolbox.definitions.find((tool) => tool.function.name === 'gatewayChatTest_parts');
    assert.deepEqual(parts?.function.parameters, { type: 'object', properties: {} });
    const answer = await tools.invoke('gatewayChatTest_parts', {}, token());
    if (!('LanguageModelDataPart' in vscode)) {
      assert.equal(answer, 'first part');
      return;
    }
    assert.equal(answer, ['first part', '{\n\t"answer": 42\n}', '[binary data: image/png, 8 bytes]'].join('\n'));
  });

  it("VS Code's own chat tools, which it lists too, are not offered", function () {
    const contributed = new Set(
      vscode.extensions.all.flatMap(
        (extension) =>
          (
            extension.packageJSON as { contributes?: { languageModelTools?: { name: string }[] } }
          ).contributes?.languageModelTools?.map((tool) => tool.name) ?? [],
      ),
    );
    const own = vscode.lm.tools.filter((tool) => !contributed.has(tool.name) && !tool.tags.includes('mcp'));
    // VS Code 1.139 lists its agent's tools (run_in_terminal, run_task, inline_chat_exit…) to every extension.
    if (own.length === 0) skipWithReason(this, 'this VS Code lists none of its own chat tools to extensions');
    const offered = new Set(tools.toolbox.definitions.map((tool) => tools.realName(tool.function.name)));
    for (const tool of own) assert.ok(!offered.has(tool.name), `VS Code's own ${tool.name} is offered`);
    for (const tool of vscode.lm.tools.filter((item) => item.name.startsWith('vscode_')))
      assert.ok(!offered.has(tool.name), `${tool.name} is offered`);
    // Those it lists are all offered, and nothing VS Code does not list.
    for (const name of offered)
      assert.ok(
        vscode.lm.tools.some((tool) => tool.name === name),
        `${name} is not a tool`,
      );
  });

  it('a call whose Stop came first does not run', async () => {
    const source = new vscode.CancellationTokenSource();
    source.cancel();
    const error = await failure(tools.invoke('gatewayChatTest_echo', { text: 'x' }, source.token));
    assert.ok(error instanceof vscode.CancellationError, `${error.name}: ${error.message}`);
  });

  it('an unknown name is refused without calling VS Code', async () => {
    const error = await failure(tools.invoke('no_such_tool', {}, token()));
    assert.match(error.message, /no tool named "no_such_tool"/);
  });

  it('none are offered when the setting is off or in Restricted Mode; the setting is on by default', async () => {
    assert.equal(vscodeToolbox({ enabled: false }, log), undefined);
    assert.equal(vscodeToolbox({ enabled: true, trusted: false }, log), undefined);
    assert.equal(readConfiguration().tools.vscodeTools, true);
    const config = vscode.workspace.getConfiguration('gatewayChat');
    try {
      await config.update('tools.vscodeTools', false, vscode.ConfigurationTarget.Global);
      assert.equal(readConfiguration().tools.vscodeTools, false);
    } finally {
      await config.update('tools.vscodeTools', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(readConfiguration().tools.vscodeTools, true);
  });
});
