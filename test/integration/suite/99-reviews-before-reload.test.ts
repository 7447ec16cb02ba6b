/**
 * The very last suite before the runner reloads the window (after `99-before-reload` and `99-hostile-before-reload`):
 * it leaves three edit reviews in the editor (in place: one waiting for a decision, one still streaming; one beside
 * the file in the diff editor), waits for VS Code's backups of their unsaved buffers, and leaves the Explorer in the
 * sidebar, so that nothing of Gateway Chat is in view. After the reload `afterReload/00-edit-reviews` checks what
 * became of each.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InlineEditState } from '../../../src/host/editor/editReview';
import { FakeGateway, sseReply } from '../../support/fakeGateway';
import { waitForBackup } from './backups';
import { inlineEditState, startChatSuite, until } from './helpers';
import {
  RELOAD_BESIDE_FILE,
  RELOAD_EDIT_ORIGINAL,
  RELOAD_EDIT_PROPOSAL,
  RELOAD_EDIT_USER_LINE,
  RELOAD_REVIEW_FILE,
  RELOAD_STREAMING_FILE,
} from './reloadCheck';

describe('Before a window reload: edit reviews left open', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
    // In place, not beside the file: the proposal is in the buffer when the window reloads. The after-reload suite
    // puts both settings back.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('gatewayChat')
      .update('inlineEdit.review', 'inline', vscode.ConfigurationTarget.Global);
  });
  // No `after` closing the gateway: the held reply is still streaming when the window reloads.

  async function openWithUserLine(name: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test window has no workspace folder');
    const uri = vscode.Uri.joinPath(folder, name);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(RELOAD_EDIT_ORIGINAL, 'utf8'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {
      preview: false,
    });
    assert.ok(await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), RELOAD_EDIT_USER_LINE)));
    return editor;
  }

  function refactorLines(editor: vscode.TextEditor, from: number, to: number): Thenable<unknown> {
    editor.selection = new vscode.Selection(from, 0, to, editor.document.lineAt(to).text.length);
    return vscode.commands.executeCommand('gatewayChat.refactorSelection', { instruction: 'Rename the variables.' });
  }

  it('[D7] leaves inline reviews waiting for a decision and still streaming, and one beside the file (checked after the reload)', async () => {
    const reviewed = await openWithUserLine(RELOAD_REVIEW_FILE);
    gateway.enqueue(sseReply(['```js\n', `${RELOAD_EDIT_PROPOSAL.join('\n')}\n`, '```']));
    void refactorLines(reviewed, 2, 4);
    await gateway.nextChatRequest(15_000);
    const review = await until('the review', async () => {
      const current = await inlineEditState();
      return current?.phase === 'review' ? current : undefined;
    });
    assert.ok(review.addedLines.length > 0 && review.removedLines.length > 0, 'the proposal is in the buffer');

    const streaming = await openWithUserLine(RELOAD_STREAMING_FILE);
    gateway.enqueue(sseReply(['```js\n', `${RELOAD_EDIT_PROPOSAL[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    void refactorLines(streaming, 2, 4);
    await gateway.nextChatRequest(15_000);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    assert.match(streaming.document.getText(), /const salutation = 'Hello';/, 'the streamed line is in the buffer');

    const settings = vscode.workspace.getConfiguration('gatewayChat');
    await settings.update('inlineEdit.review', 'diffEditor', vscode.ConfigurationTarget.Global);
    const beside = await openWithUserLine(RELOAD_BESIDE_FILE);
    gateway.enqueue(sseReply(['```js\n', `${RELOAD_EDIT_PROPOSAL.join('\n')}\n`, '```']));
    void refactorLines(beside, 2, 4);
    await gateway.nextChatRequest(15_000);
    await until('the review beside the file', async () => {
      const current = await vscode.commands.executeCommand<InlineEditState | undefined>(
        'gatewayChat.internal.inlineEditState',
        beside.document.uri.toString(),
      );
      return current?.mode === 'diffEditor' && current.phase === 'review';
    });
    await settings.update('inlineEdit.review', 'inline', vscode.ConfigurationTarget.Global);

    // What a reload brings back is VS Code's backup of each unsaved buffer: wait until each holds what it shows.
    await waitForBackup(reviewed.document.uri, (text) => text.includes('return text;'));
    await waitForBackup(streaming.document.uri, (text) => text.includes('const salutation'));
    await waitForBackup(beside.document.uri, (text) => text.startsWith(RELOAD_EDIT_USER_LINE));
    // Nothing of Gateway Chat is in view when the window reloads (the sidebar shows the Explorer), so nothing the user
    // sees activates it again.
    await vscode.commands.executeCommand('workbench.view.explorer');
  });
});
