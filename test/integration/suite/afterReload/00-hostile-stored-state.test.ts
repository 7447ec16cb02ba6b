/**
 * After the reload, which made the workbench save everything it keeps (extensions' globalState and workspaceState, the
 * views' state, the panel's webview state with the draft left before the reload): no API key is in any of it.
 * SecretStorage, where keys belong, is left out of the search.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, ALL_TEST_KEYS, EXTENSION_ID } from '../helpers';
import { STATE_DRAFT } from '../reloadCheck';
import * as ui from '../ui';

describe('After a window reload: the stored state', function () {
  before(async function () {
    ui.requireUi(this);
    await vscode.commands.executeCommand('gatewayChat.focus');
    await activate();
    await ui.openChatView();
  });

  after(async () => {
    // The next checks after the reload type into the composer: give them the empty box a user would have.
    if (!ui.available()) return;
    await ui.press('Control+A');
    await ui.press('Backspace');
  });

  it("[B7-17] holds no API key: not in globalState, workspaceState or the panel's webview state", async () => {
    await ui.waitFor('textarea#composer', 'visible');
    const stored = await ui.storedState();
    assert.ok(
      stored.includes(STATE_DRAFT),
      "the panel's webview state (with the draft left before the reload) is not in the stored state: the search would prove nothing",
    );
    assert.ok(stored.includes(EXTENSION_ID), "the extension's own stored state is not in the stored state");
    for (const key of ALL_TEST_KEYS) assert.equal(stored.includes(key), false, 'an API key is in the stored state');
    // The draft came back too: the state searched is the one the panel uses.
    assert.equal(await ui.composerValue(), STATE_DRAFT);
  });
});
