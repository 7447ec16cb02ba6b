import * as vscode from 'vscode';
import { streamChatCompletion } from '../../core/chatClient';
import { buildChatRequest } from '../../core/chatRequest';
import type { ChatMessage } from '../../core/chatTypes';
import { choiceOf } from '../../core/chatTypes';
import type { GatewayError } from '../../core/gatewayError';
import { keyOriginOf } from '../../core/gatewayKeys';
import { modelProfileFor } from '../../core/modelProfile';
import type { ApiKeyStore } from '../apiKeyStore';
import { readConfiguration } from '../configuration';
import type { ExtensionLog } from '../log';
import type { ModelCatalogService } from '../modelCatalogService';

export interface EditDeps {
  readonly keys: ApiKeyStore;
  readonly log: ExtensionLog;
  readonly catalog: ModelCatalogService;
}

export interface EditStreamResult {
  readonly text: string;
  readonly finishReason?: string;
  readonly error?: GatewayError;
  readonly aborted: boolean;
}

/** The gateway a request goes to and that gateway's own key (checked together, so they always belong together). */
export interface GatewayAccess {
  readonly baseUrl: string;
  readonly apiKey: string;
}

/** Checks settings and key; tells the user what is missing. Returns the gateway and its key when a request can go out. */
export async function editPreflight(deps: EditDeps): Promise<GatewayAccess | undefined> {
  const config = readConfiguration();
  if (config.problem) {
    void vscode.window.showErrorMessage(config.problem);
    return undefined;
  }
  const apiKey = await deps.keys.get(config.baseUrl);
  if (!apiKey) {
    const setKey = vscode.l10n.t('Set API Key');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'Set the API key for {0} before sending a message.',
          keyOriginOf(config.baseUrl) ?? config.baseUrl,
        ),
        setKey,
      )
      .then((choice) => {
        if (choice === setKey) void vscode.commands.executeCommand('gatewayChat.setApiKey');
      });
    return undefined;
  }
  if (!(await deps.keys.maySendTo(config.baseUrl, 'ask'))) return undefined;
  return { baseUrl: config.baseUrl, apiKey };
}

/** One request outside the chat conversation (an inline edit, generated tests), streamed to `onText`. */
export async function streamEditReply(
  deps: EditDeps,
  access: GatewayAccess,
  system: string,
  messages: ChatMessage[],
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<EditStreamResult> {
  const config = readConfiguration();
  // The gateway checked with its key, even if the setting changed since: a key never goes to another gateway.
  const { baseUrl, apiKey } = access;
  const entry = await deps.catalog.entryFor(baseUrl, config.model).catch(() => undefined);
  const request = buildChatRequest({
    model: config.model,
    messages,
    systemPrompt: system,
    parameters: config.parameters,
    modelProfile: modelProfileFor(config.model, entry, config.modelOverride),
    ...(config.provider ? { provider: config.provider } : {}),
    extraBody: config.extraBody,
  });
  let text = '';
  let finishReason: string | undefined;
  let error: GatewayError | undefined;
  const client = {
    baseUrl,
    apiKey,
    headers: config.headers,
    idleTimeoutMs: config.idleTimeoutMs,
    maxEventBytes: config.maxEventBytes,
    logger: deps.log,
  };
  try {
    for await (const event of streamChatCompletion(client, request, signal)) {
      if (event.type === 'text' && choiceOf(event) === 0) {
        text += event.text;
        onText(text);
      } else if (event.type === 'finish' && choiceOf(event) === 0) {
        finishReason = event.reason;
      } else if (event.type === 'error') {
        error = event.error;
      }
    }
  } catch (unexpected) {
    deps.log.error(`Unexpected failure while streaming an edit: ${String(unexpected)}`);
    error = { kind: 'interrupted', message: deps.log.redactor.redact(String(unexpected)), host: '' };
  }
  return { text, ...(finishReason ? { finishReason } : {}), ...(error ? { error } : {}), aborted: signal.aborted };
}
