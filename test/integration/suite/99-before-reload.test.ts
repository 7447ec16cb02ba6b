/**
 * The last suite before the runner reloads the window: it leaves a conversation open in the panel. After the reload a
 * new extension host runs `afterReload/` and checks the conversation is still there.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GatewayChatApi } from '../../../src/extension';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import { makePng } from '../../support/pngFixture';
import { activate, ask, newChat, sel, sleep, startChatSuite, waitForLastAssistant } from './helpers';
import {
  IMAGE_ANSWER,
  IMAGE_HEIGHT,
  IMAGE_QUESTION,
  IMAGE_WIDTH,
  RELOAD_ANSWER,
  RELOAD_ANSWER_PIECES,
  RELOAD_QUESTION,
} from './reloadCheck';
import * as ui from './ui';

describe('Before a window reload', function () {
  let gateway: FakeGateway;
  let dir: string;

  before(async function () {
    gateway = await startChatSuite(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-reload-'));
  });

  after(async () => {
    await gateway?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[D9] saves a conversation with an image, the image in a file of its own that the record refers to (opened again after the reload)', async () => {
    await newChat();
    const file = path.join(dir, 'band.png');
    fs.writeFileSync(file, makePng(IMAGE_WIDTH, IMAGE_HEIGHT));
    await vscode.commands.executeCommand('gatewayChat.attachImage', [vscode.Uri.file(file)]);
    await ui.waitForCount('.attachment-chip', 1, 30_000);
    gateway.enqueue(sseReply([IMAGE_ANSWER]));
    await ui.typeInComposer(IMAGE_QUESTION);
    await ui.press('Enter');
    await gateway.nextChatRequest(20_000);
    await waitForLastAssistant('done');

    const folder = ((await activate()).exports as GatewayChatApi).conversationsFolder.fsPath;
    const deadline = Date.now() + 10_000;
    let saved: { text: string; file: string } | undefined;
    while (!saved && Date.now() < deadline) {
      for (const name of fs.readdirSync(folder).filter((entry) => /^c-[A-Za-z0-9_-]+\.json$/.test(entry))) {
        const text = fs.readFileSync(path.join(folder, name), 'utf8');
        if (text.includes(IMAGE_QUESTION) && text.includes(IMAGE_ANSWER)) saved = { text, file: name };
      }
      if (!saved) await sleep(100);
    }
    assert.ok(saved, 'the conversation with the image was not saved');
    assert.ok(!saved.text.includes('data:image'), 'the image is still inside the record');
    const ref = /"ref": "([0-9a-f]{64}\.png)"/.exec(saved.text)?.[1];
    assert.ok(ref, `the record does not refer to a stored image: ${saved.text.slice(0, 500)}`);
    const stored = fs.readFileSync(path.join(folder, 'images', ref));
    assert.deepEqual([stored.readUInt32BE(16), stored.readUInt32BE(20)], [IMAGE_WIDTH, IMAGE_HEIGHT]);
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
