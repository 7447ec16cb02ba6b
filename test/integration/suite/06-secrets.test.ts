/**
 * The key never leaves SecretStorage: after the tests above used it (stored it, sent it, showed errors about it),
 * it is absent from the chat webview's DOM, the user's and the remote settings.json and every log file VS Code
 * wrote. The same goes for the other keys of the run (a second gateway's, and the single key of an earlier version
 * that was moved).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { filesContaining, listFiles, remoteSettingsFile } from '../../support/vscodeServer';
import { activate, ALL_TEST_KEYS, sel, setApiKeyThroughUi, sleep, TEST_API_KEY } from './helpers';
import * as ui from './ui';

describe('The API key stays secret', function () {
  before(async function () {
    ui.requireUi(this);
    await activate();
    await ui.openChatView();
    if (await ui.isVisible(sel.noKeyBanner)) await setApiKeyThroughUi(TEST_API_KEY);
  });

  it('[B7-17][B7-18] is not in the chat webview DOM', async () => {
    const html = await ui.webviewHtml();
    assert.ok(html.includes('composer'), 'did not get the chat webview DOM');
    for (const key of ALL_TEST_KEYS) assert.equal(html.includes(key), false, 'an API key is in the webview DOM');
  });

  it('[B7-17] is not in the user or remote settings.json', function () {
    const file = process.env.GATEWAY_CHAT_SETTINGS_FILE;
    const dataDir = process.env.GATEWAY_CHAT_USER_DATA_DIR;
    if (!file || !dataDir) this.skip();
    assert.ok(fs.existsSync(file), `${file} does not exist`);
    // In a remote window (the server route) VS Code writes the machine-scoped base URL to the remote settings.
    const files = [file, remoteSettingsFile(dataDir)].filter((candidate) => fs.existsSync(candidate));
    const texts = files.map((candidate) => fs.readFileSync(candidate, 'utf8'));
    assert.ok(
      texts.some((text) => /gatewayChat\.baseUrl/.test(text)),
      `${files.join(' or ')} was expected to hold the base URL the tests set`,
    );
    for (const [i, text] of texts.entries())
      for (const key of ALL_TEST_KEYS) assert.equal(text.includes(key), false, `an API key is in ${files[i]}`);
  });

  it("[B7-17][B7-18] is not in any log file (including the extension's own log)", async function () {
    const dir = process.env.GATEWAY_CHAT_LOGS_DIR;
    if (!dir) this.skip();
    await vscode.commands.executeCommand('gatewayChat.showLog');
    await sleep(1500); // log channels flush asynchronously
    const files = listFiles(dir);
    const own = files.filter((file) => file.includes('gateway-chat.gateway-chat') || /Gateway Chat/.test(file));
    assert.ok(own.length > 0, `the extension wrote no log file under ${dir}; files: ${files.join(', ')}`);
    for (const key of ALL_TEST_KEYS)
      assert.deepEqual(filesContaining(dir, key), [], 'an API key appears in these log files');
  });
});
