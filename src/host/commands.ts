import * as vscode from 'vscode';
import { keyOriginOf } from '../core/gatewayKeys';
import { promptForApiKey, type ApiKeyStore } from './apiKeyStore';
import type { ChatViewProvider } from './chatViewProvider';
import { readBaseUrl } from './configuration';
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
      const origin = await promptForApiKey(keys, readBaseUrl());
      if (origin) {
        log.info(`API key for ${origin} stored in secret storage.`);
        void vscode.window.showInformationMessage(vscode.l10n.t('Gateway Chat: API key for {0} saved.', origin));
      }
    }),
    vscode.commands.registerCommand('gatewayChat.clearApiKey', async () => {
      const baseUrl = readBaseUrl();
      const origin = keyOriginOf(baseUrl) ?? baseUrl;
      if (await keys.clear(baseUrl)) {
        log.info(`API key for ${origin} removed from secret storage.`);
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Gateway Chat: API key for {0} removed. The keys of other gateways are kept.', origin),
        );
      } else {
        void vscode.window.showInformationMessage(vscode.l10n.t('Gateway Chat: there was no API key for {0}.', origin));
      }
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
