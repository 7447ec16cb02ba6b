import * as vscode from 'vscode';
import {
  describeLegacyKeyStep,
  isKeyEntry,
  keyEntryFor,
  keyOriginOf,
  LEGACY_KEY_ENTRY,
  migrateLegacyKey,
} from '../core/gatewayKeys';
import { cleanApiKey, describeCodePoint, type CleanedApiKey } from '../core/apiKeyText';
import { originOf, sendsKeyInClear } from '../core/keyTransport';
import type { Redactor } from '../core/redact';

/** Origins the user agreed to send the key to over plain http. */
const CLEARTEXT_ORIGINS = 'gatewayChat.cleartextOrigins';

/**
 * The API keys, one per gateway (origin of the base URL, see core/gatewayKeys), kept only in VS Code's SecretStorage
 * (the OS keychain on desktop). A key is never written to settings, never posted to the panel, never sent to another
 * gateway than its own, and registered with the redactor as soon as it is read so the logs mask it.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** A gateway's key was stored or removed (in this window or another). */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** The move of an earlier version's single key, done once before the store is first used. */
  private migration: Promise<void> | undefined;
  private toldWaiting = false;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly redactor: Redactor,
    /** Where decisions about plain-http gateways are remembered; without it the user is asked every time. */
    private readonly decisions: vscode.Memento | undefined,
    /**
     * The base URL the user chose (their own settings or the default, never a folder's): an earlier version's single
     * key becomes this gateway's key, and no other's.
     */
    private readonly userBaseUrl: () => string,
    private readonly log?: { info(message: string): void; warn(message: string): void },
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (!isKeyEntry(event.key)) return;
      // An earlier version (another window) saved its single key again: it is moved the next time a key is read.
      if (event.key === LEGACY_KEY_ENTRY) this.migration = undefined;
      this.changed.fire();
    });
  }

  /** The key of `baseUrl`'s gateway, if the user set one for it. */
  async get(baseUrl: string): Promise<string | undefined> {
    await this.migrated();
    const entry = keyEntryFor(baseUrl);
    if (!entry) return undefined;
    const key = await this.secrets.get(entry);
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
      vscode.l10n.t(
        'The gateway {0} uses plain http: your API key would travel unencrypted and anyone on the network path could read it.',
        origin,
      ),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Use https if the gateway offers it (setting gatewayChat.baseUrl). Your answer is remembered for this address.',
        ),
      },
      send,
    );
    if (choice !== send) return false;
    await this.decisions?.update(CLEARTEXT_ORIGINS, [...agreed, origin]);
    return true;
  }

  /** Stores `key` as the key of `baseUrl`'s gateway; false when the base URL names no gateway. */
  async set(baseUrl: string, key: string): Promise<boolean> {
    await this.migrated();
    const entry = keyEntryFor(baseUrl);
    if (!entry) return false;
    this.redactor.addSecret(key);
    await this.secrets.store(entry, key);
    return true;
  }

  /** Removes the key of `baseUrl`'s gateway (other gateways keep theirs); whether there was one. */
  async clear(baseUrl: string): Promise<boolean> {
    await this.migrated();
    const entry = keyEntryFor(baseUrl);
    if (!entry || !(await this.secrets.get(entry))) return false;
    await this.secrets.delete(entry);
    return true;
  }

  private migrated(): Promise<void> {
    this.migration ??= this.migrate();
    return this.migration;
  }

  private async migrate(): Promise<void> {
    try {
      const step = await migrateLegacyKey(this.secrets, this.userBaseUrl());
      if (step.kind === 'wait') {
        // Tried again on the next use, once the base URL names a gateway; said once.
        this.migration = undefined;
        if (this.toldWaiting) return;
        this.toldWaiting = true;
      }
      const line = describeLegacyKeyStep(step);
      if (line) this.log?.info(line);
    } catch (error) {
      this.migration = undefined;
      this.log?.warn(`Could not move the API key of an earlier version: ${String(error)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * Asks for the key of `baseUrl`'s gateway in a password box that names the gateway. Whitespace and invisible
 * characters around the pasted key are removed (the box says which); a key that is empty, or has a character that
 * cannot be sent in a header, is refused with the character and its position. Returns the origin the key was stored
 * for, or `undefined` when none was.
 */
export async function promptForApiKey(store: ApiKeyStore, baseUrl: string): Promise<string | undefined> {
  const origin = keyOriginOf(baseUrl);
  if (!origin) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Set gatewayChat.baseUrl to the address of your gateway first: each gateway has its own API key.'),
    );
    return undefined;
  }
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Gateway Chat: Set API Key for {0}', origin),
    prompt: vscode.l10n.t(
      "Paste the API key for {0}. It is sent only to this gateway and kept in VS Code's secret storage, never in settings.",
      origin,
    ),
    placeHolder: 'sk-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => keyValidation(cleanApiKey(text)),
  });
  const cleaned = value === undefined ? undefined : cleanApiKey(value);
  if (!cleaned?.ok) return undefined;
  return (await store.set(baseUrl, cleaned.key)) ? origin : undefined;
}

/** What the password box says about the text in it: why it cannot be stored, or what will be removed from it. */
function keyValidation(cleaned: CleanedApiKey): string | vscode.InputBoxValidationMessage | undefined {
  if (!cleaned.ok) {
    return cleaned.reason === 'empty'
      ? vscode.l10n.t('The API key cannot be empty.')
      : vscode.l10n.t(
          'The key contains {0} at position {1}, which cannot be sent in a request. Paste the key alone, as the gateway shows it.',
          describeCodePoint(cleaned.character.codePoint),
          cleaned.character.position,
        );
  }
  const invisible = cleaned.removed.filter((character) => character.codePoint > 0x20);
  if (invisible.length === 0) return undefined;
  const names = [...new Set(invisible.map((character) => describeCodePoint(character.codePoint)))].join(', ');
  return {
    message: vscode.l10n.t('Invisible characters around the key will be removed: {0}.', names),
    severity: vscode.InputBoxValidationSeverity.Info,
  };
}
