/**
 * The API key round trip through VS Code's SecretStorage, as a user does it: "Set API Key" opens a password box,
 * the panel's "set API key" banner goes away once a key is stored and comes back when it is cleared.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, clearApiKey, sel, setApiKeyThroughUi, TEST_API_KEY, withTimeout } from './helpers';
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
