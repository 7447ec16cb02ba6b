/**
 * The last suite before the runner reloads the window: it leaves a conversation open in the panel. After the reload a
 * new extension host runs `afterReload/` and checks the conversation is still there.
 */
import * as assert from 'node:assert/strict';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import { ask, newChat, sel, startChatSuite, waitForLastAssistant } from './helpers';
import { RELOAD_ANSWER, RELOAD_ANSWER_PIECES, RELOAD_QUESTION } from './reloadCheck';
import * as ui from './ui';

describe('Before a window reload', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  after(async () => {
    await gateway?.close();
  });

  it('leaves a finished conversation open in the panel (checked again after the reload)', async () => {
    await newChat();
    gateway.enqueue(sseReply(RELOAD_ANSWER_PIECES));
    await ask(RELOAD_QUESTION);
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    assert.equal(await ui.panelText(sel.userBody), RELOAD_QUESTION);
    assert.equal((await ui.panelText(sel.assistantBody)).trim(), RELOAD_ANSWER);
  });
});
