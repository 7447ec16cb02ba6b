/**
 * The settings a user tunes reach the gateway in the shape the API expects; a setting that cannot work stops the
 * request and says which setting is wrong; stalls and cross-origin redirects end in words the user understands.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import {
  ask,
  lastAssistantAllText,
  messagesOf,
  newChat,
  sel,
  setConfig,
  sleep,
  startChatSuite,
  waitForLastAssistant,
} from './helpers';
import * as ui from './ui';

const TUNED = [
  'temperature',
  'maxTokens',
  'systemPrompt',
  'extraBody',
  'headers',
  'routing',
  'fallbackModels',
  'idleTimeoutSeconds',
  'sendWith',
] as const;

async function setSetting(name: (typeof TUNED)[number], value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('gatewayChat').update(name, value, vscode.ConfigurationTarget.Global);
}

describe('Settings, stalls and redirects', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  beforeEach(async () => {
    await setConfig('baseUrl', gateway.baseUrl);
    await setConfig('model', 'openai/gpt-4o-mini');
    await newChat();
  });

  afterEach(async () => {
    for (const name of TUNED) await setSetting(name, undefined);
  });

  after(async () => {
    await gateway?.close();
  });

  it('sends the tuned settings: sampling, system prompt, routing, extra body fields and headers', async () => {
    await setSetting('temperature', 0.3);
    await setSetting('maxTokens', 200);
    await setSetting('systemPrompt', 'Answer in one sentence.');
    await setSetting('extraBody', { top_k: 5 });
    await setSetting('headers', { 'X-Team': 'blue' });
    await setSetting('routing', 'cost');
    await setSetting('fallbackModels', ['deepseek/deepseek-chat']);
    gateway.enqueue(sseReply(['Tuned.']));
    await ask('What is a monad?');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const body = request.body as Record<string, unknown>;
    assert.equal(body.temperature, 0.3);
    assert.equal(body.max_tokens, 200);
    assert.equal(body.top_k, 5);
    assert.deepEqual(body.provider, { routing: 'cost', fallback: ['deepseek/deepseek-chat'] });
    assert.deepEqual(messagesOf(body)[0], { role: 'system', content: 'Answer in one sentence.' });
    assert.equal(request.headers['x-team'], 'blue');
    assert.deepEqual(request.schemaErrors, []);
  });

  it('a reasoning model gets max_completion_tokens and no temperature', async () => {
    await setConfig('model', 'openai/o3-mini');
    await setSetting('temperature', 0.3);
    await setSetting('maxTokens', 200);
    gateway.enqueue(sseReply(['Reasoned.'], { model: 'openai/o3-mini' }));
    await ask('Prove it.');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const body = request.body as Record<string, unknown>;
    assert.equal(body.max_completion_tokens, 200);
    assert.equal('max_tokens' in body, false);
    assert.equal('temperature' in body, false);
    assert.deepEqual(request.schemaErrors, []);
  });

  it('an invalid setting stops the request and names the setting and the reason', async () => {
    const before = gateway.chatRequests().length;
    await setSetting('temperature', 3);
    await ui.waitFor('#config-banner', 'visible');
    const banner = await ui.panelText('#config-banner');
    assert.match(banner, /gatewayChat\.temperature/);
    assert.match(banner, /0 to 2/);
    await ask('Will this be sent?');
    await sleep(1000);
    assert.equal(gateway.chatRequests().length, before, 'a request went out');
    await setSetting('temperature', undefined);
    await ui.waitFor('#config-banner', 'hidden');
  });

  it('gatewayChat.sendWith "ctrlEnter": Enter adds a line in the panel, Ctrl+Enter sends', async () => {
    await setSetting('sendWith', 'ctrlEnter');
    await ui.waitFor('textarea#composer[placeholder*="Ctrl+Enter"]', 'visible');
    const before = gateway.chatRequests().length;
    // Start from an empty box (a refused send earlier keeps its text there, as it should).
    await ui.press('Control+A');
    await ui.press('Backspace');
    await ui.typeInComposer('first line');
    await ui.press('Enter');
    await ui.typeInComposer('second line');
    assert.equal(gateway.chatRequests().length, before, 'Enter sent the message');
    gateway.enqueue(sseReply(['Both lines arrived.']));
    await ui.press('Control+Enter');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    assert.equal(messagesOf(request.body).at(-1)?.content, 'first line\nsecond line');
  });

  it('[B7-43] a gateway that stops sending mid-reply is given up after the idle timeout; the partial text stays', async () => {
    await setSetting('idleTimeoutSeconds', 5);
    gateway.enqueue(sseReply(['The first half ', 'of the answer'], { holdAfter: 2 }));
    await ask('Tell me slowly.');
    const request = await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.assistantBody, 'of the answer');
    const text = await waitForLastAssistant('error', 20_000);
    assert.match(text, /The first half of the answer/);
    assert.match(await lastAssistantAllText(), /stopped sending for 5 s/i);
    await request.whenClientClosed;
    gateway.release();
  });

  it('[B7-21] a redirect to another host is refused: the key is never sent there', async () => {
    const other = await FakeGateway.start();
    try {
      gateway.enqueue({
        status: 307,
        headers: { location: `${other.baseUrl}/chat/completions` },
        steps: [{ kind: 'write', data: '' }],
      });
      await ask('Where does this go?');
      await waitForLastAssistant('error');
      const text = await lastAssistantAllText();
      assert.match(text, /redirected/i);
      assert.match(text, new RegExp(`127\\.0\\.0\\.1:${other.port}`));
      assert.equal(other.requests.length, 0, 'the other host received a request');
    } finally {
      await other.close();
    }
  });
});
