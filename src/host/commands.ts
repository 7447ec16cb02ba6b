import * as vscode from 'vscode';
import { promptForApiKey, type ApiKeyStore } from './apiKeyStore';
import type { ChatViewProvider } from './chatViewProvider';
import type { ExtensionLog } from './log';
import type { ModelCatalogService } from './modelCatalogService';

export function registerCommands(
  provider: ChatViewProvider,
  keys: ApiKeyStore,
  log: ExtensionLog,
  catalog: ModelCatalogService,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('gatewayChat.setApiKey', async () => {
      if (await promptForApiKey(keys)) {
        log.info('API key stored in secret storage.');
        void vscode.window.showInformationMessage(vscode.l10n.t('Gateway Chat: API key saved.'));
      }
    }),
    vscode.commands.registerCommand('gatewayChat.clearApiKey', async () => {
      await keys.clear();
      log.info('API key removed from secret storage.');
      void vscode.window.showInformationMessage(vscode.l10n.t('Gateway Chat: API key removed.'));
    }),
    vscode.commands.registerCommand('gatewayChat.newChat', async () => {
      await provider.session.newChat();
      await provider.reveal();
    }),
    vscode.commands.registerCommand('gatewayChat.stop', async () => {
      // The chat's reply, and an inline edit that is still streaming (its original stays).
      provider.session.stop();
      await vscode.commands.executeCommand('gatewayChat.internal.stopEdits');
    }),
    vscode.commands.registerCommand('gatewayChat.focus', () => provider.reveal()),
    vscode.commands.registerCommand('gatewayChat.showLog', () => log.show()),
    vscode.commands.registerCommand('gatewayChat.selectModel', () => catalog.pickModel()),
  ];
}
