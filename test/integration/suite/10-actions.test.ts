/**
 * The actions of the chat panel in a real VS Code: a message's toolbar (regenerate, edit & resend, delete, copy),
 * Continue after a reply cut off by the length limit, and a code block's buttons (insert at cursor, open in a new
 * editor). What the user sees, what the gateway receives, and what lands in the clipboard and the editors.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CONTINUE_INSTRUCTION } from '../../../src/core/conversation';
import { FakeGateway, sseReply, type RecordedRequest } from '../../support/fakeGateway';
import {
  ask,
  contentText,
  messagesOf,
  newChat,
  sel,
  sleep,
  startChatSuite,
  until,
  waitForLastAssistant,
} from './helpers';
import * as ui from './ui';

/** The user/assistant turns a request carried, as [role, text]. */
function turnsOf(request: RecordedRequest): [string, string][] {
  return messagesOf(request.body)
    .filter((message) => message.role === 'user' || message.role === 'assistant')
    .map((message) => [message.role, contentText(message.content)]);
}

/** The id of the `index`-th message with `role` in the panel (-1: the last). */
async function idOf(role: 'user' | 'assistant', index = -1): Promise<string> {
  const id = await ui.attribute(role === 'user' ? sel.user : sel.assistant, 'data-id', index);
  assert.ok(id, `no ${role} message at ${index}`);
  return id;
}

const actionOf = (id: string, action: string) => `.message[data-id="${id}"] [data-message-action="${action}"]`;

describe('Message and code-block actions in the panel', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  beforeEach(async () => {
    await newChat();
  });

  afterEach(async () => {
    gateway?.release();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await gateway?.close();
  });

  /** Asks `question`, answered with `answer`; returns the request the gateway received. */
  async function turn(question: string, answer: string[]): Promise<RecordedRequest> {
    gateway.enqueue(sseReply(answer));
    await ask(question);
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    return request;
  }

  it('Regenerate replaces a reply with a new one to the same context', async () => {
    await turn('Name a colour.', ['Red.']);
    const second = await turn('Another one?', ['Blue.']);
    gateway.enqueue(sseReply(['Green.']));
    await ui.click(actionOf(await idOf('assistant'), 'regenerate'));
    const again = await gateway.nextChatRequest(15_000);
    assert.deepEqual(turnsOf(again), turnsOf(second), 'the regenerated reply was not asked with the same context');
    assert.equal((await waitForLastAssistant('done')).trim(), 'Green.');
    assert.deepEqual(await ui.panelTexts(sel.assistantBody), ['Red.', 'Green.']);
    assert.equal(await ui.count(sel.user), 2);
  });

  it('Edit & resend replaces the question, drops the turns after it and sends the edited text', async () => {
    await turn('What is 2+2?', ['4.']);
    await turn('And 3+3?', ['6.']);
    await ui.click(actionOf(await idOf('user', 0), 'edit'));
    // The question is now a text box with the cursor at its end: type as a user does, Enter sends.
    for (const key of [...' Explain.']) await ui.pressInWorkbench(key === ' ' ? 'Space' : key);
    gateway.enqueue(sseReply(['Two and two make four.']));
    await ui.pressInWorkbench('Enter');
    const request = await gateway.nextChatRequest(15_000);
    assert.deepEqual(turnsOf(request), [['user', 'What is 2+2? Explain.']]);
    assert.equal((await waitForLastAssistant('done')).trim(), 'Two and two make four.');
    assert.deepEqual(await ui.panelTexts(sel.userBody), ['What is 2+2? Explain.']);
    assert.equal(await ui.count(sel.assistant), 1);
  });

  it('Delete removes a reply alone, and a question together with its reply; neither is sent again', async () => {
    await turn('First?', ['One.']);
    await turn('Second?', ['Two.']);
    await ui.click(actionOf(await idOf('assistant'), 'delete'));
    await ui.waitForCount(sel.assistant, 1);
    assert.equal(await ui.count(sel.user), 2);
    await ui.click(actionOf(await idOf('user', 0), 'delete'));
    await ui.waitForCount(sel.message, 1);
    assert.deepEqual(await ui.panelTexts(sel.userBody), ['Second?']);
    const request = await turn('Third?', ['Three.']);
    assert.deepEqual(turnsOf(request), [
      ['user', 'Second?'],
      ['user', 'Third?'],
    ]);
  });

  it('Copy puts the raw markdown of a reply on the clipboard', async () => {
    const markdown = 'Use **bold** and `code`:\n\n```js\nconst x = 1;\n```';
    await turn('Show me markdown.', [markdown]);
    await vscode.env.clipboard.writeText('');
    await ui.click(actionOf(await idOf('assistant'), 'copy'));
    const copied = await until(
      'the clipboard to change',
      async () => (await vscode.env.clipboard.readText()) || undefined,
    );
    assert.equal(copied, markdown);
  });

  it('a code block inserts its code at the cursor of the active editor, replacing the selection', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'plaintext',
      content: 'before SELECTED after',
    });
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    editor.selection = new vscode.Selection(0, 7, 0, 15);
    await turn('A snippet?', ['Here:\n\n```ts\nlet y = 2;\n```']);
    const reply = await idOf('assistant');
    await ui.click(`.message[data-id="${reply}"] pre [data-code-action="insert"]`);
    await until('the document to change', () => document.getText() !== 'before SELECTED after');
    assert.equal(document.getText(), 'before let y = 2; after', "the fence's closing newline does not split the line");
  });

  it('a code block opens in a new untitled editor with its language', async () => {
    const code = 'def greet(name):\n    return f"hi {name}"\n';
    await turn('Python please.', ['```py\n' + code + '```']);
    const reply = await idOf('assistant');
    await ui.click(`.message[data-id="${reply}"] pre [data-code-action="newEditor"]`);
    const editor = await until('a new editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.isUntitled && active.document.getText() === code ? active : undefined;
    });
    assert.equal(editor.document.languageId, 'python');
  });

  it('[B7-40] Continue after a reply cut off by the length limit appends to the same reply', async () => {
    gateway.enqueue(sseReply(['Once upon a time, ', 'there was'], { finishReason: 'length' }));
    await ask('Tell me a story.');
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const reply = await idOf('assistant');
    await ui.waitFor(actionOf(reply, 'continue'), 'visible');
    gateway.enqueue(sseReply([' a dragon.']));
    await ui.click(actionOf(reply, 'continue'));
    const request = await gateway.nextChatRequest(15_000);
    assert.deepEqual(turnsOf(request), [
      ['user', 'Tell me a story.'],
      ['assistant', 'Once upon a time, there was'],
      ['user', CONTINUE_INSTRUCTION],
    ]);
    await ui.waitForPanelText(sel.assistantBody, 'Once upon a time, there was a dragon.');
    assert.equal((await waitForLastAssistant('done')).trim(), 'Once upon a time, there was a dragon.');
    assert.equal(await ui.count(sel.assistant), 1);
    assert.equal(
      await ui.count(actionOf(reply, 'continue')),
      0,
      'Continue is still offered after a reply that ended normally',
    );
  });

  it('Apply proposes the code for the selection of the active editor, reviewed like an edit; Accept puts it in', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'keep OLD keep' });
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    editor.selection = new vscode.Selection(0, 5, 0, 8);
    const requests = gateway.chatRequests().length;
    await turn('Replace it.', ['```\nNEW\n```']);
    await ui.click(`.message[data-id="${await idOf('assistant')}"] pre [data-code-action="apply"]`);
    await until('the review of the applied code', async () => {
      const state = await vscode.commands.executeCommand<{ phase?: string } | undefined>(
        'gatewayChat.internal.inlineEditState',
      );
      return state?.phase === 'review';
    });
    await vscode.commands.executeCommand('gatewayChat.acceptEdit');
    await until('the accepted code', () => document.getText() === 'keep NEW keep');
    assert.equal(gateway.chatRequests().length, requests + 1, 'Apply itself asks the model nothing');
  });

  it('shows the time to first token and the tokens per second under a reply', async () => {
    gateway.enqueue(sseReply(['Timed ', 'reply.'], { delayMs: 50 }));
    await ask('How fast?');
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const reply = await idOf('assistant');
    assert.match(
      await ui.panelText(`.message[data-id="${reply}"] .timing-first-token`),
      /^First token \d+(\.\d)? m?s$/,
    );
    assert.match(await ui.panelText(`.message[data-id="${reply}"] .timing-rate`), /^\d+(\.\d)? tokens\/s$/);
  });

  it('refuses to change the conversation while a reply streams; afterwards the same action works', async () => {
    await turn('Before.', ['Done before.']);
    const earlier = await idOf('assistant');
    gateway.enqueue(sseReply(['Slow ', 'reply'], { holdAfter: 1 }));
    await ask('Slow one?');
    await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.assistantBody, 'Slow');
    const requests = gateway.chatRequests().length;
    await ui.click(actionOf(earlier, 'delete'));
    // The host answers with "Wait for the reply to finish, or stop it first." (a toast, not observed here).
    await sleep(1000);
    assert.equal(gateway.chatRequests().length, requests);
    assert.equal(
      await ui.count(`.message[data-id="${earlier}"]`),
      1,
      'the reply was deleted while another one streamed',
    );
    gateway.release();
    await waitForLastAssistant('done');
    await ui.click(actionOf(earlier, 'delete'));
    await ui.waitForCount(`.message[data-id="${earlier}"]`, 0);
    assert.equal(await ui.count(sel.message), 3);
  });
});
