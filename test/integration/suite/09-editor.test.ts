/**
 * Editor commands and inline edits: a refactor streams into the document as a diff in place (decorations and
 * CodeLens while streaming), Accept / Reject all or hunk by hunk, one Undo restores the original, typing inside the
 * range cancels and keeps the typed text, Stop restores; Fix is offered on a diagnostic and sends its message; a
 * reply is reduced to its one code block, and a reply with two blocks changes nothing.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { errorReply, FakeGateway, sseReply, type RecordedRequest } from '../../support/fakeGateway';
import { contentText, inlineEditState, messagesOf, sleep, startChatSuite, until, withTimeout } from './helpers';
import * as ui from './ui';

const ORIGINAL = [
  'function total(items) {',
  '  let sum = 0;',
  '  for (const item of items) sum += item.price;',
  '  return sum;',
  '}',
  '',
].join('\n');

describe('Editor commands and inline edits', function () {
  let gateway: FakeGateway;
  let fileCount = 0;

  before(async function () {
    gateway = await startChatSuite(this);
    // The web workbench auto-saves after a delay by default, and a save ends a pending edit (see the save test).
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    gateway?.release();
    await vscode.commands.executeCommand('gatewayChat.rejectEdit');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await gateway?.close();
  });

  async function openFile(text = ORIGINAL): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test window has no workspace folder');
    const uri = vscode.Uri.joinPath(folder, `inline-edit-${++fileCount}.txt`);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: false });
  }

  async function lensTitles(uri: vscode.Uri): Promise<string[]> {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    return (lenses ?? []).map((lens) => lens.command?.title ?? '');
  }

  function lastUserText(request: RecordedRequest): string {
    const messages = messagesOf(request.body).filter((message) => message.role === 'user');
    return contentText(messages[messages.length - 1]?.content);
  }

  /** Selects lines `from..to` (0-based, inclusive) and runs Refactor with `instruction`; resolves once the request is in. */
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

  const REFACTORED = ['  let total = 0;', '  for (const item of items) total += item.price;', '  return total;'];

  it('[B7-47] streams a refactor as a diff in place with CodeLens; Accept gives the new text and one Undo the original', async () => {
    const editor = await openFile();
    const uri = editor.document.uri;
    gateway.enqueue(
      sseReply(
        ['Here it is:\n```js\n', `${REFACTORED[0]}\n`, `${REFACTORED[1]}\n`, `${REFACTORED[2]}\n\`\`\`\nDone.`],
        { holdAfter: 2 },
      ),
    );
    const { request, done } = await startRefactor(editor, 1, 3);
    const sent = lastUserText(request);
    assert.match(sent, /inline-edit-\d+\.txt/);
    assert.match(sent, /Rename sum to total\./);
    assert.match(sent, /```plaintext\n {2}let sum = 0;/);

    const streaming = await until('the streamed lines', async () => {
      const current = await inlineEditState();
      return current?.phase === 'streaming' && current.addedLines.length >= 1 ? current : undefined;
    });
    assert.deepEqual(streaming.removedLines, [1, 2, 3], 'the original lines are marked removed while streaming');
    assert.match(editor.document.getText(), /let total = 0;/, 'the streamed text is in the editor');
    assert.ok((await lensTitles(uri)).includes('Stop'), 'a Stop CodeLens is shown while streaming');

    gateway.release();
    const review = await until('the review', async () => {
      const current = await inlineEditState();
      return current?.phase === 'review' ? current : undefined;
    });
    assert.ok(review.hunks >= 1);
    assert.ok(review.addedLines.length > 0 && review.removedLines.length > 0);
    const titles = await lensTitles(uri);
    for (const title of ['Accept All', 'Reject All', 'Show Diff', 'Accept', 'Reject'])
      assert.ok(titles.includes(title), `no "${title}" CodeLens: ${titles.join(', ')}`);
    if (ui.available()) {
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await sleep(1500);
      await ui.screenshot('inline-diff');
    }

    await vscode.commands.executeCommand('gatewayChat.acceptEdit', uri.toString());
    await withTimeout(done, 10_000, 'the refactor command did not finish after Accept');
    const expected = ['function total(items) {', ...REFACTORED, '}', ''].join('\n');
    assert.equal(editor.document.getText(), expected);
    assert.equal(await inlineEditState(), undefined);

    await vscode.window.showTextDocument(editor.document, { preview: false });
    await vscode.commands.executeCommand('undo');
    await until('the undo', () => editor.document.getText() === ORIGINAL || undefined, 5_000).catch(() => undefined);
    assert.equal(editor.document.getText(), ORIGINAL, 'one Undo did not restore the original');
  });

  it('Reject after the stream restores the original exactly', async () => {
    const editor = await openFile();
    gateway.enqueue(sseReply(['```js\n', REFACTORED.join('\n'), '\n```']));
    const { done } = await startRefactor(editor, 1, 3);
    await until('the review', async () => (await inlineEditState())?.phase === 'review');
    await vscode.commands.executeCommand('gatewayChat.rejectEdit');
    await withTimeout(done, 10_000, 'the refactor command did not finish after Reject');
    assert.equal(editor.document.getText(), ORIGINAL);
  });

  it('accepting one hunk and rejecting another gives the mixed result', async () => {
    const text = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].join('\n');
    const editor = await openFile(text);
    const uri = editor.document.uri.toString();
    gateway.enqueue(sseReply(['```\nALPHA\nbeta\ngamma\n', 'DELTA\nepsilon\n```']));
    const { done } = await startRefactor(editor, 0, 4);
    const review = await until('the review', async () => {
      const current = await inlineEditState();
      return current?.phase === 'review' ? current : undefined;
    });
    assert.equal(review.hunks, 2);
    await vscode.commands.executeCommand('gatewayChat.acceptHunk', uri, 0);
    assert.equal((await inlineEditState())?.pendingHunks, 1);
    await vscode.commands.executeCommand('gatewayChat.rejectHunk', uri, 1);
    await withTimeout(done, 10_000, 'the edit did not end after the last hunk was decided');
    assert.equal(editor.document.getText(), ['ALPHA', 'beta', 'gamma', 'delta', 'epsilon'].join('\n'));
  });

  it('[B7-47] typing inside the range during the stream cancels the edit and keeps the typed text', async () => {
    const editor = await openFile();
    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    const { request, done } = await startRefactor(editor, 1, 3);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    editor.selection = new vscode.Selection(2, 2, 2, 2);
    await vscode.commands.executeCommand('type', { text: '/* typed */ ' });
    await withTimeout(done, 10_000, 'the edit did not end after typing');
    await withTimeout(request.whenClientClosed, 10_000, 'the request was not cancelled');
    const expected = ORIGINAL.replace('  for (const', '  /* typed */ for (const');
    await until('the proposal removed', () => editor.document.getText() === expected || undefined, 5_000).catch(
      () => undefined,
    );
    assert.equal(editor.document.getText(), expected);
    assert.equal(await inlineEditState(), undefined);
  });

  it('typing during the review rejects the pending changes and keeps the typed text', async () => {
    const editor = await openFile(['alpha', 'beta', 'gamma', 'delta', 'epsilon'].join('\n'));
    gateway.enqueue(sseReply(['```\nALPHA\nbeta\ngamma\n', 'DELTA\nepsilon\n```']));
    const { done } = await startRefactor(editor, 0, 4);
    await until('the review', async () => (await inlineEditState())?.phase === 'review');
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    assert.equal(editor.document.lineAt(3).text, 'gamma');
    await vscode.commands.executeCommand('type', { text: 'X' });
    await withTimeout(done, 10_000, 'the edit did not end after typing');
    const expected = ['alpha', 'beta', 'Xgamma', 'delta', 'epsilon'].join('\n');
    await until('the proposal removed', () => editor.document.getText() === expected || undefined, 5_000).catch(
      () => undefined,
    );
    assert.equal(editor.document.getText(), expected);
  });

  it('Stop during the stream cancels the request and restores the original', async () => {
    const editor = await openFile();
    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    const { request, done } = await startRefactor(editor, 1, 3);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    await vscode.commands.executeCommand('gatewayChat.rejectEdit');
    await withTimeout(done, 10_000, 'the edit did not end after Stop');
    await withTimeout(request.whenClientClosed, 10_000, 'the request was not cancelled');
    assert.equal(editor.document.getText(), ORIGINAL);
  });

  it('Stop Response (Escape in the editor) also stops a streaming inline edit and restores the original', async () => {
    const editor = await openFile();
    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    const { request, done } = await startRefactor(editor, 1, 3);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await ui.pressInWorkbench('Escape');
    await withTimeout(done, 10_000, 'the edit did not end after Escape');
    await withTimeout(request.whenClientClosed, 10_000, 'the request was not cancelled');
    assert.equal(editor.document.getText(), ORIGINAL);
    assert.equal(await inlineEditState(), undefined);
  });

  it('saving while a proposal is shown never writes it to disk: accepted hunks stay, the rest is dropped', async () => {
    const text = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].join('\n');
    const editor = await openFile(text);
    const uri = editor.document.uri;
    gateway.enqueue(sseReply(['```\nALPHA\nbeta\ngamma\n', 'DELTA\nepsilon\n```']));
    const { done } = await startRefactor(editor, 0, 4);
    await until('the review', async () => (await inlineEditState())?.phase === 'review');
    await vscode.commands.executeCommand('gatewayChat.acceptHunk', uri.toString(), 0);
    assert.equal(await editor.document.save(), true);
    await withTimeout(done, 10_000, 'the edit did not end on save');
    const expected = ['ALPHA', 'beta', 'gamma', 'delta', 'epsilon'].join('\n');
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'), expected);
    assert.equal(editor.document.getText(), expected);
    assert.equal(await inlineEditState(), undefined);

    const streaming = await openFile();
    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`, 'never shown\n```'], { holdAfter: 2 }));
    const run = await startRefactor(streaming, 1, 3);
    await until('the streamed lines', async () => ((await inlineEditState())?.addedLines.length ?? 0) >= 1);
    await streaming.document.save();
    await withTimeout(run.done, 10_000, 'the edit did not end on save');
    await withTimeout(run.request.whenClientClosed, 10_000, 'the request was not cancelled');
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(streaming.document.uri)).toString('utf8'), ORIGINAL);
  });

  it('[D7] changing the file`s language during a review keeps the review (VS Code closes and reopens the document)', async () => {
    const editor = await openFile();
    const uri = editor.document.uri;
    gateway.enqueue(sseReply(['```js\n', REFACTORED.join('\n'), '\n```']));
    const { done } = await startRefactor(editor, 1, 3);
    await until('the review', async () => (await inlineEditState())?.phase === 'review');
    const shown = editor.document.getText();
    const document = await vscode.languages.setTextDocumentLanguage(editor.document, 'javascript');
    assert.equal(document.getText(), shown, 'the proposal is still in the buffer');
    const review = await until('the review after the language change', async () => {
      const state = await vscode.commands.executeCommand<{ phase: string } | undefined>(
        'gatewayChat.internal.inlineEditState',
        uri.toString(),
      );
      return state?.phase === 'review' ? state : undefined;
    }).catch(() => undefined);
    assert.ok(review, `no review after the language change; the buffer holds ${JSON.stringify(document.getText())}`);
    await withTimeout(done, 10_000, 'the refactor command did not end when its document was closed');
    await vscode.commands.executeCommand('gatewayChat.acceptEdit', uri.toString());
    assert.equal(document.getText(), ['function total(items) {', ...REFACTORED, '}', ''].join('\n'));
  });

  it('[B7-47] an error or a length finish never changes the code', async () => {
    const editor = await openFile();
    gateway.enqueue(errorReply(400, 'The model refused.'));
    let run = await startRefactor(editor, 1, 3);
    await withTimeout(run.done, 15_000, 'the edit did not end after an error');
    assert.equal(editor.document.getText(), ORIGINAL);
    gateway.enqueue(sseReply(['```js\n', `${REFACTORED[0]}\n`], { finishReason: 'length' }));
    run = await startRefactor(editor, 1, 3);
    await withTimeout(run.done, 15_000, 'the edit did not end after a length finish');
    assert.equal(editor.document.getText(), ORIGINAL);
  });

  it('offers "Fix with Gateway Chat" on a diagnostic and sends its message', async () => {
    const editor = await openFile();
    const document = editor.document;
    const diagnostics = vscode.languages.createDiagnosticCollection('gateway-chat-test');
    try {
      const range = new vscode.Range(2, 2, 2, 30);
      diagnostics.set(document.uri, [
        new vscode.Diagnostic(range, "Property 'price' may be undefined.", vscode.DiagnosticSeverity.Error),
      ]);
      const actions = await until('the code actions', async () => {
        const found = await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          document.uri,
          range,
        );
        return found?.some((action) => action.title === 'Fix with Gateway Chat') ? found : undefined;
      });
      const fix = actions.find((action) => action.title === 'Fix with Gateway Chat');
      assert.ok(fix?.command);
      const selection = new vscode.Selection(2, 4, 2, 4);
      const refactorActions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        new vscode.Range(1, 0, 3, 5),
      );
      assert.ok(refactorActions.some((action) => action.title === 'Refactor with Gateway Chat'));
      assert.ok(refactorActions.some((action) => action.title === 'Explain with Gateway Chat'));
      editor.selection = selection;
      gateway.enqueue(sseReply(['```js\n  for (const item of items) sum += item.price ?? 0;\n```']));
      const done = vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      const request = await gateway.nextChatRequest(15_000);
      assert.match(lastUserText(request), /Property 'price' may be undefined\./);
      await until('the review', async () => (await inlineEditState())?.phase === 'review');
      await vscode.commands.executeCommand('gatewayChat.acceptEdit');
      await withTimeout(done, 10_000, 'the fix did not finish');
      assert.equal(document.lineAt(2).text, '  for (const item of items) sum += item.price ?? 0;');
    } finally {
      diagnostics.dispose();
    }
  });

  it('[B7-47] a reply with two code blocks changes nothing', async () => {
    const editor = await openFile();
    gateway.enqueue(sseReply(['Either\n```js\nlet a;\n```\nor\n```js\nlet b;\n```']));
    const { done } = await startRefactor(editor, 1, 3);
    await withTimeout(done, 15_000, 'the edit did not end');
    assert.equal(editor.document.getText(), ORIGINAL);
    assert.equal(await inlineEditState(), undefined);
  });

  it('Show Diff opens the proposal in the side-by-side diff editor', async () => {
    const editor = await openFile();
    gateway.enqueue(sseReply(['```js\n', REFACTORED.join('\n'), '\n```']));
    const { done } = await startRefactor(editor, 1, 3);
    await until('the review', async () => (await inlineEditState())?.phase === 'review');
    await vscode.commands.executeCommand('gatewayChat.showEditDiff');
    const tab = await until('the diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    const proposed = await vscode.workspace.openTextDocument(tab.modified);
    const original = await vscode.workspace.openTextDocument(tab.original);
    assert.equal(original.getText(), ORIGINAL);
    assert.equal(proposed.getText(), ['function total(items) {', ...REFACTORED, '}', ''].join('\n'));
    await vscode.commands.executeCommand('gatewayChat.rejectEdit', editor.document.uri.toString());
    await withTimeout(done, 10_000, 'the edit did not end after Reject');
    assert.equal(editor.document.getText(), ORIGINAL);
  });

  it('with nothing selected, uses the current line and says so; Generate Tests writes into a new editor', async () => {
    const editor = await openFile();
    editor.selection = new vscode.Selection(3, 4, 3, 4);
    gateway.enqueue(sseReply(['```js\n', '  return sum + 0;\n', '```']));
    const done = vscode.commands.executeCommand('gatewayChat.documentSelection');
    const request = await gateway.nextChatRequest(15_000);
    assert.match(lastUserText(request), /Nothing was selected; using line 4\./);
    await until('the review', async () => (await inlineEditState())?.phase === 'review');
    await vscode.commands.executeCommand('gatewayChat.acceptEdit');
    await withTimeout(done, 10_000, 'the edit did not end after Accept');
    assert.equal(editor.document.lineAt(3).text, '  return sum + 0;');

    editor.selection = new vscode.Selection(0, 0, 4, 1);
    gateway.enqueue(sseReply(['Tests:\n```js\n', "test('total', () => {});\n", '```']));
    await vscode.commands.executeCommand('gatewayChat.generateTests');
    const testRequest = await gateway.nextChatRequest(15_000);
    assert.match(lastUserText(testRequest), /Write unit tests/);
    const generated = await until('the tests editor', () => {
      const active = vscode.window.activeTextEditor?.document;
      return active?.isUntitled && active.getText().includes("test('total'") ? active : undefined;
    });
    assert.equal(generated.getText(), "test('total', () => {});");
    assert.equal(generated.languageId, editor.document.languageId);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('gatewayChat.inlineEdit.review "diffEditor" reviews beside the file even with auto-save off; empty selection inserts at the cursor', async () => {
    const config = vscode.workspace.getConfiguration('gatewayChat');
    await config.update('inlineEdit.review', 'diffEditor', vscode.ConfigurationTarget.Global);
    try {
      const editor = await openFile();
      editor.selection = new vscode.Selection(3, 9, 3, 9);
      const done = vscode.commands.executeCommand('gatewayChat.applyCodeToSelection', { code: '0 + ' });
      const review = await until('the review', async () => {
        const current = await inlineEditState();
        return current?.phase === 'review' ? current : undefined;
      });
      assert.equal(review.mode, 'diffEditor');
      assert.equal(editor.document.getText(), ORIGINAL, 'the file is untouched before Accept');
      await vscode.commands.executeCommand('gatewayChat.acceptEdit');
      await withTimeout(done, 10_000, 'the apply did not finish after Accept');
      assert.equal(editor.document.lineAt(3).text, '  return 0 + sum;');
    } finally {
      await config.update('inlineEdit.review', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Explain sends the selection to the chat', async () => {
    const editor = await openFile();
    editor.selection = new vscode.Selection(3, 0, 3, 13);
    gateway.enqueue(sseReply(['It returns the sum.']));
    await vscode.commands.executeCommand('gatewayChat.explainSelection');
    const request = await gateway.nextChatRequest(15_000);
    const sent = lastUserText(request);
    assert.match(sent, /Explain what the selected code does/);
    assert.match(sent, /```plaintext\n {2}return sum;\n```/);
  });
});
