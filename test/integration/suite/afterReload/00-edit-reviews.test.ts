/**
 * Runs first in the extension host of the reloaded window, before anything uses Gateway Chat: the inline reviews the
 * last suite left open (see `99-reviews-before-reload.test.ts`) never leave the buffer a mix of original and proposed lines
 * without Accept / Reject. The extension activates by itself once startup is over; the reviews that waited for a
 * decision come back (in place, or in the diff editor); the one that was still streaming is undone, so the buffer
 * reads as it did before the edit (the user's own unsaved line kept).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InlineEditState } from '../../../../src/host/editor/editReview';
import { extension, sel, until, withTimeout } from '../helpers';
import {
  RELOAD_BESIDE_FILE,
  RELOAD_EDIT_ORIGINAL,
  RELOAD_EDIT_PROPOSAL,
  RELOAD_EDIT_USER_LINE,
  RELOAD_REVIEW_FILE,
  RELOAD_STREAMING_FILE,
} from '../reloadCheck';
import * as ui from '../ui';

const BEFORE_THE_EDIT = RELOAD_EDIT_USER_LINE + RELOAD_EDIT_ORIGINAL;
const ACCEPTED = [RELOAD_EDIT_USER_LINE + 'function greet(name) {', ...RELOAD_EDIT_PROPOSAL, '}', ''].join('\n');

describe('After a window reload: edit reviews', function () {
  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('gatewayChat')
      .update('inlineEdit.review', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The next suite expects the chat view as a reload restores it when it was open: open it, and wait for its panel.
    await vscode.commands.executeCommand('gatewayChat.focus');
    if (ui.available()) await ui.waitFor(sel.composer, 'visible', 30_000);
  });

  async function restored(name: string): Promise<vscode.TextDocument> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test window has no workspace folder');
    return vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, name));
  }

  function diffTabs(): vscode.TabInputTextDiff[] {
    return vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .map((tab) => tab.input)
      .filter((input): input is vscode.TabInputTextDiff => input instanceof vscode.TabInputTextDiff);
  }

  function stateOf(document: vscode.TextDocument): Thenable<InlineEditState | undefined> {
    return vscode.commands.executeCommand<InlineEditState | undefined>(
      'gatewayChat.internal.inlineEditState',
      document.uri.toString(),
    );
  }

  /** The review of `document` once it is back, or `undefined` when it does not come back. */
  function reviewBack(document: vscode.TextDocument): Promise<InlineEditState | undefined> {
    return until(
      'the review back',
      async () => {
        const state = await stateOf(document);
        return state?.phase === 'review' ? state : undefined;
      },
      15_000,
    ).catch(() => undefined);
  }

  it('[D7] activates by itself once startup is over, with nothing of Gateway Chat in view or used', async () => {
    await until('the extension active', () => extension().isActive, 30_000);
  });

  it('[D7] the review that waited for a decision comes back with Accept / Reject; Accept gives the proposal, one Undo the text before', async () => {
    const document = await restored(RELOAD_REVIEW_FILE);
    assert.ok(document.getText().startsWith(RELOAD_EDIT_USER_LINE), 'the unsaved buffer did not come back');
    const review = await reviewBack(document);
    assert.ok(review, `no review after the reload; the buffer holds ${JSON.stringify(document.getText())}`);
    assert.equal(review.mode, 'inline');
    assert.deepEqual(review.removedLines, [2, 3, 4], 'the original lines are marked removed again');
    assert.deepEqual(review.addedLines, [5, 6, 7], 'the proposed lines are marked added again');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      document.uri,
    );
    const titles = (lenses ?? []).map((lens) => lens.command?.title ?? '');
    for (const title of ['Accept All', 'Reject All', 'Accept', 'Reject'])
      assert.ok(titles.includes(title), `no "${title}" CodeLens: ${titles.join(', ')}`);

    await withTimeout(
      vscode.commands.executeCommand('gatewayChat.acceptEdit', document.uri.toString()),
      10_000,
      'Accept did not finish',
    );
    assert.equal(document.getText(), ACCEPTED);
    assert.equal(await stateOf(document), undefined);
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('undo');
    await until('the undo', () => document.getText() === BEFORE_THE_EDIT, 5_000).catch(() => undefined);
    assert.equal(document.getText(), BEFORE_THE_EDIT, 'one Undo gives back the text before the edit');
  });

  it('[D7] the review beside the file comes back in the diff editor, and Accept writes the proposal', async () => {
    const document = await restored(RELOAD_BESIDE_FILE);
    assert.equal(document.getText(), BEFORE_THE_EDIT, 'the file is untouched while its proposal waits beside it');
    const review = await reviewBack(document);
    assert.ok(review, 'no review after the reload');
    assert.equal(review.mode, 'diffEditor');
    const proposalTab = await until('the diff editor with the proposal', () =>
      diffTabs().find((input) => input.modified.toString() === review.proposalUri),
    );
    const proposal = await vscode.workspace.openTextDocument(proposalTab.modified);
    assert.equal(proposal.getText(), ACCEPTED, 'the diff editor shows the proposal again');
    await withTimeout(
      vscode.commands.executeCommand('gatewayChat.acceptEdit', document.uri.toString()),
      10_000,
      'Accept did not finish',
    );
    assert.equal(document.getText(), ACCEPTED);
    await until(
      'the diff editor closed',
      () => !diffTabs().some((input) => input.modified.scheme === 'gateway-chat-proposal'),
    );
  });

  it('[D7] the edit that was still streaming is undone: the buffer reads as before the edit, the unsaved line kept', async () => {
    const document = await restored(RELOAD_STREAMING_FILE);
    await until('the original lines back', () => document.getText() === BEFORE_THE_EDIT, 15_000).catch(() => undefined);
    assert.equal(document.getText(), BEFORE_THE_EDIT);
    assert.equal(await stateOf(document), undefined, 'nothing is left to review');
  });
});
