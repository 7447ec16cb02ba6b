/**
 * Context the user adds, in the real VS Code: a `#file` mention completed from the workspace's own file search
 * (excluded files left out) sends the file's numbered lines to the gateway and shows a chip on the sent message; a
 * file dropped from the Explorer becomes a `#file` chip (images stay images; special files and files outside the
 * workspace are refused by name); a mention that can no longer be read refuses the message and keeps the draft;
 * `AGENTS.md` at the workspace's top is shown as a chip and sent as system context; the context meter follows the
 * conversation.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeGateway, modelListReply, sseReply } from '../../support/fakeGateway';
import { makePng } from '../../support/pngFixture';
import {
  clearNotifications,
  contentText,
  messagesOf,
  newChat,
  sel,
  setConfig,
  sleep,
  startChatSuite,
  until,
  useGateway,
  waitForLastAssistant,
} from './helpers';
import * as ui from './ui';

const MARKER = 'CONTEXT_MARKER_51c2';
const draftChip = '.context-attachments .context-chip';
const option = '#mention-list [role="option"]';

async function allNotifications(): Promise<string[]> {
  await vscode.commands.executeCommand('notifications.showList');
  try {
    return await ui.notifications();
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

describe('Context the user adds, in the real VS Code', function () {
  let gateway: FakeGateway;
  let root: string;
  const write = (relative: string, content: string | Uint8Array) => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };

  before(async function () {
    gateway = await startChatSuite(this);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && folder.uri.scheme === 'file', 'the test window has no workspace folder on disk');
    root = folder.uri.fsPath;
    fs.rmSync(path.join(root, 'ctx'), { recursive: true, force: true });
    const lines = Array.from({ length: 60 }, (_, n) => `line ${n + 1}${n + 1 === 12 ? ` ${MARKER}` : ''}`);
    write('ctx/notes-main.txt', `${lines.join('\n')}\n`);
    write('ctx/hidden/notes-hidden.txt', 'excluded from the Explorer\n');
    await vscode.workspace
      .getConfiguration('files')
      .update('exclude', { '**/ctx/hidden': true }, vscode.ConfigurationTarget.Workspace);
    await newChat();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    if (root) {
      fs.rmSync(path.join(root, 'ctx'), { recursive: true, force: true });
      fs.rmSync(path.join(root, 'AGENTS.md'), { force: true });
    }
    await gateway?.close();
  });

  it("a #file mention completed from the workspace's files sends the file's lines with its path", async () => {
    await ui.typeInComposer('#file:ctx/notes');
    await until('the completion lists the matching file', async () =>
      (await ui.panelTexts(`${option} .mention-detail`)).includes('ctx/notes-main.txt'),
    );
    // files.exclude hides ctx/hidden from the completion as from the Explorer.
    assert.deepEqual(await ui.panelTexts(`${option} .mention-detail`), ['ctx/notes-main.txt']);
    await ui.typeInComposer(':10-14');
    await until('the option names the lines', async () =>
      (await ui.panelTexts(`${option} .mention-label`)).includes('notes-main.txt:10-14'),
    );
    await ui.press('Tab');
    await ui.waitForCount(draftChip, 1);
    assert.equal(await ui.attribute(draftChip, 'aria-label'), '#file:ctx/notes-main.txt:10-14');
    assert.equal(await ui.composerValue(), '');

    gateway.enqueue(sseReply(['Line 12 has the marker.']));
    await ui.typeInComposer('Which line has the marker?');
    await ui.press('Enter');
    const request = await gateway.nextChatRequest(20_000);
    await waitForLastAssistant('done');
    assert.deepEqual(request.schemaErrors, [], 'the request body does not match the Chat Completions schema');
    const last = messagesOf(request.body).at(-1);
    assert.equal(last?.role, 'user');
    assert.ok(Array.isArray(last?.content), 'the user message has no content parts');
    const parts = last.content as { type: string; text: string }[];
    assert.deepEqual(
      parts.map((part) => part.type),
      ['text', 'text'],
    );
    assert.match(parts[0].text, /^\[The user attached the file ctx\/notes-main\.txt, lines 10-14/);
    assert.match(parts[0].text, new RegExp(`\\n12: line 12 ${MARKER}\\n`));
    assert.match(parts[0].text, /\n10: line 10\n/);
    assert.doesNotMatch(parts[0].text, /\n15: line 15/, 'lines outside the range were sent');
    assert.equal(parts[1].text, 'Which line has the marker?');
    // The sent message shows what it carried; the draft's chip is gone.
    await ui.waitForCount(`${sel.user} .message-context .context-chip`, 1);
    assert.equal(await ui.panelText(`${sel.user} .message-context .context-chip`), 'notes-main.txt:10-14');
    assert.equal(await ui.count(draftChip), 0);
  });

  it('the context meter shows the estimate of what the next message sends, and grows with the conversation', async () => {
    const text = await ui.panelText('#context-meter .context-meter-text');
    const match = /^≈ ([\d.]+)(k?)/.exec(text);
    assert.ok(match, `the meter says ${JSON.stringify(text)}`);
    const before = Number(match[1]) * (match[2] ? 1000 : 1);
    // The file's lines (about 5 lines) and the question: more than a handful of tokens.
    assert.ok(before > 20, text);
    gateway.enqueue(sseReply(['x'.repeat(4000)]));
    await ui.typeInComposer('And now a long answer, please.');
    await ui.press('Enter');
    await gateway.nextChatRequest(20_000);
    await waitForLastAssistant('done');
    const after = await until('the meter grows by the reply', async () => {
      const now = /^≈ ([\d.]+)(k?)/.exec(await ui.panelText('#context-meter .context-meter-text'));
      const tokens = now ? Number(now[1]) * (now[2] ? 1000 : 1) : 0;
      return tokens >= before + 900 ? tokens : undefined;
    });
    assert.ok(after >= before + 900);
  });

  it('[D11b] a file dropped from the Explorer is attached as #file context; an image stays an image; special files are refused by name', async function () {
    if (process.platform === 'win32') this.skip();
    await newChat();
    await clearNotifications();
    const picture = write('ctx/picture.png', makePng(40, 30));
    const fifo = path.join(root, 'ctx', 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    const outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-outside-'));
    const outside = path.join(outsideDir, 'outside.txt');
    fs.writeFileSync(outside, 'not in the workspace\n');
    try {
      const uris = [path.join(root, 'ctx', 'notes-main.txt'), picture, fifo, outside].map((file) =>
        vscode.Uri.file(file).toString(),
      );
      await ui.dropUrisOnPanel(uris);
      await ui.waitForCount(draftChip, 1, 20_000);
      assert.equal(await ui.attribute(draftChip, 'aria-label'), '#file:ctx/notes-main.txt');
      await ui.waitForCount('.attachment-chip[aria-label^="picture.png"]', 1, 20_000);
      const warning = await until('the warning naming the refused files', async () =>
        (await allNotifications()).find((text) => /pipe\.txt/.test(text)),
      );
      assert.match(warning, /pipe\.txt is not a regular file/);
      assert.match(warning, /outside\.txt is outside the workspace folders/);

      gateway.enqueue(sseReply(['Sixty lines.']));
      await ui.typeInComposer('How many lines?');
      await ui.press('Enter');
      const request = await gateway.nextChatRequest(20_000);
      await waitForLastAssistant('done');
      const parts = messagesOf(request.body).at(-1)?.content as { type: string; text?: string }[];
      assert.deepEqual(
        parts.map((part) => part.type),
        ['text', 'text', 'image_url'],
      );
      assert.match(parts[0].text ?? '', /ctx\/notes-main\.txt \(lines 1-60 of 60\)/);
    } finally {
      fs.rmSync(fifo, { force: true });
      fs.rmSync(outsideDir, { recursive: true, force: true });
      await clearNotifications();
    }
  });

  it('[D11c] a mention that can no longer be read refuses the message, says why and keeps the draft', async () => {
    await newChat();
    const doomed = write('ctx/doomed.txt', 'soon gone\n');
    await ui.dropUrisOnPanel([vscode.Uri.file(doomed).toString()]);
    await ui.waitForCount(draftChip, 1, 20_000);
    fs.rmSync(doomed);
    const requests = gateway.chatRequests().length;
    await ui.typeInComposer('Summarize it');
    await ui.press('Enter');
    const problem = await ui.waitForPanelText('.context-attachments [role="alert"]', 'could not be attached');
    assert.match(problem, /#file:ctx\/doomed\.txt could not be attached/);
    assert.equal(await ui.composerValue(), 'Summarize it');
    assert.equal(await ui.count(draftChip), 1);
    assert.equal(await ui.count(sel.message), 0, 'the refused message was added to the conversation');
    await sleep(300);
    assert.equal(gateway.chatRequests().length, requests, 'a request went out');
    await ui.click(`${draftChip} button.attachment-remove`);
    await ui.waitForCount(draftChip, 0);
    await ui.press('Control+a');
    await ui.press('Delete');
  });

  it('AGENTS.md at the top of the workspace is shown as a chip that opens it, and leaves when it is deleted', async () => {
    await newChat();
    write('AGENTS.md', `# Agent notes\nAlways answer in haiku. ${MARKER}\n`);
    await ui.waitForPanelText('#project-instructions', 'AGENTS.md', 20_000);
    await ui.click('#project-instructions button.instructions-chip');
    await until('AGENTS.md opens in an editor', () =>
      vscode.window.activeTextEditor?.document.uri.path.endsWith('/AGENTS.md'),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(path.join(root, 'AGENTS.md'));
    await ui.waitFor('#project-instructions', 'hidden');
  });

  it("AGENTS.md reaches the request's system message in a trusted workspace", async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the test window is not trusted');
    await newChat();
    write('AGENTS.md', `Always answer in haiku. ${MARKER}\n`);
    try {
      await ui.waitForPanelText('#project-instructions', 'AGENTS.md', 20_000);
      gateway.enqueue(sseReply(['Autumn moonlight—']));
      await ui.typeInComposer('Write about the moon.');
      await ui.press('Enter');
      const request = await gateway.nextChatRequest(20_000);
      await waitForLastAssistant('done');
      const system = messagesOf(request.body).find((message) => message.role === 'system');
      assert.ok(system, 'the request has no system message');
      assert.match(contentText(system.content), /Project instructions from AGENTS\.md/);
      assert.match(contentText(system.content), new RegExp(`Always answer in haiku\\. ${MARKER}`));
    } finally {
      fs.rmSync(path.join(root, 'AGENTS.md'), { force: true });
      await ui.waitFor('#project-instructions', 'hidden');
    }
  });

  it("a conversation longer than the model's context goes without its oldest turn, and the reply says so", async () => {
    // The catalog gives the model a 16,384-token context: 4,096 are kept for the reply, the tools' definitions take
    // about 2,000, which leaves about 10,000 for the messages.
    const small = await FakeGateway.start();
    try {
      small.enqueueModels(modelListReply([{ id: 'openai/gpt-4o-mini', object: 'model', context_length: 16384 }]));
      await useGateway(small.baseUrl);
      await newChat();
      const ask = async (question: string, answer: string) => {
        small.enqueue(sseReply([answer]));
        await ui.typeInComposer(question);
        await ui.press('Enter');
        const request = await small.nextChatRequest(20_000);
        await waitForLastAssistant('done');
        return messagesOf(request.body).filter((message) => message.role !== 'system');
      };
      // Each answer is about 6,000 tokens: the first two turns fit, the third question does not fit with both.
      assert.equal((await ask('First question', `first ${'a'.repeat(24_000)}`)).length, 1);
      assert.equal((await ask('Second question', `second ${'b'.repeat(24_000)}`)).length, 3);
      assert.equal(await ui.count('.message-left-out'), 0, 'a note shows on a reply that left nothing out');
      const third = await ask('Third question', 'Short.');
      assert.deepEqual(
        third.map((message) => contentText(message.content).slice(0, 15)),
        ['Second question', `second ${'b'.repeat(8)}`, 'Third question'],
        'the oldest turn (question and answer) should be left out of the request',
      );
      // The reply tells what its request left out; the conversation still holds every message.
      await ui.waitForCount(`${sel.assistant} .message-left-out`, 1);
      assert.match(await ui.panelText('.message-left-out'), /^2 /);
      assert.equal(await ui.count(sel.user), 3);
    } finally {
      await setConfig('baseUrl', gateway.baseUrl);
      await small.close();
    }
  });
});
