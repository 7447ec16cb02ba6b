import * as vscode from 'vscode';
import type { Redactor } from '../core/redact';

const SECRET_KEY = 'gatewayChat.apiKey';

/**
 * The API key, kept only in VS Code's SecretStorage (the OS keychain on desktop). It is never written to settings,
 * never posted to the panel, and registered with the redactor as soon as it is read so the logs mask it.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly redactor: Redactor,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_KEY) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(SECRET_KEY);
    this.redactor.addSecret(key);
    return key || undefined;
  }

  async set(key: string): Promise<void> {
    this.redactor.addSecret(key);
    await this.secrets.store(SECRET_KEY, key);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Asks for the key in a password box; trims it and refuses an empty one. Returns whether a key was stored. */
export async function promptForApiKey(store: ApiKeyStore): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Gateway Chat: Set API Key'),
    prompt: vscode.l10n.t('Paste the API key of your gateway. It is kept in VS Code\'s secret storage, never in settings.'),
    placeHolder: 'sk-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The API key cannot be empty.')),
  });
  const key = value?.trim();
  if (!key) return false;
  await store.set(key);
  return true;
}
