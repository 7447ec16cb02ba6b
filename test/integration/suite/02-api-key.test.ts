/**
 * The API key round trip through VS Code's SecretStorage, as a user does it: "Set API Key" opens a password box,
 * the panel's "set API key" banner goes away once a key is stored and comes back when it is cleared. Keys are kept
 * per gateway: switching `gatewayChat.baseUrl` never sends one gateway's key to another, and the single key of an
 * earlier version goes to the gateway configured when it is found. Invisible characters pasted around a key are
 * removed, one inside it is refused with its position, and a key stored with one is reported instead of failing.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FakeGateway, sseReply, type RecordedRequest } from '../../support/fakeGateway';
import { filesContaining } from '../../support/vscodeServer';
import {
  activate,
  ask,
  clearApiKey,
  clearNotifications,
  lastAssistantAllText,
  LEGACY_API_KEY,
  newChat,
  OTHER_API_KEY,
  sel,
  setApiKeyThroughUi,
  setConfig,
  TEST_API_KEY,
  until,
  useGateway,
  waitForLastAssistant,
  withTimeout,
} from './helpers';
import * as ui from './ui';

describe('API key (SecretStorage)', function () {
  before(async function () {
    ui.requireUi(this);
    await activate();
    await clearApiKey();
    await ui.openChatView();
  });

  it('shows the "set API key" banner while no key is stored', async () => {
    await ui.waitFor(sel.noKeyBanner, 'visible');
    assert.equal(await ui.count(sel.bannerSetKey), 1, 'the banner has no Set API Key button');
  });

  it('refuses an empty key: the input box shows a validation message and nothing is stored', async () => {
    const command = vscode.commands.executeCommand('gatewayChat.setApiKey');
    await ui.waitForQuickInput();
    await ui.typeInQuickInput('   ');
    await ui.pressInWorkbench('Enter');
    const shown = await ui.waitForQuickInputText('empty');
    assert.match(shown, /empty/i);
    assert.equal(await ui.quickInputVisible(), true, 'Enter on an empty key closed the input box');
    await ui.pressInWorkbench('Escape');
    await withTimeout(command, 10_000, 'gatewayChat.setApiKey did not finish after Escape');
    await ui.waitForQuickInputClosed();
    // Still no key: the banner stays.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await ui.isVisible(sel.noKeyBanner), true, 'the banner went away although no key was stored');
  });

  it('stores a key typed in the password box: the banner goes away', async () => {
    await setApiKeyThroughUi(TEST_API_KEY);
    await ui.waitFor(sel.noKeyBanner, 'hidden');
  });

  it('"Clear API Key" brings the banner back', async () => {
    await clearApiKey();
    await ui.waitFor(sel.noKeyBanner, 'visible');
  });

  it('the banner\'s "Set API Key" button opens the password box and stores the key', async () => {
    await ui.click(sel.bannerSetKey);
    await ui.waitForQuickInput();
    const prompt = await ui.quickInputText();
    assert.match(prompt, /API key/i, `the input box does not say what it asks for: ${JSON.stringify(prompt)}`);
    await ui.typeInQuickInput(TEST_API_KEY);
    await ui.pressInWorkbench('Enter');
    await ui.waitForQuickInputClosed();
    await ui.waitFor(sel.noKeyBanner, 'hidden');
  });
});

describe('API keys per gateway', function () {
  let first: FakeGateway;
  let second: FakeGateway;
  const origin = (gateway: FakeGateway) => `http://127.0.0.1:${gateway.port}`;

  /** Asks a question on the configured gateway and returns the chat request that reached `gateway`. */
  async function askThrough(gateway: FakeGateway, answer: string): Promise<RecordedRequest> {
    await newChat();
    gateway.enqueue(sseReply([answer]));
    await ask(`Which key reaches ${gateway.port}?`);
    const request = await gateway.nextChatRequest(15_000);
    assert.equal(await waitForLastAssistant('done'), answer);
    return request;
  }

  before(async function () {
    ui.requireUi(this);
    await activate();
    first = await FakeGateway.start();
    second = await FakeGateway.start();
    await setConfig('model', 'openai/gpt-4o-mini');
    await ui.openChatView();
    await useGateway(first.baseUrl, TEST_API_KEY);
  });

  after(async () => {
    await first?.close();
    await second?.close();
  });

  it('[B7-20] switching to another gateway sends it no key: the banner shows, a question is held back, the model list goes without', async () => {
    await setConfig('baseUrl', second.baseUrl);
    await ui.waitFor(sel.noKeyBanner, 'visible');

    // With no key the panel does not send: Enter opens the password box, which names the gateway it is for.
    await ui.typeInComposer('Is my key safe?');
    await ui.press('Enter');
    await ui.waitForQuickInput();
    const shown = await ui.quickInputText();
    assert.ok(
      shown.includes(origin(second)),
      `the input box does not name the gateway ${origin(second)}: ${JSON.stringify(shown)}`,
    );
    await ui.pressInWorkbench('Escape');
    await ui.waitForQuickInputClosed();
    assert.equal(await ui.composerValue(), 'Is my key safe?', 'the question was lost');
    assert.equal(second.chatRequests().length, 0, 'a question went to a gateway without its own key');

    // The model list is still asked for (it needs no key), but without the first gateway's key.
    const picking = vscode.commands.executeCommand('gatewayChat.selectModel');
    await ui.waitForQuickInput();
    await ui.pressInWorkbench('Escape');
    await withTimeout(picking, 10_000, 'gatewayChat.selectModel did not finish after Escape');
    assert.ok(second.requests.length > 0, 'the second gateway was never asked for its models');
    for (const request of second.requests) {
      assert.equal(
        request.headers.authorization,
        undefined,
        `${request.method} ${request.path} carried an Authorization header`,
      );
      assert.equal(
        JSON.stringify(request.headers).includes(TEST_API_KEY),
        false,
        "the first gateway's key reached the second",
      );
    }
  });

  it('[B7-20] each gateway keeps its own key: the input box names the gateway, and switching back sends the first key again', async () => {
    const command = vscode.commands.executeCommand('gatewayChat.setApiKey');
    await ui.waitForQuickInput();
    const shown = await ui.quickInputText();
    assert.ok(
      shown.includes(origin(second)),
      `the input box does not name the gateway ${origin(second)}: ${JSON.stringify(shown)}`,
    );
    await ui.typeInQuickInput(OTHER_API_KEY);
    await ui.pressInWorkbench('Enter');
    await withTimeout(command, 10_000, 'gatewayChat.setApiKey did not finish after Enter');
    await ui.waitFor(sel.noKeyBanner, 'hidden');
    assert.equal((await askThrough(second, 'Second gateway here.')).headers.authorization, `Bearer ${OTHER_API_KEY}`);

    await setConfig('baseUrl', first.baseUrl);
    assert.equal((await askThrough(first, 'First gateway here.')).headers.authorization, `Bearer ${TEST_API_KEY}`);
    assert.equal(
      first.requests.some((request) => JSON.stringify(request.headers).includes(OTHER_API_KEY)),
      false,
    );
  });

  it('"Clear API Key" clears the configured gateway\'s key only, and says which', async () => {
    await clearNotifications();
    await clearApiKey();
    await ui.waitFor(sel.noKeyBanner, 'visible');
    // The notice may be kept quiet as a toast: the notification center lists it anyway.
    await vscode.commands.executeCommand('notifications.showList');
    await until('the notice naming the cleared gateway', async () =>
      (await ui.notifications()).some((text) => text.includes(origin(first)) && /removed/i.test(text)),
    );
    await vscode.commands.executeCommand('notifications.hideList');

    await setConfig('baseUrl', second.baseUrl);
    await ui.waitFor(sel.noKeyBanner, 'hidden');
    assert.equal((await askThrough(second, 'Still here.')).headers.authorization, `Bearer ${OTHER_API_KEY}`);
  });

  it('the single key of an earlier version becomes the key of the gateway configured then, and of no other', async () => {
    const third = await FakeGateway.start();
    try {
      await setConfig('baseUrl', third.baseUrl);
      await ui.waitFor(sel.noKeyBanner, 'visible');
      // What an earlier version left in SecretStorage: one entry, `gatewayChat.apiKey`.
      await vscode.commands.executeCommand('gatewayChat.internal.storeLegacyApiKey', LEGACY_API_KEY);
      await ui.waitFor(sel.noKeyBanner, 'hidden');
      assert.equal((await askThrough(third, 'Moved.')).headers.authorization, `Bearer ${LEGACY_API_KEY}`);

      // The other gateways are untouched: the second keeps its key, the first (cleared above) still has none.
      await setConfig('baseUrl', second.baseUrl);
      assert.equal((await askThrough(second, 'Mine.')).headers.authorization, `Bearer ${OTHER_API_KEY}`);
      await setConfig('baseUrl', first.baseUrl);
      await ui.waitFor(sel.noKeyBanner, 'visible');

      const dir = process.env.GATEWAY_CHAT_LOGS_DIR;
      if (dir) {
        await vscode.commands.executeCommand('gatewayChat.showLog');
        await until(
          'the log line about the moved key',
          () => filesContaining(dir, `is now the key of ${origin(third)} only`).length > 0,
        );
        assert.deepEqual(filesContaining(dir, LEGACY_API_KEY), [], 'the moved key is in these log files');
      }
    } finally {
      await third.close();
    }
  });
});

describe('A pasted key with invisible characters', function () {
  let gateway: FakeGateway;

  before(async function () {
    ui.requireUi(this);
    await activate();
    gateway = await FakeGateway.start();
    await setConfig('model', 'openai/gpt-4o-mini');
    await ui.openChatView();
    await setConfig('baseUrl', gateway.baseUrl);
    await ui.waitFor(sel.noKeyBanner, 'visible');
  });

  after(async () => {
    await gateway?.close();
  });

  it('[D5] a key pasted with a trailing U+200B is stored without it, and a chat request then succeeds', async () => {
    const command = vscode.commands.executeCommand('gatewayChat.setApiKey');
    await ui.waitForQuickInput();
    await ui.typeInQuickInput(`${TEST_API_KEY}\u200B`);
    const shown = await ui.waitForQuickInputText('U+200B');
    assert.match(shown, /removed: U\+200B \(zero width space\)/);
    await ui.pressInWorkbench('Enter');
    await withTimeout(command, 10_000, 'gatewayChat.setApiKey did not finish after Enter');
    await ui.waitForQuickInputClosed();
    await ui.waitFor(sel.noKeyBanner, 'hidden');

    await newChat();
    gateway.enqueue(sseReply(['Clean key, clean answer.']));
    await ask('Does my key work?');
    const request = await gateway.nextChatRequest(15_000);
    assert.equal(request.headers.authorization, `Bearer ${TEST_API_KEY}`);
    assert.equal(await waitForLastAssistant('done'), 'Clean key, clean answer.');
  });

  it('[D5] a key with a zero-width space inside is refused, naming the character and its position', async () => {
    const command = vscode.commands.executeCommand('gatewayChat.setApiKey');
    await ui.waitForQuickInput();
    await ui.typeInQuickInput(`${TEST_API_KEY.slice(0, 10)}\u200B${TEST_API_KEY.slice(10)}`);
    await ui.pressInWorkbench('Enter');
    const shown = await ui.waitForQuickInputText('position 11');
    assert.match(shown, /U\+200B \(zero width space\) at position 11/);
    assert.equal(await ui.quickInputVisible(), true, 'Enter on a refused key closed the input box');
    await ui.pressInWorkbench('Escape');
    await withTimeout(command, 10_000, 'gatewayChat.setApiKey did not finish after Escape');
    await ui.waitForQuickInputClosed();
  });

  it('[D5] a key an earlier version stored with a U+200B is reported as such, with Set API Key, and nothing is sent', async () => {
    const other = await FakeGateway.start();
    try {
      await setConfig('baseUrl', other.baseUrl);
      await ui.waitFor(sel.noKeyBanner, 'visible');
      // An earlier version stored the pasted text as it came (trimmed, and U+200B is not whitespace).
      await vscode.commands.executeCommand('gatewayChat.internal.storeLegacyApiKey', `${OTHER_API_KEY}\u200B`);
      await ui.waitFor(sel.noKeyBanner, 'hidden');
      await newChat();
      await ask('Is my old key fine?');
      await waitForLastAssistant('error');
      const text = await lastAssistantAllText();
      assert.match(text, /stored API key for 127\.0\.0\.1:\d+ contains U\+200B \(zero width space\)/, text);
      assert.match(text, new RegExp(`at position ${OTHER_API_KEY.length + 1}`), text);
      assert.doesNotMatch(text, /interrupted/i);
      assert.equal(await ui.count(sel.errorAction('setApiKey')), 1, 'no "Set API Key" action');
      assert.equal(other.chatRequests().length, 0, 'a request went out with the broken key');
      assert.ok(!text.includes(OTHER_API_KEY.slice(4, 16)), 'the key is in the panel');
    } finally {
      await setConfig('baseUrl', gateway.baseUrl);
      await other.close();
    }
  });
});
