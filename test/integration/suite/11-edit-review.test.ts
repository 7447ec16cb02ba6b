/**
 * Edits reviewed in VS Code's diff editor when auto-save is on (the default of the web workbench this suite runs
 * in): the proposal streams into a read-only document beside the file, the file on disk keeps the original while
 * the proposal waits (even past the auto-save delay), per-change and whole Accept / Reject write only what is
 * accepted, one Undo restores; closing the diff rejects, editing the file in the range discards the proposal, a
 * second edit is refused, Stop stops. Also: Add Selection to Chat fills the composer without sending, and Apply Code
 * to Selection goes through the same review.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InlineEditState } from '../../../src/host/editor/editReview';
import { FakeGateway, sseReply, type RecordedRequest } from '../../support/fakeGateway';
import { inlineEditState, sel, sleep, startChatSuite, until, withTimeout } from './helpers';
import * as ui from './ui';

const ORIGINAL = [
  'function total(items) {',
  '  let sum = 0;',
  '  for (const item of items) sum += item.price;',
  '  return sum;',
  '}',
  '',
].join('\n');
const REFACTORED = ['  let total = 0;', '  for (const item of items) total += item.price;', '  return total;'];
const AUTO_SAVE_DELAY_MS = 100;

describe('Edit review in the diff editor with auto-save on, and code to the chat and back', function () {
  let gateway: FakeGateway;
  let fileCount = 0;

  before(async function () {
    gateway = await startChatSuite(this);
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
    await files.update('autoSaveDelay', AUTO_SAVE_DELAY_MS, vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    gateway?.release();
    await vscode.commands.executeCommand('gatewayChat.rejectEdit');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    await gateway?.close();
  });

  async function openFile(text = ORIGINAL): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test window has no workspace folder');
    const uri = vscode.Uri.joinPath(folder, `edit-review-${++fileCount}.txt`);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: false });
  }

  async function onDisk(uri: vscode.Uri): Promise<string> {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  }

  async function review(): Promise<InlineEditState> {
    return until('the review', async () => {
      const current = await inlineEditState();
      return current?.phase === 'review' ? current : undefined;
    });
  }

  async function lensTitles(uri: string): Promise<string[]> {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      vscode.Uri.parse(uri),
    );
    return (lenses ?? []).map((lens) => lens.command?.title ?? '');
  }

  function proposalTabs(): vscode.TabInputTextDiff[] {
    return vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .map((tab) => tab.input)
      .filter(
        (input): input is vscode.TabInputTextDiff =>
          input instanceof vscode.TabInputTextDiff && input.modified.scheme === 'gateway-chat-proposal',
      );
  }

  async function startRefactor(
    editor: vscode.TextEditor,
    from: number,
    to: number,
  ): Promise<{ request: RecordedRequest; done: Thenable<unknown> }> {
    editor.selection = new vscode.Selection(from, 0, to, editor.document.lineAt(to).text.length);
    const done = vscode.commands.executeCommand('gatewayChat.refactorSelection', {
      instruction: 'Rename sum to total.',
    });
    const request = await gateway.nextChatRequest(15_000);
    return { request, done };
  }

  it('streams into the diff editor, keeps the file on disk unchanged past auto-save; Accept All writes the change and one Undo restores', async () => {
    const editor = await openFile();
    const document = editor.document;
    gateway.enqueue(
      sseReply(['```js\n', `${REFACTORED[0]}\n`, `${REFACTORED[1]}\n`, `${REFACTORED[2]}\n\`\`\``], { holdAfter: 2 }),
    );
    const { done } = await startRefactor(editor, 1, 3);

    const streaming = await until('the streamed lines', async () => {
      const current = await inlineEditState();
      return current?.phase === 'streaming' && current.addedLines.length >= 1 ? current : undefined;
    });
    assert.equal(streaming.mode, 'diffEditor');
    const tab = await until('the diff editor', () => proposalTabs()[0]);
    assert.equal(tab.original.toString(), document.uri.toString(), 'the left side is the file itself');
    assert.equal(tab.modified.toString(), streaming.proposalUri);
    const proposal = await vscode.workspace.openTextDocument(tab.modified);
    await until('the streamed text in the proposal', () => proposal.getText().includes('let total = 0;'));
    assert.ok(
      (await lensTitles(tab.modified.toString())).includes('Stop'),
      'a Stop CodeLens is shown on the proposal while streaming',
    );
    assert.equal(document.getText(), ORIGINAL, 'the file is not touched while the proposal streams');

    gateway.release();
    const pending = await review();
    assert.equal(pending.hunks, 1);
    await sleep(AUTO_SAVE_DELAY_MS * 8);
    assert.equal(await onDisk(document.uri), ORIGINAL, 'the file on disk keeps the original while the proposal waits');
    assert.equal(document.getText(), ORIGINAL);
    assert.equal(document.isDirty, false);
    const expected = ['function total(items) {', ...REFACTORED, '}', ''].join('\n');
    assert.equal(proposal.getText(), expected, 'the proposal document shows the whole file with the change');
    const titles = await lensTitles(tab.modified.toString());
    for (const title of ['Accept All', 'Reject All', 'Accept', 'Reject'])
      assert.ok(titles.includes(title), `no "${title}" CodeLens: ${titles.join(', ')}`);
    if (ui.available()) {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await sleep(1000);
      await ui.screenshot('edit-review');
    }

    await vscode.commands.executeCommand('gatewayChat.acceptEdit');
    await withTimeout(done, 10_000, 'the refactor did not finish after Accept All');
    assert.equal(document.getText(), expected);
    assert.equal(await inlineEditState(), undefined);
    await until('the diff editor closed', () => proposalTabs().length === 0);
    assert.equal(
      vscode.window.activeTextEditor?.document.uri.toString(),
      document.uri.toString(),
      'the file has the focus back',
    );
    await until('the accepted text saved', async () => (await onDisk(document.uri)) === expected);

    await vscode.commands.executeCommand('undo');
    await until('the undo', () => document.getText() === ORIGINAL || undefined, 5_000).catch(() => undefined);
    assert.equal(document.getText(), ORIGINAL, 'one Undo did not restore the original');
  });

  it('accepting one change and rejecting another writes only the accepted one', async () => {
    const text = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].join('\n');
    const editor = await openFile(text);
    const document = editor.document;
    gateway.enqueue(sseReply(['```\nALPHA\nbeta\ngamma\n', 'DELTA\nepsilon\n```']));
    const { done } = await startRefactor(editor, 0, 4);
    const pending = await review();
    assert.equal(pending.hunks, 2);
    const lenses = await lensTitles(pending.proposalUri ?? '');
    assert.equal(lenses.filter((title) => title === 'Accept').length, 2, 'one Accept per change');
    // The diff editor hides CodeLens unless `diffEditor.codeLens` is on: a hover over a change offers the same.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      vscode.Uri.parse(pending.proposalUri ?? ''),
      new vscode.Position(3, 1),
    );
    const hoverText = (hovers ?? [])
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === 'string' ? content : content.value))
      .join('\n');
    assert.match(
      hoverText,
      /\[Accept\]\(command:gatewayChat\.acceptHunk\?/,
      `no Accept link in the hover over the second change: ${hoverText}`,
    );
    assert.ok(
      hoverText.includes(encodeURIComponent(JSON.stringify([pending.uri, 1]))),
      'the hover over the second change acts on the second change',
    );

    await vscode.commands.executeCommand('gatewayChat.acceptHunk', pending.uri, 0);
    assert.equal((await inlineEditState())?.pendingHunks, 1);
    const oneAccepted = ['ALPHA', 'beta', 'gamma', 'delta', 'epsilon'].join('\n');
    assert.equal(document.getText(), oneAccepted, 'the accepted change is in the file, the pending one is not');
    await until('the accepted change saved', async () => (await onDisk(document.uri)) === oneAccepted);
    assert.equal(proposalTabs().length, 1, 'the review stays open while a change is pending');

    await vscode.commands.executeCommand('gatewayChat.rejectHunk', pending.uri, 1);
    await withTimeout(done, 10_000, 'the review did not end after the last change was decided');
    assert.equal(document.getText(), oneAccepted);
    await until('the diff editor closed', () => proposalTabs().length === 0);
  });

  it('closing the diff rejects the pending changes; a second edit of the file meanwhile is refused', async () => {
    const editor = await openFile();
    const document = editor.document;
    gateway.enqueue(sseReply(['```js\n', REFACTORED.join('\n'), '\n```']));
    const { done } = await startRefactor(editor, 1, 3);
    const pending = await review();

    const requestsBefore = gateway.chatRequests().length;
    const fileEditor = await vscode.window.showTextDocument(document, { preview: false });
    fileEditor.selection = new vscode.Selection(0, 0, 0, 5);
    await withTimeout(
      vscode.commands.executeCommand('gatewayChat.refactorSelection', { instruction: 'Again.' }),
      10_000,
      'the second edit was not refused',
    );
    assert.equal(gateway.chatRequests().length, requestsBefore, 'no second request went out');
    assert.equal((await inlineEditState())?.proposalUri, pending.proposalUri, 'the first proposal is still pending');

    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff);
    assert.equal(tabs.length, 1);
    await vscode.window.tabGroups.close(tabs);
    await withTimeout(done, 10_000, 'the review did not end when its diff was closed');
    assert.equal(document.getText(), ORIGINAL);
    assert.equal(await inlineEditState(), undefined);
  });

  it('editing the file inside the range during the stream discards the proposal and keeps the edit; Stop stops a stream', async () => {
    const editor = await openFile();
    const document = editor.document;
    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    let run = await startRefactor(editor, 1, 3);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(2, 2), '/* typed */ ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await withTimeout(run.done, 10_000, 'the review did not end after the file changed');
    await withTimeout(run.request.whenClientClosed, 10_000, 'the request was not cancelled');
    assert.equal(document.getText(), ORIGINAL.replace('  for (const', '  /* typed */ for (const'));
    assert.equal(await inlineEditState(), undefined);
    await until('the diff editor closed', () => proposalTabs().length === 0);

    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    const before = document.getText();
    run = await startRefactor(await vscode.window.showTextDocument(document, { preview: false }), 1, 3);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    await vscode.commands.executeCommand('gatewayChat.stop');
    await withTimeout(run.done, 10_000, 'the review did not end after Stop');
    await withTimeout(run.request.whenClientClosed, 10_000, 'Stop did not cancel the request');
    assert.equal(document.getText(), before);
  });

  it('Apply Code to Selection proposes the given code for the selection; Accept puts it in', async () => {
    const editor = await openFile();
    const document = editor.document;
    const requestsBefore = gateway.chatRequests().length;
    editor.selection = new vscode.Selection(3, 9, 3, 12);
    const done = vscode.commands.executeCommand('gatewayChat.applyCodeToSelection', {
      code: 'sum * 2',
      language: 'js',
    });
    const pending = await review();
    assert.equal(pending.mode, 'diffEditor');
    assert.equal(pending.hunks, 1);
    assert.equal(document.getText(), ORIGINAL, 'nothing changes before Accept');
    await vscode.commands.executeCommand('gatewayChat.acceptEdit');
    await withTimeout(done, 10_000, 'the apply did not finish after Accept');
    assert.equal(document.lineAt(3).text, '  return sum * 2;');
    assert.equal(document.getText().split('\n').length, ORIGINAL.split('\n').length, 'only the selection changed');
    assert.equal(gateway.chatRequests().length, requestsBefore, 'no request went to the gateway');
  });

  it('Add Selection to Chat puts the code with its path and lines into the composer, keeps the draft and sends nothing', async () => {
    const editor = await openFile();
    const requestsBefore = gateway.chatRequests().length;
    const messagesBefore = await ui.count(sel.message);
    await ui.typeInComposer('Look at this: ');
    editor.selection = new vscode.Selection(1, 0, 3, 13);
    await vscode.commands.executeCommand('gatewayChat.addSelectionToChat');
    const name = vscode.workspace.asRelativePath(editor.document.uri, false);
    const value = await until('the block in the composer', async () => {
      const current = await ui.composerValue();
      return current.includes('return sum;') ? current : undefined;
    });
    assert.ok(value.startsWith('Look at this: '), `the draft was not kept: ${JSON.stringify(value)}`);
    assert.ok(
      value.includes(`\`${name}\` (lines 2-4):\n\`\`\`plaintext\n  let sum = 0;\n`),
      `no fenced block with path and lines: ${JSON.stringify(value)}`,
    );
    await sleep(300);
    assert.equal(gateway.chatRequests().length, requestsBefore, 'nothing was sent to the gateway');
    assert.equal(await ui.count(sel.message), messagesBefore, 'no message was added to the conversation');
    await ui.press('Control+A');
    await ui.press('Delete');
  });
});
