/**
 * Failures as the user meets them: each shows inline in the conversation, worded for the user, with an action
 * that helps. 401 → "Set API Key"; 404 → check base URL / model; unreachable host → names the host; a stream that
 * drops mid-reply keeps the partial text and is marked interrupted.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { errorReply, FakeGateway, sseReply, type ScriptedReply } from '../../support/fakeGateway';
import {
  ask,
  lastAssistantAllText,
  newChat,
  sel,
  setConfig,
  startChatSuite,
  useGateway,
  waitForLastAssistant,
  withTimeout,
} from './helpers';
import * as ui from './ui';

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('Errors shown in the conversation', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  beforeEach(async () => {
    await setConfig('baseUrl', gateway.baseUrl);
    await newChat();
  });

  after(async () => {
    await gateway?.close();
  });

  async function askAndGetError(reply: ScriptedReply | undefined, question: string): Promise<string> {
    if (reply) gateway.enqueue(reply);
    await ask(question);
    await waitForLastAssistant('error');
    await ui.waitFor(sel.error, 'visible');
    return lastAssistantAllText();
  }

  it('[B7-22] 401: an inline error with a "Set API Key" action that opens the password box', async () => {
    const text = await askAndGetError(
      errorReply(401, 'Incorrect API key provided.', { code: 'invalid_api_key' }),
      'Hello?',
    );
    assert.match(text, /401|API key/i, `the error does not say the key was refused: ${JSON.stringify(text)}`);
    assert.equal(await ui.count(sel.errorAction('setApiKey')), 1, 'no "Set API Key" action on a 401');
    await ui.click(sel.errorAction('setApiKey'));
    await ui.waitForQuickInput();
    await ui.pressInWorkbench('Escape');
    await ui.waitForQuickInputClosed();
  });

  it('[B7-24] 404: tells the user to check the base URL and the model', async () => {
    const text = await askAndGetError(
      errorReply(404, 'The model `openai/gpt-4o-mini` does not exist.', { code: 'model_not_found' }),
      'Hello?',
    );
    assert.match(text, /base URL/i, `the 404 error does not mention the base URL: ${JSON.stringify(text)}`);
    assert.match(text, /model/i, `the 404 error does not mention the model: ${JSON.stringify(text)}`);
    assert.ok((await ui.count(sel.errorAction('openSettings'))) >= 1, 'no "Open Settings" action on a 404');
  });

  it('network error: an unreachable base URL names the host', async () => {
    const port = await closedPort();
    // Another origin: it needs a key of its own before anything is sent to it.
    await useGateway(`http://127.0.0.1:${port}/v1`);
    const text = await askAndGetError(undefined, 'Anyone there?');
    assert.match(text, /127\.0\.0\.1/, `the network error does not name the host: ${JSON.stringify(text)}`);
  });

  it('[B7-36] a stream dropped mid-reply keeps the partial text and is marked interrupted', async () => {
    const partial = sseReply(['Half of ', 'an answer'], { finishReason: null, usage: false, done: false });
    gateway.enqueue({ ...partial, steps: [...partial.steps, { kind: 'wait', ms: 50 }, { kind: 'destroy' }] });
    await ask('Tell me everything.');
    await withTimeout(gateway.nextChatRequest(15_000), 16_000, 'no request');
    const text = await waitForLastAssistant('interrupted');
    assert.match(text, /Half of an answer/);
    assert.match(await lastAssistantAllText(), /interrupted/i, 'the message does not tell the user it was interrupted');
  });

  it('[B7-30] a 5xx is retried automatically; when it persists, "Retry" sends the question again and shows the answer', async () => {
    const chatRequests = () => gateway.chatRequests();
    const before = chatRequests().length;
    const overloaded = () =>
      errorReply(503, 'upstream overloaded', { type: 'server_error', headers: { 'retry-after-ms': '50' } });
    gateway.enqueue(overloaded(), overloaded());
    const text = await askAndGetError(overloaded(), 'Retry me');
    assert.match(text, /503/, `the error does not give the status: ${JSON.stringify(text)}`);
    assert.equal(chatRequests().length - before, 3, 'expected the first try and two automatic retries');
    gateway.enqueue(sseReply(['Worked the second time.']));
    await ui.click(sel.errorAction('retry'));
    assert.match(await ui.waitForPanelText(sel.assistantBody, 'Worked the second time.'), /Worked/);
    const retried = chatRequests().at(-1);
    assert.ok(retried);
    assert.equal(chatRequests().length - before, 4);
    assert.deepEqual(retried.schemaErrors, []);
    const lastUser = (retried.body as { messages: { role: string; content: string }[] }).messages.at(-1);
    assert.deepEqual(lastUser, { role: 'user', content: 'Retry me' });
  });
});
