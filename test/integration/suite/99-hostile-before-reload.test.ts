/**
 * Before the runner reloads the window: none of the state the workbench has stored so far holds an API key, and a
 * draft is left in the panel, which keeps it in its webview state. After the reload (`afterReload/`) every stored
 * state is searched again, the draft showing that the panel's state was among it.
 */
import * as assert from 'node:assert/strict';
import { activate, ALL_TEST_KEYS, sel, setApiKeyThroughUi, TEST_API_KEY } from './helpers';
import { STATE_DRAFT } from './reloadCheck';
import * as ui from './ui';

describe('Before a window reload: the stored state', function () {
  before(async function () {
    ui.requireUi(this);
    await activate();
    await ui.openChatView();
    if (await ui.isVisible(sel.noKeyBanner)) await setApiKeyThroughUi(TEST_API_KEY);
  });

  it("[B7-17] holds no API key in what the workbench stored so far, and leaves a draft in the panel's state", async () => {
    const stored = await ui.storedState();
    assert.ok(stored.length > 0, 'the workbench page has no stored state at all');
    for (const key of ALL_TEST_KEYS) assert.equal(stored.includes(key), false, 'an API key is in the stored state');
    await ui.typeInComposer(STATE_DRAFT);
    assert.equal(await ui.composerValue(), STATE_DRAFT);
  });
});
