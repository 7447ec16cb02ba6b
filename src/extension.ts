import * as vscode from 'vscode';
import { ApiKeyStore } from './host/apiKeyStore';
import { CHAT_VIEW_ID, ChatViewProvider } from './host/chatViewProvider';
import { registerCommands } from './host/commands';
import { ExtensionLog } from './host/log';
import { ModelCatalogService } from './host/modelCatalogService';

/**
 * The composition root. Activation only wires things together: no network, no secret read, no webview work happens
 * until the user opens the view or runs a command.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = new ExtensionLog();
  const keys = new ApiKeyStore(context.secrets, log.redactor);
  const catalog = new ModelCatalogService(keys, log);
  const provider = new ChatViewProvider(context.extensionUri, keys, log, catalog);
  context.subscriptions.push(
    log,
    keys,
    provider,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    ...registerCommands(provider, keys, log, catalog),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
