/**
 * Saved conversations: the files in the extension's global storage, switching back through "Show Conversation
 * History", export and import, a corrupt file, and what a restarted window would load. A window reload would end
 * the running suite, so the restart is simulated with a second `ConversationStore` over the same folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Conversation } from '../../../src/core/conversation';
import { toRecord, type ConversationRecord } from '../../../src/core/conversationRecord';
import type { GatewayChatApi } from '../../../src/extension';
import { ConversationStore } from '../../../src/host/conversationStore';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import { makePng } from '../../support/pngFixture';
import {
  activate,
  ask,
  clearNotifications,
  newChat,
  sel,
  setApiKeyThroughUi,
  setConfig,
  sleep,
  TEST_API_KEY,
  waitForLastAssistant,
  withTimeout,
} from './helpers';
import * as ui from './ui';

const MODEL = 'openai/gpt-4o-mini';
function logFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? logFiles(full) : full.includes('Gateway Chat') ? [full] : [];
  });
}

const quietLog = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Waits until the extension's log (the files of the Gateway Chat output channel) has a line matching `pattern`. */
async function waitForLog(pattern: RegExp): Promise<void> {
  const logs = process.env.GATEWAY_CHAT_LOGS_DIR;
  if (!logs) return;
  await vscode.commands.executeCommand('gatewayChat.showLog');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (logFiles(logs).some((file) => pattern.test(fs.readFileSync(file, 'utf8')))) return;
    await sleep(200);
  }
  assert.fail(`the log has no line matching ${String(pattern)}`);
}

describe('Conversation history', function () {
  let gateway: FakeGateway;
  let folder: vscode.Uri;
  let tmpDir: string;

  const whaleQuestion = 'What is the largest animal alive today?';
  const whaleAnswer = 'The blue whale, by far.';
  let whaleId = '';

  async function readRecords(): Promise<ConversationRecord[]> {
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(folder);
    } catch {
      return [];
    }
    const records: ConversationRecord[] = [];
    for (const [name] of entries) {
      if (!/^c-[A-Za-z0-9_-]+\.json$/.test(name)) continue;
      try {
        records.push(
          JSON.parse(
            Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, name))).toString('utf8'),
          ) as ConversationRecord,
        );
      } catch {
        // a file being replaced, or the corrupt one of a test below
      }
    }
    return records;
  }

  /** Polls the storage folder until a saved conversation satisfies `test`. */
  async function waitForRecord(
    what: string,
    test: (record: ConversationRecord) => boolean,
    timeoutMs = 10_000,
  ): Promise<ConversationRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await readRecords()).find(test);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no saved conversation ${what} in ${folder.toString(true)} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  const texts = (record: ConversationRecord) => record.messages.map((message) => [message.role, message.text.trim()]);

  before(async function () {
    ui.requireUi(this);
    const ext = await activate();
    folder = (ext.exports as GatewayChatApi).conversationsFolder;
    assert.ok(folder, 'the extension does not export its conversations folder');
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-history-'));
    gateway = await FakeGateway.start();
    await setConfig('baseUrl', gateway.baseUrl);
    await setConfig('model', MODEL);
    await ui.openChatView();
    await setApiKeyThroughUi(TEST_API_KEY); // this gateway's own key
    await ui.waitFor(sel.noKeyBanner, 'hidden');
    await newChat();
  });

  after(async () => {
    await gateway?.close();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('saves the conversation in global storage after a chat (one JSON file, plus the index)', async () => {
    gateway.enqueue(sseReply(['The blue whale,', ' by far.'], { delayMs: 30, model: MODEL }));
    await ask(whaleQuestion);
    await gateway.nextChatRequest(15_000);
    assert.equal((await waitForLastAssistant('done')).trim(), whaleAnswer);
    const record = await waitForRecord('with the whale answer', (candidate) =>
      candidate.messages.some(
        (message) => message.role === 'assistant' && message.text === whaleAnswer && message.status === 'done',
      ),
    );
    whaleId = record.id;
    assert.equal(record.version, 1);
    assert.equal(record.title, whaleQuestion);
    assert.deepEqual(texts(record), [
      ['user', whaleQuestion],
      ['assistant', whaleAnswer],
    ]);
    assert.equal(record.messages[1].model, MODEL);
    const index = JSON.parse(
      Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'index.json'))).toString('utf8'),
    ) as {
      conversations: Array<{ id: string; title: string; messageCount: number }>;
    };
    const entry = index.conversations.find((candidate) => candidate.id === whaleId);
    assert.deepEqual(entry && { title: entry.title, messageCount: entry.messageCount }, {
      title: whaleQuestion,
      messageCount: 2,
    });
    const leftovers = (await vscode.workspace.fs.readDirectory(folder)).filter(([name]) => name.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'temporary files were left behind');
  });

  it('[D9] keeps the partial reply on disk while it streams, in a journal beside the record that a restarted window reads', async () => {
    await newChat();
    gateway.enqueue(sseReply(['Once upon a time', ' there was a gateway.'], { holdAfter: 1, model: MODEL }));
    await ask('Tell me a very short story');
    await gateway.nextChatRequest(15_000);
    await ui.waitForPanelText(sel.assistantBody, 'Once upon a time');
    const question = await waitForRecord('with the question', (candidate) =>
      candidate.messages.some((message) => message.text === 'Tell me a very short story'),
    );
    // A window that starts now (after a crash of this one, say) loads the reply so far, cut off.
    const deadline = Date.now() + 10_000;
    let partial: ConversationRecord | undefined;
    while (Date.now() < deadline) {
      partial = await new ConversationStore(folder, quietLog).load(question.id);
      if (partial?.messages.some((message) => message.text === 'Once upon a time')) break;
      await sleep(200);
    }
    assert.deepEqual(partial && texts(partial), [
      ['user', 'Tell me a very short story'],
      ['assistant', 'Once upon a time'],
    ]);
    assert.equal(partial?.messages[1]?.status, 'interrupted');
    // The record itself was not rewritten for the streaming reply.
    const record = (await readRecords()).find((candidate) => candidate.id === question.id);
    assert.deepEqual(record && texts(record), [['user', 'Tell me a very short story']]);
    gateway.release();
    assert.equal((await waitForLastAssistant('done')).trim(), 'Once upon a time there was a gateway.');
    await waitForRecord(
      'with the whole story',
      (candidate) =>
        candidate.id === question.id &&
        candidate.messages.some(
          (message) => message.text === 'Once upon a time there was a gateway.' && message.status === 'done',
        ),
    );
    const journals = (await vscode.workspace.fs.readDirectory(folder)).filter(([name]) => name.includes('journal'));
    assert.deepEqual(journals, [], 'the journal was left behind after the reply ended');
  });

  it('switches back to an earlier conversation picked in "Show Conversation History" (searched by message text)', async () => {
    await newChat();
    const command = vscode.commands.executeCommand('gatewayChat.showHistory');
    await ui.waitForQuickInput();
    // Words of the reply, not of the title: the picker searches the messages too.
    await ui.typeInQuickInput('blue whale, by far');
    await sleep(300);
    await ui.pressInWorkbench('Enter');
    await withTimeout(command, 10_000, 'gatewayChat.showHistory did not finish after Enter');
    await ui.waitForPanelText(sel.userBody, whaleQuestion);
    await ui.waitForPanelText(sel.assistantBody, whaleAnswer);
    assert.equal(await ui.count(sel.message), 2);

    // The conversation goes on where it was: the next question is sent with the restored turns.
    gateway.enqueue(sseReply(['About 30 metres.'], { model: MODEL }));
    await ask('How long is it?');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const turns = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages
      .filter((message) => message.role !== 'system')
      .map((message) => [message.role, String(message.content).trim()]);
    assert.deepEqual(turns, [
      ['user', whaleQuestion],
      ['assistant', whaleAnswer],
      ['user', 'How long is it?'],
    ]);
    const saved = await waitForRecord(
      'with the third turn',
      (candidate) => candidate.id === whaleId && candidate.messages.length === 4,
    );
    assert.equal(saved.messages[3].text.trim(), 'About 30 metres.');
  });

  it('exports JSON and Markdown, and imports the JSON back as a new conversation with the same messages', async () => {
    const jsonFile = vscode.Uri.file(path.join(tmpDir, 'whale.json'));
    const exported = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'gatewayChat.exportConversation',
      jsonFile,
    );
    assert.equal(exported?.fsPath, jsonFile.fsPath);
    const record = JSON.parse(fs.readFileSync(jsonFile.fsPath, 'utf8')) as ConversationRecord;
    assert.equal(record.version, 1);
    assert.equal(record.id, whaleId);
    assert.equal(record.messages.length, 4);

    const markdownFile = vscode.Uri.file(path.join(tmpDir, 'whale.md'));
    await vscode.commands.executeCommand('gatewayChat.exportConversation', markdownFile);
    const markdown = fs.readFileSync(markdownFile.fsPath, 'utf8');
    assert.ok(
      markdown.startsWith(
        `# ${whaleQuestion}\n\n## You\n\n${whaleQuestion}\n\n## Assistant (${MODEL})\n\n${whaleAnswer}`,
      ),
      markdown,
    );

    await newChat();
    const importedId = await vscode.commands.executeCommand<string | undefined>(
      'gatewayChat.importConversation',
      jsonFile,
    );
    assert.ok(importedId, 'the import did not return the new conversation id');
    assert.notEqual(importedId, whaleId, 'an imported conversation must get a new id');
    const imported = await waitForRecord('imported', (candidate) => candidate.id === importedId);
    assert.deepEqual(imported.messages, record.messages);
    assert.equal(imported.title, record.title);
    await ui.waitForPanelText(sel.userBody, whaleQuestion);
    assert.equal(await ui.count(sel.message), 4);
  });

  it('refuses an invalid import, naming the problem, and changes nothing', async () => {
    await clearNotifications();
    const before = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).sort();
    const bad = vscode.Uri.file(path.join(tmpDir, 'future.json'));
    fs.writeFileSync(
      bad.fsPath,
      JSON.stringify({ version: 7, id: 'c-x', messages: [{ id: 'u', role: 'user', text: 'hi' }] }),
    );
    const result = await vscode.commands.executeCommand('gatewayChat.importConversation', bad);
    assert.equal(result, undefined);
    // The user sees "Cannot import future.json: its version 7 is not supported (expected 1)"; the same reason is
    // logged, which is what is checked here (the web workbench's toasts are not reliably readable through the bridge).
    const logs = process.env.GATEWAY_CHAT_LOGS_DIR;
    if (logs) {
      await vscode.commands.executeCommand('gatewayChat.showLog');
      const deadline = Date.now() + 5_000;
      let logged = false;
      while (!logged && Date.now() < deadline) {
        await sleep(200);
        logged = logFiles(logs).some((file) =>
          /future\.json refused: its version 7 is not supported/.test(fs.readFileSync(file, 'utf8')),
        );
      }
      assert.ok(logged, 'the refusal and its reason were not logged');
    }
    const after = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).sort();
    assert.deepEqual(after, before);
    await clearNotifications();
  });

  it('[D4] refuses a deeply nested 7.6 MiB file, naming the reason, and changes nothing', async () => {
    await clearNotifications();
    const before = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).sort();
    const depth = 4 * 1024 * 1024 - 100;
    const nested = vscode.Uri.file(path.join(tmpDir, 'nested.json'));
    fs.writeFileSync(
      nested.fsPath,
      `{"version":1,"id":"c-x","messages":[{"id":"u","role":"user","text":"hi"}],"junk":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    );
    const result = await vscode.commands.executeCommand('gatewayChat.importConversation', nested);
    assert.equal(result, undefined, 'the nested file was imported');
    await waitForLog(/nested\.json refused: it is nested more than 16 levels deep/);
    const after = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).sort();
    assert.deepEqual(after, before);
    await clearNotifications();
  });

  it('[D4] imports a conversation without its web and SVG images: only embedded pictures come in, and are never fetched', async () => {
    await clearNotifications();
    const png = `data:image/png;base64,${makePng(8, 8).toString('base64')}`;
    const svg = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`;
    const source = vscode.Uri.file(path.join(tmpDir, 'with-images.json'));
    fs.writeFileSync(
      source.fsPath,
      JSON.stringify({
        version: 1,
        id: 'c-from-elsewhere',
        title: 'Pictures from elsewhere',
        messages: [
          {
            id: 'u1',
            role: 'user',
            text: 'What are these?',
            images: [{ url: `${gateway.baseUrl}/tracking.png` }, { url: svg }, { url: png, name: 'kept.png' }],
          },
          { id: 'a1', role: 'assistant', text: 'Three pictures.', status: 'done' },
        ],
      }),
    );
    const importedId = await vscode.commands.executeCommand<string | undefined>(
      'gatewayChat.importConversation',
      source,
    );
    assert.ok(importedId, 'the conversation was not imported');
    await waitForLog(/2 images that were not embedded pictures left out/);
    const imported = await new ConversationStore(folder, quietLog).load(importedId);
    assert.deepEqual(
      imported?.messages[0]?.images?.map((image) => image.url),
      [png],
    );
    // The next turn sends the embedded picture only: nothing asks the gateway (or anyone) to fetch an address.
    gateway.enqueue(sseReply(['Only one picture now.'], { model: MODEL }));
    await ask('And now?');
    const request = await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const body = JSON.stringify(request.body);
    assert.ok(!body.includes('tracking.png') && !body.includes('svg+xml'), 'a web or SVG image was sent');
    assert.ok(body.includes(png), 'the embedded picture was not sent');
    await clearNotifications();
    await newChat();
  });

  it('a corrupt conversation file does not stop the others from loading; it is kept aside, not deleted', async () => {
    const corrupt = vscode.Uri.joinPath(folder, 'c-corrupt-test.json');
    await vscode.workspace.fs.writeFile(
      corrupt,
      Buffer.from('{"version": 1, "id": "c-corrupt-test", "messages": [ {"id"'),
    );
    // A restarted window: a new store over the same folder.
    const store = new ConversationStore(folder, quietLog);
    const all = await store.loadAll();
    assert.ok(
      all.some((record) => record.id === whaleId),
      'the other conversations did not load',
    );
    assert.ok(all.length >= 3, `only ${all.length} conversations loaded`);
    const names = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name);
    assert.ok(!names.includes('c-corrupt-test.json'), 'the corrupt file is still in place');
    const aside = names.find((name) => name.startsWith('c-corrupt-test.json.corrupt-'));
    assert.ok(aside, `the corrupt file was not kept aside: ${names.join(', ')}`);
    assert.match(
      Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, aside))).toString('utf8'),
      /"id"$/,
    );

    // "Show Conversation History" in this window still lists the conversations.
    const command = vscode.commands.executeCommand('gatewayChat.showHistory');
    await ui.waitForQuickInput();
    await ui.pressInWorkbench('Escape');
    await withTimeout(command, 10_000, 'gatewayChat.showHistory did not close on Escape');
  });

  it('loads every conversation as saved in a second store over the same folder (a restart, simulated)', async () => {
    const store = new ConversationStore(folder, quietLog);
    const list = await store.list();
    assert.ok(list.length >= 3);
    assert.ok(
      list.every((entry, index) => index === 0 || list[index - 1].updatedAt >= entry.updatedAt),
      'the history is not newest first',
    );
    const whale = await store.load(whaleId);
    assert.ok(whale);
    assert.deepEqual(texts(whale), [
      ['user', whaleQuestion],
      ['assistant', whaleAnswer],
      ['user', 'How long is it?'],
      ['assistant', 'About 30 metres.'],
    ]);
    assert.equal(list.find((entry) => entry.id === whaleId)?.messageCount, 4);
  });

  it('lists what another window saved or deleted meanwhile (two stores over one folder)', async () => {
    const here = new ConversationStore(folder, quietLog);
    const there = new ConversationStore(folder, quietLog);
    const before = (await here.list()).map((entry) => entry.id);
    const now = new Date().toISOString();
    const fromThere = toRecord(
      new Conversation({
        id: 'c-other-window',
        messages: [{ id: 'u-other', role: 'user', text: 'Written by the other window', status: 'done' }],
      }),
      { createdAt: now, updatedAt: now },
    );
    await there.save(fromThere);
    const after = await here.list();
    assert.ok(
      after.some((entry) => entry.id === 'c-other-window'),
      'a conversation saved by another window is listed',
    );
    await there.delete('c-other-window');
    assert.deepEqual(
      (await here.list()).map((entry) => entry.id),
      before,
      'a conversation deleted by another window is gone',
    );
    // And this window's own save afterwards does not bring the deleted one back.
    await here.save(fromThere);
    await here.delete('c-other-window');
    assert.ok(!(await there.list()).some((entry) => entry.id === 'c-other-window'));
  });

  it('[D8] keeps a turn another window saved into the open conversation: both turns on disk, and shown here', async () => {
    await newChat();
    gateway.enqueue(sseReply(['Here, first.'], { model: MODEL }));
    await ask('First question in this window');
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const mine = await waitForRecord('with the first turn', (candidate) =>
      candidate.messages.some((message) => message.text === 'Here, first.' && message.status === 'done'),
    );
    // The other window opened the same conversation and added a turn to it.
    const other = new ConversationStore(folder, quietLog);
    const there = await other.load(mine.id);
    assert.ok(there);
    await other.save(
      {
        ...there,
        messages: [
          ...there.messages,
          { id: 'u-other-window', role: 'user', text: 'Asked in the other window', status: 'done' },
          { id: 'a-other-window', role: 'assistant', text: 'Answered there.', status: 'done' },
        ],
      },
      there.revision,
    );

    gateway.enqueue(sseReply(['Here, second.'], { model: MODEL }));
    await ask('Second question in this window');
    await gateway.nextChatRequest(15_000);
    await waitForLastAssistant('done');
    const both = await waitForRecord(
      'with the turns of both windows',
      (candidate) => candidate.id === mine.id && candidate.messages.some((message) => message.text === 'Here, second.'),
    );
    assert.deepEqual(texts(both), [
      ['user', 'First question in this window'],
      ['assistant', 'Here, first.'],
      ['user', 'Asked in the other window'],
      ['assistant', 'Answered there.'],
      ['user', 'Second question in this window'],
      ['assistant', 'Here, second.'],
    ]);
    await ui.waitForPanelText(sel.userBody, 'Asked in the other window');
    await clearNotifications();
  });

  it('renames a conversation (the title is kept over the first message)', async () => {
    const title = await vscode.commands.executeCommand<string | undefined>(
      'gatewayChat.renameConversation',
      whaleId,
      '  Whales  ',
    );
    assert.equal(title, 'Whales');
    const record = await waitForRecord(
      'renamed',
      (candidate) => candidate.id === whaleId && candidate.title === 'Whales',
    );
    assert.equal(record.messages.length, 4);
  });

  it('deletes nothing without the confirmation; a delete removes the file and the index entry', async () => {
    const openId = (await readRecords()).find((record) => record.title === whaleQuestion && record.id !== whaleId)?.id;
    assert.ok(openId, 'the imported conversation is not saved');
    // The confirmation is a modal dialog, which VS Code refuses to show while tests run: the command must then give up.
    await vscode.commands.executeCommand('gatewayChat.deleteConversation');
    let names = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name);
    assert.ok(names.includes(`${openId}.json`), 'deleted without a confirmation');
    await clearNotifications();

    const store = new ConversationStore(folder, quietLog);
    await store.delete(openId);
    names = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name);
    assert.ok(!names.includes(`${openId}.json`), 'the file is still there');
    assert.ok(
      !(await new ConversationStore(folder, quietLog).list()).some((entry) => entry.id === openId),
      'still in the index',
    );
  });
});
