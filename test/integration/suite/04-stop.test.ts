/**
 * Stopping a reply mid-stream: the request is really cancelled (the gateway sees the connection close), the text
 * that arrived stays, and the message is marked stopped. Via the panel's Stop button and via the command.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import { ask, lastAssistantText, newChat, sel, startChatSuite, waitForLastAssistant, withTimeout } from './helpers';
import * as ui from './ui';

describe('Stop mid-stream', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  beforeEach(async () => {
    await newChat();
  });

  afterEach(() => gateway?.release());

  after(async () => {
    await gateway?.close();
  });

  async function startHeldReply(): Promise<Awaited<ReturnType<FakeGateway['nextChatRequest']>>> {
    gateway.enqueue(sseReply(['Counting: ', 'one, two, ', 'three, four', ' — never shown'], { holdAfter: 3 }));
    await ask('Count slowly to ten.');
    const request = await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.assistantBody, 'Counting: one, two, three, four');
    assert.equal(await ui.attribute(sel.assistant, 'data-status', -1), 'streaming');
    await ui.waitFor(sel.stop, 'visible');
    return request;
  }

  async function assertStopped(request: Awaited<ReturnType<FakeGateway['nextChatRequest']>>): Promise<void> {
    await withTimeout(request.whenClientClosed, 10_000, 'the gateway never saw the connection close after Stop');
    assert.equal(request.clientClosedEarly, true);
    const text = await waitForLastAssistant('stopped');
    assert.match(text, /Counting: one, two, three, four/, 'the partial text was not kept');
    assert.doesNotMatch(text, /never shown/);
    await ui.waitFor(sel.stop, 'hidden');
  }

  it('[B7-44] the Stop button cancels the request and keeps the partial text', async () => {
    const request = await startHeldReply();
    await ui.click(sel.stop);
    await assertStopped(request);
  });

  it('[B7-44] the "Gateway Chat: Stop" command does the same', async () => {
    const request = await startHeldReply();
    await vscode.commands.executeCommand('gatewayChat.stop');
    await assertStopped(request);
  });

  it('after a stop the next question is sent and answered normally', async () => {
    const request = await startHeldReply();
    await ui.click(sel.stop);
    await assertStopped(request);
    gateway.enqueue(sseReply(['Back again.']));
    await ask('Are you there?');
    await gateway.nextChatRequest(15_000);
    assert.equal((await waitForLastAssistant('done')).trim(), 'Back again.');
    assert.match(await lastAssistantText(), /Back again/);
  });
});
