/**
 * The gateway requester: what every reply needs before and while it asks the gateway. The checks that a request may
 * go out (settings, the gateway's key, the consent for plain http), told to the user the same way whichever command
 * asked; the snapshot every round of a turn is sent with; and the `stream` port of `TurnDriver`. The chat and the
 * editor commands ask through it.
 */
import * as vscode from 'vscode';
import { streamChatCompletion, type ChatClientOptions } from '../../core/chatClient';
import type { ModelInfo } from '../../core/modelCatalog';
import { fitRoundMessages } from '../../core/contextFit';
import { checkBeforeSending } from '../../core/turn/gatewayPreflight';
import type { TurnPorts } from '../../core/turn/turnDriver';
import { buildTurnRequest, gatewaySnapshotFor, type GatewaySnapshot } from '../../core/turn/turnRequest';
import { assertNever } from '../../shared/protocol';
import type { ApiKeyStore } from '../apiKeyStore';
import { readConfiguration, type ChatConfiguration } from '../configuration';
import type { ExtensionLog } from '../log';
import type { ModelCatalogService } from '../modelCatalogService';

/** The settings a request goes out with and that gateway's own key (checked together: they belong together). */
export interface GatewayReady {
  readonly config: ChatConfiguration;
  readonly apiKey: string;
}

/** One turn's way to the gateway, read once so that every round of the turn is sent the same way. */
export interface GatewayTurn {
  /** The model's entry in the gateway's catalog, when the catalog lists it. */
  readonly catalogEntry?: ModelInfo;
  readonly snapshot: GatewaySnapshot;
  /** Sends one round's request (`TurnDriver`'s port). */
  readonly stream: TurnPorts['stream'];
}

export class GatewayRequester {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: ExtensionLog,
    private readonly catalog: ModelCatalogService,
  ) {}

  /**
   * Checks that a request can go out now; otherwise tells the user why and what to do. Undefined then, and also
   * when `signal` aborted meanwhile (Stop).
   */
  async preflight(signal?: AbortSignal): Promise<GatewayReady | undefined> {
    const outcome = await checkBeforeSending({
      config: readConfiguration(),
      keyFor: (baseUrl) => this.keys.get(baseUrl),
      maySendTo: (baseUrl) => this.keys.maySendTo(baseUrl, 'ask'),
      ...(signal ? { signal } : {}),
    });
    switch (outcome.kind) {
      case 'ready':
        return { config: outcome.config, apiKey: outcome.apiKey };
      case 'configProblem':
        void showConfigProblem(outcome.problem);
        return undefined;
      case 'noKey':
        void askForKey(outcome.gateway);
        return undefined;
      case 'declined':
      case 'stopped':
        return undefined;
      default:
        return assertNever(outcome);
    }
  }

  /**
   * The turn's snapshot and stream for `ready`; `systemPrompt` replaces the setting's (an editor command's own).
   * The key goes only to the gateway it was checked for, even if the setting changed since. A round that would not fit
   * the model's context (from the catalog) goes without its oldest turns; `leftOut` hears how many messages.
   */
  async prepare(
    ready: GatewayReady,
    options: { readonly systemPrompt?: string; readonly leftOut?: (round: number, messages: number) => void } = {},
  ): Promise<GatewayTurn> {
    const { config, apiKey } = ready;
    const catalogEntry = await this.catalog.entryFor(config.baseUrl, config.model).catch(() => undefined);
    const { snapshot, ignoredParameters } = gatewaySnapshotFor(
      config,
      catalogEntry,
      options.systemPrompt !== undefined ? { systemPrompt: options.systemPrompt } : {},
    );
    if (ignoredParameters.length)
      this.log.info(`Not sent to ${config.model}, which does not take them: ${ignoredParameters.join(', ')}`);
    const client: ChatClientOptions = {
      baseUrl: config.baseUrl,
      apiKey,
      headers: config.headers,
      idleTimeoutMs: config.idleTimeoutMs,
      maxEventBytes: config.maxEventBytes,
      logger: this.log,
    };
    return {
      ...(catalogEntry ? { catalogEntry } : {}),
      snapshot,
      stream: (request, signal) => {
        const fitted = fitRoundMessages({
          messages: request.messages,
          ...(snapshot.contextLength ? { contextLength: snapshot.contextLength } : {}),
          ...(snapshot.systemPrompt !== undefined ? { systemPrompt: snapshot.systemPrompt } : {}),
          ...(snapshot.parameters?.maxTokens !== undefined ? { maxTokens: snapshot.parameters.maxTokens } : {}),
          tools: request.tools,
        });
        if (fitted.leftOut) {
          this.log.info(`Left out ${fitted.leftOut} earlier message(s): the request was longer than the context.`);
          options.leftOut?.(request.round, fitted.leftOut);
        }
        return streamChatCompletion(client, buildTurnRequest(snapshot, fitted.messages, request.tools), signal);
      },
    };
  }
}

async function showConfigProblem(problem: string): Promise<void> {
  const open = vscode.l10n.t('Open Settings');
  if ((await vscode.window.showErrorMessage(problem, open)) === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'gatewayChat');
  }
}

async function askForKey(gateway: string): Promise<void> {
  const setKey = vscode.l10n.t('Set API Key');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Set the API key for {0} before sending a message.', gateway),
    setKey,
  );
  if (choice === setKey) await vscode.commands.executeCommand('gatewayChat.setApiKey');
}
