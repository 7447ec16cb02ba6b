/**
 * The extension as VS Code sees it: installed, activated only by its view, its commands or the end of startup, its
 * commands and settings. This file runs first (files load in name order).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extension } from './helpers';

describe('Activation', () => {
  it(`is installed as ${EXTENSION_ID}; besides its view and commands, only the end of startup activates it`, () => {
    const ext = extension();
    assert.equal(ext.id, EXTENSION_ID);
    // After startup it looks for an edit review a reload or a crash interrupted (one read of the workspace's state);
    // it never activates while the window starts (`*`), and activation itself sends, reads and opens nothing (see
    // the activation bench).
    assert.deepEqual((ext.packageJSON as { activationEvents?: unknown }).activationEvents, ['onStartupFinished']);
  });

  it('activates and registers its commands', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const command of [
      'gatewayChat.setApiKey',
      'gatewayChat.clearApiKey',
      'gatewayChat.newChat',
      'gatewayChat.stop',
      'gatewayChat.focus',
      'gatewayChat.showLog',
    ]) {
      assert.ok(commands.has(command), `command ${command} is not registered`);
    }
  });

  it('contributes its settings with their defaults', () => {
    const config = vscode.workspace.getConfiguration('gatewayChat');
    assert.equal(config.inspect<string>('baseUrl')?.defaultValue, 'https://api.ofox.ai/v1');
    assert.equal(config.inspect<string>('model')?.defaultValue, 'openai/gpt-4o');
    assert.equal(config.get('baseUrl'), 'https://api.ofox.ai/v1', 'a fresh profile should use the default base URL');
    assert.equal(config.get('model'), 'openai/gpt-4o');
  });

  it('contributes the Gateway Chat view container and chat view', () => {
    const contributes = (extension().packageJSON as { contributes: Record<string, unknown> }).contributes as {
      viewsContainers: { activitybar: Array<{ id: string }> };
      views: Record<string, Array<{ id: string; type?: string }>>;
    };
    assert.ok(contributes.viewsContainers.activitybar.some((c) => c.id === 'gatewayChat'));
    assert.ok(contributes.views.gatewayChat.some((v) => v.id === 'gatewayChat.chat' && v.type === 'webview'));
  });
});
