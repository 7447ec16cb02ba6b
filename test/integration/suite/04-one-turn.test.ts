/**
 * One turn at a time in the real VS Code: a request made twice at once (a double click on Retry, Enter twice with an
 * image attached, an editor command run twice) sends one billed request and leaves one reply; the second is refused
 * and says so. Stop then stops the turn, whatever started it, and nothing is left streaming. And a question typed the
 * moment the panel opens is sent, not dropped.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorReply, FakeGateway, modelListReply, sseReply, type RecordedRequest } from '../../support/fakeGateway';
import {
  ask,
  clearNotifications,
  contentText,
  messagesOf,
  newChat,
  sel,
  setConfig,
  startChatSuite,
  until,
  useGateway,
  waitForLastAssistant,
  withTimeout,
} from './helpers';
import * as ui from './ui';

/** A real 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const BUSY_NOTICE = 'Wait for the reply to finish, or stop it first.';

describe('One turn at a time', function () {
  let gateway: FakeGateway;
  let dir: string;

  before(async function () {
    gateway = await startChatSuite(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-turns-'));
  });

  beforeEach(async () => {
    await clearNotifications();
    await newChat();
  });

  afterEach(async () => {
    gateway?.release();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await clearNotifications();
  });

  after(async () => {
    await gateway?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The chat requests the gateway received since `before` of them. */
  const requestsSince = (before: number) => gateway.chatRequests().length - before;

  /** Waits for the information message that the second request was refused while the first one runs. */
  async function busyNoticeShown(): Promise<void> {
    // The notice may be kept quiet as a toast: the notification center lists it anyway.
    await vscode.commands.executeCommand('notifications.showList');
    await until('the message that a reply is already on its way', async () =>
      (await ui.notifications()).some((text) => text.includes(BUSY_NOTICE)),
    );
    await vscode.commands.executeCommand('notifications.hideList');
  }

  /** Stops the running turn with `stop`, and checks that it is over and that nothing else streams. */
  async function stopAndExpectNothingStreaming(request: RecordedRequest, stop: () => Thenable<unknown>): Promise<void> {
    await stop();
    await withTimeout(request.whenClientClosed, 10_000, 'the gateway never saw the connection close after Stop');
    await waitForLastAssistant('stopped');
    await ui.waitFor(sel.stop, 'hidden');
    assert.equal(await ui.count(sel.assistantWithStatus('streaming')), 0, 'a reply is still streaming after Stop');
  }

  it('[D2] a double click on Retry sends one request and leaves one reply; Stop leaves nothing streaming', async () => {
    gateway.enqueue(errorReply(400, 'Malformed request.', { type: 'invalid_request_error' }));
    await ask('Worth a retry?');
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('error');
    const before = gateway.chatRequests().length;

    gateway.enqueue(sseReply(['A retried ', 'answer that never ends'], { holdAfter: 1 }));
    await ui.doubleClick(sel.errorAction('retry'));
    const request = await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.assistantBody, 'A retried');
    assert.equal(requestsSince(before), 1, 'one double click on Retry sent more than one request');
    await busyNoticeShown();
    assert.equal(await ui.count(sel.assistant), 1, 'more than one reply');

    await stopAndExpectNothingStreaming(request, () => ui.click(sel.stop));
    assert.equal(requestsSince(before), 1);
    assert.equal(await ui.count(sel.assistant), 1);
  });

  it('[D2] Enter pressed twice at once with an image attached sends one request, while the image check waits', async () => {
    // A gateway whose model list is slow to come: before a message with images goes, the host waits for the list
    // (to know whether the model takes images), and a second Enter comes meanwhile.
    const slow = await FakeGateway.start();
    try {
      const models = modelListReply([{ id: 'openai/gpt-4o-mini', object: 'model', created: 0, owned_by: 'openai' }]);
      slow.enqueueModels({ ...models, steps: [{ kind: 'wait', ms: 1000 }, ...models.steps] });
      await useGateway(slow.baseUrl);
      const file = path.join(dir, 'pixel.png');
      fs.writeFileSync(file, Buffer.from(PNG_BASE64, 'base64'));
      await vscode.commands.executeCommand('gatewayChat.attachImage', [vscode.Uri.file(file)]);
      await ui.waitForCount('.attachment-chip', 1, 30_000);

      slow.enqueue(sseReply(['One picture, ', 'one answer'], { holdAfter: 1 }));
      await ui.typeInComposer('What colour is this pixel?');
      await ui.press('Enter', 2);
      const request = await slow.nextChatRequest(20_000);
      await ui.waitForPanelText(sel.assistantBody, 'One picture,');
      await stopAndExpectNothingStreaming(request, () => ui.click(sel.stop));
      assert.equal(slow.chatRequests().length, 1, 'Enter twice sent more than one request');
      assert.equal(await ui.count(sel.user), 1, 'the message was added twice');
      assert.equal(await ui.count(sel.assistant), 1, 'more than one reply');
      assert.equal(await ui.count('.attachment-chip'), 0, 'the image sent is still attached');
      assert.equal(await ui.composerValue(), '');
    } finally {
      slow.release();
      await setConfig('baseUrl', gateway.baseUrl);
      await slow.close();
    }
  });

  it('[D2] Stop while the image check still waits sends nothing, and the message stays in the composer', async () => {
    const slow = await FakeGateway.start();
    try {
      const models = modelListReply([{ id: 'openai/gpt-4o-mini', object: 'model', created: 0, owned_by: 'openai' }]);
      slow.enqueueModels({ ...models, steps: [{ kind: 'wait', ms: 1000 }, ...models.steps] });
      await useGateway(slow.baseUrl);
      const file = path.join(dir, 'stopped.png');
      fs.writeFileSync(file, Buffer.from(PNG_BASE64, 'base64'));
      await vscode.commands.executeCommand('gatewayChat.attachImage', [vscode.Uri.file(file)]);
      await ui.waitForCount('.attachment-chip', 1, 30_000);
      const draft = 'Stop me before I go';
      await ui.typeInComposer(draft);
      await ui.press('Enter');
      // The composer is busy until the host answers the send: then whatever it decided is decided.
      await ui.waitFor('form.composer[aria-busy="true"]', 'attached');
      await until('the model list asked for', () => slow.requests.some((request) => request.method === 'GET'));
      await vscode.commands.executeCommand('gatewayChat.stop');
      await ui.waitFor('form.composer[aria-busy="true"]', 'detached', 20_000);
      assert.equal(slow.chatRequests().length, 0, 'sent after Stop');
      assert.equal(await ui.composerValue(), draft);
      assert.equal(await ui.count('.attachment-chip'), 1);

      // The next question is the first request the gateway gets.
      await ui.click('.attachment-chip button.attachment-remove');
      await ui.press('Control+A');
      await ui.press('Backspace');
      slow.enqueue(sseReply(['Here.']));
      await ask('Are you there?');
      const request = await slow.nextChatRequest(15_000);
      assert.equal(contentText(messagesOf(request.body).at(-1)?.content), 'Are you there?', 'the stopped one was sent');
      assert.equal((await waitForLastAssistant('done')).trim(), 'Here.');
      assert.equal(slow.chatRequests().length, 1);
      assert.deepEqual(await ui.panelTexts(sel.userBody), ['Are you there?']);
    } finally {
      await setConfig('baseUrl', gateway.baseUrl);
      await slow.close();
    }
  });

  it('[D2] an editor command run twice at once sends one request; the Stop command stops it', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test window has no workspace folder');
    const uri = vscode.Uri.joinPath(folder, 'one-turn.txt');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('function add(a, b) {\n  return a + b;\n}\n', 'utf8'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    const before = gateway.chatRequests().length;

    gateway.enqueue(sseReply(['It adds ', 'two numbers'], { holdAfter: 1 }));
    const first = vscode.commands.executeCommand('gatewayChat.explainSelection');
    const second = vscode.commands.executeCommand('gatewayChat.explainSelection');
    const request = await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.assistantBody, 'It adds');
    await busyNoticeShown();
    await withTimeout(second, 10_000, 'the refused command did not finish');
    assert.equal(requestsSince(before), 1, 'the command run twice sent more than one request');
    assert.equal(await ui.count(sel.user), 1, 'the question was added twice');

    await stopAndExpectNothingStreaming(request, () => vscode.commands.executeCommand('gatewayChat.stop'));
    await withTimeout(first, 10_000, 'the command did not finish after Stop');
    assert.equal(requestsSince(before), 1);
    assert.equal(await ui.count(sel.assistant), 1);
  });

  it('[D10] a question typed the moment the panel opens, then Enter, is sent', async () => {
    // Hidden, the view drops its page; shown again, a new page loads and waits for its first snapshot.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const before = gateway.chatRequests().length;
    gateway.enqueue(sseReply(['Heard you.']));
    const question = 'Typed the moment the panel opened';
    const typed = await ui.openChatViewAndSend(question);
    assert.equal(typed.hadSnapshot, false, 'Enter came after the first snapshot: this test tried nothing');
    const request = await gateway.nextChatRequest(15_000);
    assert.equal(contentText(messagesOf(request.body).at(-1)?.content), question);
    assert.equal((await waitForLastAssistant('done')).trim(), 'Heard you.');
    assert.equal(requestsSince(before), 1);
    assert.equal(await ui.composerValue(), '');
  });

  it('[D11c] a send refused for its images keeps the text and the image, also when an editor command asks after it', async () => {
    // A gateway whose catalog says the model takes only text: the host asks before sending images, and while tests
    // run VS Code answers such a modal question with nothing (as a user closing it): the message is refused.
    const textOnly = await FakeGateway.start();
    try {
      textOnly.enqueueModels(
        modelListReply([{ id: 'openai/gpt-4o-mini', object: 'model', architecture: { input_modalities: ['text'] } }]),
      );
      await useGateway(textOnly.baseUrl);
      const file = path.join(dir, 'refused.png');
      fs.writeFileSync(file, Buffer.from(PNG_BASE64, 'base64'));
      await vscode.commands.executeCommand('gatewayChat.attachImage', [vscode.Uri.file(file)]);
      await ui.waitForCount('.attachment-chip', 1, 30_000);
      const draft = 'Does this model see pictures?';
      await ui.typeInComposer(draft);
      await ui.press('Enter');
      // The composer is busy until the host has answered the send.
      await ui.waitFor('form.composer[aria-busy="true"]', 'detached', 20_000);
      await until('the model list asked for', () => textOnly.requests.some((request) => request.method === 'GET'));

      // Then Explain sends a question of its own to the chat, and its reply comes.
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      assert.ok(folder, 'the test window has no workspace folder');
      const uri = vscode.Uri.joinPath(folder, 'refused-draft.txt');
      await vscode.workspace.fs.writeFile(uri, Buffer.from('const answer = 42;\n', 'utf8'));
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      editor.selection = new vscode.Selection(0, 0, 0, 18);
      textOnly.enqueue(sseReply(['It holds the answer.']));
      await vscode.commands.executeCommand('gatewayChat.explainSelection');
      await textOnly.nextChatRequest(15_000);
      await waitForLastAssistant('done');
      assert.equal(textOnly.chatRequests().length, 1, 'the refused message was sent');
      assert.equal(await ui.count(sel.user), 1);
      assert.equal(await ui.composerValue(), draft, 'the draft was cleared');
      assert.equal(await ui.count('.attachment-chip'), 1, 'the image was removed');
    } finally {
      await setConfig('baseUrl', gateway.baseUrl);
      await textOnly.close();
    }
  });
});
