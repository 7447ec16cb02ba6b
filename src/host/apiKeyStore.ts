import * as vscode from 'vscode';
import { originOf, sendsKeyInClear } from '../core/keyTransport';
import type { Redactor } from '../core/redact';

const SECRET_KEY = 'gatewayChat.apiKey';
/** Origins the user agreed to send the key to over plain http. */
const CLEARTEXT_ORIGINS = 'gatewayChat.cleartextOrigins';

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
    /** Where decisions about plain-http gateways are remembered; without it the user is asked every time. */
    private readonly decisions?: vscode.Memento,
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

  /**
   * Whether the key may go to `baseUrl`. Over plain http to another machine anyone on the way could read it, so the
   * user is asked once per origin (`ask`); background requests (`silent`, e.g. the model list) never ask and go
   * without the key until the user has agreed.
   */
  async maySendTo(baseUrl: string, mode: 'ask' | 'silent'): Promise<boolean> {
    if (!sendsKeyInClear(baseUrl)) return true;
    const origin = originOf(baseUrl);
    const agreed = this.decisions?.get<string[]>(CLEARTEXT_ORIGINS) ?? [];
    if (agreed.includes(origin)) return true;
    if (mode === 'silent') return false;
    const send = vscode.l10n.t('Send Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The gateway {0} uses plain http: your API key would travel unencrypted and anyone on the network path could read it.', origin),
      { modal: true, detail: vscode.l10n.t('Use https if the gateway offers it (setting gatewayChat.baseUrl). Your answer is remembered for this address.') },
      send,
    );
    if (choice !== send) return false;
    await this.decisions?.update(CLEARTEXT_ORIGINS, [...agreed, origin]);
    return true;
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
