import * as vscode from 'vscode';
import { hostOf } from '../core/gatewayHttp';
import { ModelCatalogCache, type ModelCatalogResult, type ModelInfo } from '../core/modelCatalog';
import type { ApiKeyStore } from './apiKeyStore';
import { readConfiguration, SECTION } from './configuration';
import type { ExtensionLog } from './log';

/** How long a send waits for a catalog that is still loading before it goes out with the built-in model rules. */
const SEND_WAIT_MS = 1500;
/** A gateway whose list could not be had is asked again after this long (or when the user opens the picker). */
const RETRY_FAILED_AFTER_MS = 5 * 60_000;

/**
 * The gateway's `/models` list, fetched when first needed (never at activation) and cached per base URL. It tells
 * how each model takes parameters, and fills the model picker; when the gateway has no list, the user types an id.
 */
export class ModelCatalogService {
  private readonly cache = new ModelCatalogCache();
  private readonly loading = new Map<string, Promise<ModelCatalogResult>>();
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: ExtensionLog,
  ) {}

  /** Starts loading the list for the configured gateway if it is not cached; returns at once. */
  prefetch(): void {
    const { baseUrl, problem } = readConfiguration();
    if (!problem) this.loadInBackground(baseUrl);
  }

  /** The catalog entry of a model, waiting briefly for a list that is on its way. */
  async entryFor(baseUrl: string, model: string): Promise<ModelInfo | undefined> {
    this.loadInBackground(baseUrl);
    const pending = this.loading.get(baseUrl);
    if (!this.cache.peek(baseUrl) && pending) {
      await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, SEND_WAIT_MS))]);
    }
    return this.cache.peek(baseUrl)?.models.find((candidate) => candidate.id === model);
  }

  /** The catalog entry of a model if the list is already here (fresh or not); never waits, never loads. */
  knownEntry(baseUrl: string, model: string): ModelInfo | undefined {
    return this.cache.peek(baseUrl)?.models.find((candidate) => candidate.id === model);
  }

  /** Loads the list unless it is fresh, on its way, or failed recently (a gateway without one is not asked each time). */
  private loadInBackground(baseUrl: string): void {
    const failed = this.failedAt.get(baseUrl);
    if (
      this.cache.get(baseUrl) ||
      this.loading.has(baseUrl) ||
      (failed !== undefined && Date.now() - failed < RETRY_FAILED_AFTER_MS)
    )
      return;
    void this.load(baseUrl);
  }

  load(baseUrl: string, force = false): Promise<ModelCatalogResult> {
    const running = this.loading.get(baseUrl);
    if (running && !force) return running;
    const task = (async () => {
      const { headers } = readConfiguration();
      const result = await this.cache.load(
        {
          baseUrl,
          apiKey: (await this.keys.maySendTo(baseUrl, 'silent')) ? await this.keys.get(baseUrl) : undefined,
          headers,
          logger: this.log,
        },
        force,
      );
      if (result.ok) this.failedAt.delete(baseUrl);
      else if (!result.aborted) this.failedAt.set(baseUrl, Date.now());
      return result;
    })().finally(() => this.loading.delete(baseUrl));
    this.loading.set(baseUrl, task);
    return task;
  }

  /** "Gateway Chat: Select Model": the gateway's models in a quick pick, or an input box when it lists none. */
  async pickModel(): Promise<void> {
    const config = readConfiguration();
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Loading models from {0}…', hostOf(config.baseUrl)),
      },
      () => this.load(config.baseUrl),
    );
    let chosen: string | undefined;
    if (result.ok && result.models.length > 0) {
      const items = result.models.map((model) => toQuickPickItem(model, config.model));
      const typeOther: vscode.QuickPickItem = { label: vscode.l10n.t('$(edit) Type a model id…'), alwaysShow: true };
      const picked = await vscode.window.showQuickPick([...items, typeOther], {
        title: vscode.l10n.t('Select Model ({0} models)', result.models.length),
        placeHolder: config.model,
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!picked) return;
      chosen = picked === typeOther ? await this.askForId(config.model) : picked.label;
    } else {
      if (!result.ok) this.log.info(`No model list: ${result.error.message}`);
      chosen = await this.askForId(
        config.model,
        vscode.l10n.t('The gateway did not list its models: type a model id.'),
      );
    }
    if (chosen)
      await vscode.workspace.getConfiguration(SECTION).update('model', chosen, vscode.ConfigurationTarget.Global);
  }

  private askForId(current: string, prompt?: string): Thenable<string | undefined> {
    return vscode.window
      .showInputBox({
        title: vscode.l10n.t('Model id'),
        value: current,
        prompt: prompt ?? vscode.l10n.t('The model id as your gateway names it, for example openai/gpt-4o.'),
        validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The model id cannot be empty.')),
      })
      .then((value) => value?.trim() || undefined);
  }
}

function toQuickPickItem(model: ModelInfo, current: string): vscode.QuickPickItem {
  const traits: string[] = [];
  if (model.contextLength) traits.push(vscode.l10n.t('{0}k context', Math.round(model.contextLength / 1000)));
  if (model.supportsImages) traits.push('$(file-media) ' + vscode.l10n.t('images'));
  if (model.supportsTools) traits.push('$(tools) ' + vscode.l10n.t('tools'));
  if (model.supportsReasoning) traits.push('$(lightbulb) ' + vscode.l10n.t('reasoning'));
  const price = model.pricing;
  if (price?.prompt !== undefined && price.completion !== undefined) {
    traits.push(vscode.l10n.t('${0} / ${1} per M tokens', perMillion(price.prompt), perMillion(price.completion)));
  }
  return {
    label: model.id,
    description: [
      model.id === current ? vscode.l10n.t('(current)') : '',
      model.name && model.name !== model.id ? model.name : '',
    ]
      .filter(Boolean)
      .join(' '),
    detail: traits.join('  ·  ') || undefined,
    picked: model.id === current,
  };
}

function perMillion(pricePerToken: number): string {
  const value = pricePerToken * 1_000_000;
  return value >= 10 ? value.toFixed(0) : value.toFixed(2);
}
