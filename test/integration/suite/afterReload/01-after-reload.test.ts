/**
 * Runs in the extension host of the reloaded window (the runner loads the workbench again after the main suite): the
 * conversation left open before the reload is shown again, and it is still the conversation the next question
 * continues.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeGateway, sseReply } from '../../../support/fakeGateway';
import {
  ask,
  contentText,
  messagesOf,
  sel,
  sleep,
  startChatSuite,
  waitForLastAssistant,
  withTimeout,
} from '../helpers';
import {
  IMAGE_ANSWER,
  IMAGE_HEIGHT,
  IMAGE_QUESTION,
  IMAGE_WIDTH,
  RELOAD_ANSWER,
  RELOAD_QUESTION,
} from '../reloadCheck';
import * as ui from '../ui';

describe('After a window reload', function () {
  let gateway: FakeGateway;

  before(async function () {
    // The reloaded workbench restores the Gateway Chat view by itself, a moment after it loads: reveal it through
    // VS Code (which never toggles it closed) before the usual set-up looks for it.
    await vscode.commands.executeCommand('gatewayChat.focus');
    gateway = await startChatSuite(this);
  });

  after(async () => {
    await gateway?.close();
  });

  it('shows the conversation that was open, and the next question carries it as context', async () => {
    await ui.waitForPanelText(sel.userBody, RELOAD_QUESTION);
    await ui.waitForPanelText(sel.assistantBody, RELOAD_ANSWER);
    assert.equal(await ui.count(sel.message), 2, 'the restored conversation has its two messages, nothing else');

    gateway.enqueue(sseReply(['Still the same conversation.']));
    await ask('And after the reload?');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const sent = messagesOf(request.body).filter((message) => message.role !== 'system');
    assert.deepEqual(
      sent.map((message) => [message.role, contentText(message.content)]),
      [
        ['user', RELOAD_QUESTION],
        ['assistant', RELOAD_ANSWER],
        ['user', 'And after the reload?'],
      ],
    );
  });

  it('[D9] brings back a conversation with an image: shown from its stored file, attached again, sent with the next question', async () => {
    const command = vscode.commands.executeCommand('gatewayChat.showHistory');
    await ui.waitForQuickInput();
    await ui.typeInQuickInput(IMAGE_QUESTION);
    await sleep(300);
    await ui.pressInWorkbench('Enter');
    await withTimeout(command, 10_000, 'gatewayChat.showHistory did not finish after Enter');
    await ui.waitForPanelText(sel.assistantBody, IMAGE_ANSWER);
    const thumbnail = `${sel.user} .message-image img`;
    await ui.waitForCount(thumbnail, 1);
    const src = (await ui.attribute(thumbnail, 'src')) ?? '';
    assert.ok(src && !src.startsWith('data:'), `the panel was sent the image data again: ${src.slice(0, 60)}`);
    assert.deepEqual(await ui.imageSizes(thumbnail), [{ width: IMAGE_WIDTH, height: IMAGE_HEIGHT }]);

    // Exported as JSON, it stands alone: the image is in it again, not a reference to the storage folder.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-export-'));
    try {
      const target = vscode.Uri.file(path.join(dir, 'picture.json'));
      await vscode.commands.executeCommand('gatewayChat.exportConversation', target);
      const exported = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as {
        messages: { images?: { url?: string; ref?: string }[] }[];
      };
      const images = exported.messages.flatMap((message) => message.images ?? []);
      assert.equal(images.length, 1);
      assert.match(images[0]?.url ?? '', /^data:image\/png;base64,/);
      assert.equal(images[0]?.ref, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // Attached again from the stored file, it is the same picture.
    await ui.click(`${sel.user} .image-reattach`);
    await ui.waitForCount('.attachment-chip', 1, 30_000);
    assert.equal(await ui.panelText('.attachment-chip .attachment-size'), `${IMAGE_WIDTH}×${IMAGE_HEIGHT}`);
    await ui.click('.attachment-chip button.attachment-remove');
    await ui.waitForCount('.attachment-chip', 0);

    gateway.enqueue(sseReply(['Still white.']));
    await ask('And now?');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const first = messagesOf(request.body).find((message) => message.role === 'user');
    const parts = (Array.isArray(first?.content) ? first.content : []) as {
      type: string;
      image_url?: { url: string };
    }[];
    const url = parts.find((part) => part.type === 'image_url')?.image_url?.url ?? '';
    assert.match(url, /^data:image\/png;base64,/, 'the restored image is not sent with the next question');
    const bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [IMAGE_WIDTH, IMAGE_HEIGHT]);
  });
});
