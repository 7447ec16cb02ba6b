/**
 * Images in the real VS Code: a PNG file attached with `gatewayChat.attachImage` (given its URI, as the file picker
 * would return it) and sent with text reaches the gateway as a schema-valid `image_url` part, downscaled to the limit;
 * `gatewayChat.attachScreenshot` runs the capture tool it finds on PATH (a stand-in script here) and attaches what it
 * wrote; without any tool it says so. The suite runs in the extension host, so the PATH it sets is the one the
 * extension searches.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import { makePng } from '../../support/pngFixture';
import { clearNotifications, messagesOf, newChat, sel, sleep, startChatSuite, waitForLastAssistant } from './helpers';
import * as ui from './ui';

function pngSizeOfDataUrl(url: string): { width: number; height: number } {
  const bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'the image sent is not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const chip = '.attachment-chip';

describe('Images: attach, send, screenshots', function () {
  let gateway: FakeGateway;
  let dir: string;
  const originalPath = process.env.PATH;

  before(async function () {
    gateway = await startChatSuite(this);
    await newChat();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-images-'));
  });

  afterEach(() => {
    process.env.PATH = originalPath;
  });

  after(async () => {
    process.env.PATH = originalPath;
    await gateway?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends an attached PNG file with text as an image_url part, downscaled to 2048 px', async () => {
    const file = path.join(dir, 'wide diagram.png');
    fs.writeFileSync(file, makePng(3000, 1000));
    await vscode.commands.executeCommand('gatewayChat.attachImage', [vscode.Uri.file(file)]);
    await ui.waitForCount(chip, 1, 30_000);
    assert.equal(await ui.panelText(`${chip} .attachment-size`), '2048×683');

    gateway.enqueue(sseReply(['A blue diagram with a white band.']));
    await ui.typeInComposer('What does this diagram show?');
    await ui.press('Enter');
    const request = await gateway.nextChatRequest(20_000);
    await waitForLastAssistant('done');
    assert.deepEqual(request.schemaErrors, [], 'the request body does not match the Chat Completions schema');
    const last = messagesOf(request.body).at(-1);
    assert.equal(last?.role, 'user');
    assert.ok(Array.isArray(last?.content), 'the user message has no content parts');
    const parts = last.content as { type: string; text?: string; image_url?: { url: string; detail?: string } }[];
    assert.deepEqual(
      parts.map((part) => part.type),
      ['text', 'image_url'],
    );
    assert.equal(parts[0].text, 'What does this diagram show?');
    const url = parts[1].image_url?.url ?? '';
    assert.match(url, /^data:image\/png;base64,/);
    assert.deepEqual(pngSizeOfDataUrl(url), { width: 2048, height: 683 });
    // The panel shows the sent image and clears the composer.
    await ui.waitForCount(`${sel.user} .message-image img`, 1);
    assert.equal(await ui.count(chip), 0);
    assert.equal(await ui.composerValue(), '');
  });

  it('attachScreenshot runs the capture tool found on PATH and attaches the image it wrote', async () => {
    const tools = path.join(dir, 'tools');
    fs.mkdirSync(tools, { recursive: true });
    const shot = path.join(dir, 'known-shot.png');
    fs.writeFileSync(shot, makePng(320, 200));
    // gnome-screenshot -a -f FILE: the stand-in copies a known PNG to FILE.
    const script = path.join(tools, 'gnome-screenshot');
    fs.writeFileSync(script, `#!/bin/sh\n[ "$1" = "-a" ] && [ "$2" = "-f" ] || exit 2\nexec /bin/cp '${shot}' "$3"\n`, {
      mode: 0o755,
    });
    process.env.PATH = `${tools}${path.delimiter}${originalPath ?? ''}`;
    assert.equal(await vscode.commands.executeCommand('gatewayChat.attachScreenshot'), 'captured');
    await ui.waitForCount(chip, 1, 30_000);
    assert.equal(await ui.attribute(chip, 'aria-label'), 'screenshot.png 320×200');
    await ui.click(`${chip} button.attachment-remove`);
    await ui.waitForCount(chip, 0);
  });

  it('without any capture tool, attachScreenshot reports that none was found and attaches nothing', async () => {
    const empty = path.join(dir, 'no-tools');
    fs.mkdirSync(empty, { recursive: true });
    process.env.PATH = empty;
    await clearNotifications();
    // The warning offering "Choose File…" is shown without waiting for an answer; the command says what happened.
    assert.equal(await vscode.commands.executeCommand('gatewayChat.attachScreenshot'), 'noTool');
    await sleep(500);
    assert.equal(await ui.count(chip), 0);
    await clearNotifications();
  });
});
