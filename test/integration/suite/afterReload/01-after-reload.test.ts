/**
 * Runs in the extension host of the reloaded window (the runner loads the workbench again after the main suite): the
 * conversation left open before the reload is shown again, and it is still the conversation the next question
 * continues.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FakeGateway, sseReply } from '../../../support/fakeGateway';
import { ask, contentText, messagesOf, sel, startChatSuite, waitForLastAssistant } from '../helpers';
import { RELOAD_ANSWER, RELOAD_QUESTION } from '../reloadCheck';
import * as ui from '../ui';

describe('After a window reload', function () {
  let gateway: FakeGateway;

  before(async function () {
    // The reloaded workbench restores the Gateway Chat view by itself, a moment after it loads: reveal it through
    // VS Code (which never toggles it closed) before the usual set-up looks for it.
    await vscode.commands.executeCommand('gatewayChat.focus');
    gateway = await startChatSuite(this);
  });

  after(async () => {
    await gateway?.close();
  });

  it('shows the conversation that was open, and the next question carries it as context', async () => {
    await ui.waitForPanelText(sel.userBody, RELOAD_QUESTION);
    await ui.waitForPanelText(sel.assistantBody, RELOAD_ANSWER);
    assert.equal(await ui.count(sel.message), 2, 'the restored conversation has its two messages, nothing else');

    gateway.enqueue(sseReply(['Still the same conversation.']));
    await ask('And after the reload?');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const sent = messagesOf(request.body).filter((message) => message.role !== 'system');
    assert.deepEqual(
      sent.map((message) => [message.role, contentText(message.content)]),
      [
        ['user', RELOAD_QUESTION],
        ['assistant', RELOAD_ANSWER],
        ['user', 'And after the reload?'],
      ],
    );
  });
});
