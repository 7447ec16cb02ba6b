import * as vscode from 'vscode';

export const SECTION = 'gatewayChat';

export interface ChatConfiguration {
  readonly baseUrl: string;
  readonly model: string;
  /** Set when a setting is unusable: names the setting and says why. Nothing is sent while it is set. */
  readonly problem?: string;
}

/** Reads the settings once into a checked snapshot; the only place that knows the setting names. */
export function readConfiguration(): ChatConfiguration {
  const config = vscode.workspace.getConfiguration(SECTION);
  const baseUrl = (config.get<string>('baseUrl') ?? '').trim();
  const model = (config.get<string>('model') ?? '').trim();
  const problem = baseUrlProblem(baseUrl) ?? modelProblem(model);
  return problem ? { baseUrl, model, problem } : { baseUrl, model };
}

function baseUrlProblem(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return vscode.l10n.t('The setting gatewayChat.baseUrl is not a URL: "{0}". Use the address of the gateway, like https://api.ofox.ai/v1.', baseUrl);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return vscode.l10n.t('The setting gatewayChat.baseUrl must start with https:// or http://, not {0}', url.protocol);
  }
  if (url.username || url.password) {
    return vscode.l10n.t('The setting gatewayChat.baseUrl must not contain a user name or password: use Gateway Chat: Set API Key.');
  }
  return undefined;
}

function modelProblem(model: string): string | undefined {
  return model ? undefined : vscode.l10n.t('The setting gatewayChat.model is empty: enter a model id such as openai/gpt-4o.');
}

export function affectsChatConfiguration(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}
