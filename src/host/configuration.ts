import * as vscode from 'vscode';
import type { ProviderPreferences } from '../core/chatTypes';
import { readGenerationParameters, type GenerationParameters } from '../core/generationParameters';
import type { ModelProfile } from '../core/modelProfile';
import { setByFolder, userChosenValue, USER_ONLY_SETTINGS, type UserOnlySetting } from '../core/userOnlySettings';
import type { ImageLimits, SendWith } from '../shared/protocol';

export const SECTION = 'gatewayChat';

/** The image limits by default: 2048 px longest side, 768 px short side for `detail: high`, 20 MB, 10 images. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxLongSide: 2048,
  maxShortSideHigh: 768,
  maxBytes: 20 * 1024 * 1024,
  maxCount: 10,
};

export interface ChatConfiguration {
  readonly baseUrl: string;
  readonly model: string;
  readonly systemPrompt: string;
  readonly parameters: GenerationParameters;
  readonly provider?: ProviderPreferences;
  /** The user's request shape for the configured model (`gatewayChat.modelOverrides`), if any key matches it. */
  readonly modelOverride?: Partial<ModelProfile>;
  readonly extraBody: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly idleTimeoutMs: number;
  /** The most one event of a reply stream may have (`gatewayChat.maxEventMiB`), in bytes. */
  readonly maxEventBytes: number;
  readonly sendWith: SendWith;
  /** How images are prepared before they are sent (`gatewayChat.images.*`). */
  readonly imageLimits: ImageLimits;
  /** What the model may do with tools (`gatewayChat.tools.*`). */
  readonly tools: ToolSettings;
  /**
   * Set when a setting is unusable: each line names the setting and says why. Nothing is sent while it is set, so a
   * typo never silently changes what the gateway receives.
   */
  readonly problem?: string;
}

export interface ToolSettings {
  readonly enabled: boolean;
  readonly askBeforeReading: boolean;
  readonly maxRounds: number;
  /** Sent only when not `auto`. */
  readonly toolChoice: 'auto' | 'required' | 'none';
  /** Sent only when the user chose (true: allow several calls per reply; false: one at most). */
  readonly parallelToolCalls?: boolean;
  /** Offer the tools other extensions and MCP servers give VS Code (`gatewayChat.tools.vscodeTools`), each asked about. */
  readonly vscodeTools: boolean;
}

const ROUTINGS = ['priority', 'cost', 'latency', 'balanced'] as const;
const RESERVED_BODY_KEYS = ['model', 'messages', 'stream'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = ['authorization', 'content-type', 'content-length', 'host'];

/**
 * A setting only the user may set (see core/userOnlySettings): their user or remote-machine value, else the default.
 * A workspace's or folder's value is never read, even where VS Code would apply it (forks, older builds).
 */
function userSetting<T>(config: vscode.WorkspaceConfiguration, name: UserOnlySetting): T | undefined {
  return userChosenValue(config.inspect<T>(name));
}

/** The gateway the user chose (their settings or the default, never a folder's): the only one that gets a key. */
export function readBaseUrl(): string {
  const value = userSetting<unknown>(vscode.workspace.getConfiguration(SECTION), 'baseUrl');
  return typeof value === 'string' ? value.trim() : '';
}

/** Reads the settings once into a checked snapshot; the only place that knows the setting names. */
export function readConfiguration(): ChatConfiguration {
  const config = vscode.workspace.getConfiguration(SECTION);
  const problems: string[] = [];
  const setting = (name: string, reason: string) =>
    problems.push(vscode.l10n.t('The setting {0}.{1} {2}', SECTION, name, reason));

  const baseUrl = readBaseUrl();
  const baseUrlReason = baseUrlProblem(baseUrl);
  if (baseUrlReason) setting('baseUrl', baseUrlReason);
  const modelValue = userSetting<unknown>(config, 'model');
  const model = typeof modelValue === 'string' ? modelValue.trim() : '';
  if (!model) setting('model', vscode.l10n.t('is empty: enter a model id such as openai/gpt-4o.'));

  const { parameters, problems: parameterProblems } = readGenerationParameters({
    temperature: config.get('temperature'),
    topP: config.get('topP'),
    maxTokens: config.get('maxTokens'),
    presencePenalty: config.get('presencePenalty'),
    frequencyPenalty: config.get('frequencyPenalty'),
    seed: config.get('seed'),
    stop: config.get('stop'),
    reasoningEffort: config.get('reasoningEffort'),
  });
  for (const { field, reason } of parameterProblems) setting(field, reason);

  const provider = readProvider(config, setting);
  const modelOverride = readModelOverride(userSetting(config, 'modelOverrides'), model, setting);
  const extraBody = readExtraBody(userSetting(config, 'extraBody'), setting);
  const headers = readHeaders(userSetting(config, 'headers'), setting);
  const idleSeconds = config.get<number>('idleTimeoutSeconds') ?? 120;
  if (typeof idleSeconds !== 'number' || !(idleSeconds >= 5))
    setting('idleTimeoutSeconds', vscode.l10n.t('must be a number of seconds, at least 5.'));
  const maxEventMiB = userSetting<number>(config, 'maxEventMiB') ?? 16;
  if (typeof maxEventMiB !== 'number' || !(maxEventMiB >= 1 && maxEventMiB <= 1024))
    setting('maxEventMiB', vscode.l10n.t('must be a number of MiB from 1 to 1024.'));
  const systemPrompt = userSetting<unknown>(config, 'systemPrompt') ?? '';
  const sendWith = config.get<string>('sendWith') ?? 'enter';
  if (sendWith !== 'enter' && sendWith !== 'ctrlEnter')
    setting('sendWith', vscode.l10n.t('must be enter or ctrlEnter (got "{0}").', String(sendWith)));
  const imageLimits = readImageLimits(config, setting);
  const tools = readToolSettings(config, setting);

  return {
    baseUrl,
    model,
    systemPrompt: typeof systemPrompt === 'string' ? systemPrompt : '',
    parameters,
    ...(provider ? { provider } : {}),
    ...(modelOverride ? { modelOverride } : {}),
    extraBody,
    headers,
    idleTimeoutMs: Math.max(5, Number(idleSeconds) || 120) * 1000,
    maxEventBytes: Math.round(Math.min(1024, Math.max(1, Number(maxEventMiB) || 16)) * 1024 * 1024),
    sendWith: sendWith === 'ctrlEnter' ? 'ctrlEnter' : 'enter',
    imageLimits,
    tools,
    ...(problems.length ? { problem: problems.join('\n') } : {}),
  };
}

type Report = (name: string, reason: string) => void;

function readToolSettings(config: vscode.WorkspaceConfiguration, report: Report): ToolSettings {
  const flag = (name: 'tools.enabled' | 'tools.askBeforeReading' | 'tools.vscodeTools', fallback: boolean): boolean => {
    const value = userSetting<unknown>(config, name) ?? fallback;
    if (typeof value === 'boolean') return value;
    report(name, vscode.l10n.t('must be true or false.'));
    return fallback;
  };
  const rounds = userSetting<unknown>(config, 'tools.maxRounds') ?? 12;
  let maxRounds = 12;
  if (typeof rounds === 'number' && Number.isInteger(rounds) && rounds >= 1 && rounds <= 50) maxRounds = rounds;
  else report('tools.maxRounds', vscode.l10n.t('must be a whole number from {0} to {1}.', 1, 50));
  const choice = userSetting<unknown>(config, 'tools.toolChoice') ?? 'auto';
  let toolChoice: ToolSettings['toolChoice'] = 'auto';
  if (choice === 'auto' || choice === 'required' || choice === 'none') toolChoice = choice;
  else report('tools.toolChoice', vscode.l10n.t('must be auto, required or none (got "{0}").', String(choice)));
  const parallel = userSetting<unknown>(config, 'tools.parallelToolCalls') ?? 'gatewayDefault';
  if (parallel !== 'gatewayDefault' && parallel !== 'allow' && parallel !== 'oneAtATime')
    report(
      'tools.parallelToolCalls',
      vscode.l10n.t('must be gatewayDefault, allow or oneAtATime (got "{0}").', String(parallel)),
    );
  return {
    enabled: flag('tools.enabled', true),
    askBeforeReading: flag('tools.askBeforeReading', false),
    vscodeTools: flag('tools.vscodeTools', true),
    maxRounds,
    toolChoice,
    ...(parallel === 'allow'
      ? { parallelToolCalls: true }
      : parallel === 'oneAtATime'
        ? { parallelToolCalls: false }
        : {}),
  };
}

const IMAGE_SIDE_RANGE = { min: 64, max: 16_384 };

function readImageLimits(config: vscode.WorkspaceConfiguration, report: Report): ImageLimits {
  const side = (name: string, fallback: number): number => {
    const value = config.get<unknown>(name) ?? fallback;
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= IMAGE_SIDE_RANGE.min &&
      value <= IMAGE_SIDE_RANGE.max
    )
      return value;
    report(
      name,
      vscode.l10n.t('must be a whole number of pixels from {0} to {1}.', IMAGE_SIDE_RANGE.min, IMAGE_SIDE_RANGE.max),
    );
    return fallback;
  };
  return {
    ...DEFAULT_IMAGE_LIMITS,
    maxLongSide: side('images.maxLongSide', DEFAULT_IMAGE_LIMITS.maxLongSide),
    maxShortSideHigh: side('images.maxShortSideHigh', DEFAULT_IMAGE_LIMITS.maxShortSideHigh),
  };
}

function baseUrlProblem(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return vscode.l10n.t('is not a URL: "{0}". Use the address of the gateway, like https://api.ofox.ai/v1.', baseUrl);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return vscode.l10n.t('must start with https:// or http://, not {0}', url.protocol);
  }
  if (url.username || url.password) {
    return vscode.l10n.t('must not contain a user name or password: use Gateway Chat: Set API Key.');
  }
  return undefined;
}

function readProvider(config: vscode.WorkspaceConfiguration, report: Report): ProviderPreferences | undefined {
  const routing = userSetting<string>(config, 'routing') ?? 'default';
  const fallback = userSetting<unknown>(config, 'fallbackModels') ?? [];
  let chosenRouting: ProviderPreferences['routing'];
  if (routing !== 'default') {
    if ((ROUTINGS as readonly string[]).includes(routing)) chosenRouting = routing as ProviderPreferences['routing'];
    else
      report(
        'routing',
        vscode.l10n.t('must be one of default, {0} (got "{1}").', ROUTINGS.join(', '), String(routing)),
      );
  }
  let models: string[] = [];
  if (!Array.isArray(fallback) || fallback.some((item) => typeof item !== 'string' || !item.trim())) {
    report('fallbackModels', vscode.l10n.t('must be a list of model ids.'));
  } else {
    models = fallback.map((item: string) => item.trim());
  }
  if (!chosenRouting && models.length === 0) return undefined;
  return { ...(chosenRouting ? { routing: chosenRouting } : {}), ...(models.length ? { fallback: models } : {}) };
}

function readModelOverride(value: unknown, model: string, report: Report): Partial<ModelProfile> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    report('modelOverrides', vscode.l10n.t('must be an object keyed by model id.'));
    return undefined;
  }
  // An exact key wins; otherwise the longest "prefix*" key that matches.
  const keys = Object.keys(value).filter(
    (key) => key === model || (key.endsWith('*') && model.startsWith(key.slice(0, -1))),
  );
  keys.sort((a, b) => (a === model ? -1 : b === model ? 1 : b.length - a.length));
  const key = keys[0];
  if (key === undefined) return undefined;
  const entry = value[key];
  if (!isPlainObject(entry)) {
    report('modelOverrides', vscode.l10n.t('entry "{0}" must be an object.', key));
    return undefined;
  }
  const override: { -readonly [K in keyof ModelProfile]?: ModelProfile[K] } = {};
  if (entry.maxTokensField !== undefined) {
    if (entry.maxTokensField === 'max_tokens' || entry.maxTokensField === 'max_completion_tokens')
      override.maxTokensField = entry.maxTokensField;
    else
      report(
        'modelOverrides',
        vscode.l10n.t('entry "{0}": maxTokensField must be max_tokens or max_completion_tokens.', key),
      );
  }
  if (entry.supportsTemperature !== undefined) {
    if (typeof entry.supportsTemperature === 'boolean') override.supportsTemperature = entry.supportsTemperature;
    else report('modelOverrides', vscode.l10n.t('entry "{0}": supportsTemperature must be true or false.', key));
  }
  if (entry.supportsTools !== undefined) {
    if (typeof entry.supportsTools === 'boolean') override.supportsTools = entry.supportsTools;
    else report('modelOverrides', vscode.l10n.t('entry "{0}": supportsTools must be true or false.', key));
  }
  return Object.keys(override).length ? override : undefined;
}

function readExtraBody(value: unknown, report: Report): Readonly<Record<string, unknown>> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    report('extraBody', vscode.l10n.t('must be a JSON object.'));
    return {};
  }
  const reserved = Object.keys(value).filter((key) => RESERVED_BODY_KEYS.includes(key));
  if (reserved.length)
    report('extraBody', vscode.l10n.t('cannot set {0}: these come from the chat itself.', reserved.join(', ')));
  return value;
}

function readHeaders(value: unknown, report: Report): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    report('headers', vscode.l10n.t('must be an object of header names and values.'));
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) report('headers', vscode.l10n.t('"{0}" is not a valid header name.', name));
    else if (RESERVED_HEADERS.includes(name.toLowerCase()))
      report('headers', vscode.l10n.t('cannot set {0}: the extension sets it.', name));
    else if (typeof headerValue !== 'string' || /[\r\n]/.test(headerValue))
      report('headers', vscode.l10n.t('the value of {0} must be one line of text.', name));
    else headers[name] = headerValue;
  }
  return headers;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface EditorConfiguration {
  /** Lines before and after the selection sent as context (a folder may set it; Restricted Mode ignores it). */
  readonly contextLines: number;
  /** The user's system prompt for editor commands; blank: the built-in one. */
  readonly systemPrompt: string;
  /** The user's task text per editor command, replacing the built-in one. */
  readonly templates: Readonly<Record<string, unknown>>;
}

/** The settings of the editor commands. */
export function readEditorConfiguration(): EditorConfiguration {
  const config = vscode.workspace.getConfiguration(SECTION);
  const contextLines = config.get<unknown>('editor.contextLines', 20);
  const systemPrompt = userSetting<unknown>(config, 'editor.systemPrompt');
  const templates = userSetting<unknown>(config, 'editor.promptTemplates');
  return {
    contextLines: typeof contextLines === 'number' && contextLines >= 0 ? Math.min(contextLines, 500) : 20,
    systemPrompt: typeof systemPrompt === 'string' ? systemPrompt : '',
    templates: isPlainObject(templates) ? templates : {},
  };
}

export interface ReviewConfiguration {
  /** `gatewayChat.inlineEdit.review` for the document. */
  readonly review: 'auto' | 'inline' | 'diffEditor';
  /** Whether VS Code auto-saves the document (`files.autoSave` is not "off"). */
  readonly autoSave: boolean;
}

/** How an edit of `uri` is reviewed (settings of the document's folder apply). */
export function readReviewConfiguration(uri: vscode.Uri): ReviewConfiguration {
  const review = vscode.workspace.getConfiguration(SECTION, uri).get<string>('inlineEdit.review', 'auto');
  const autoSave = vscode.workspace.getConfiguration('files', uri).get<string>('autoSave', 'off');
  return {
    review: review === 'inline' || review === 'diffEditor' ? review : 'auto',
    autoSave: autoSave !== 'off',
  };
}

/**
 * The user-only settings that the workspace or one of its folders sets, as VS Code reports them (it already drops
 * machine-scoped ones from folder files; a fork or older build may not). These values are never read.
 */
export function userOnlySettingsSetByFolders(): UserOnlySetting[] {
  const scopes = [undefined, ...(vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri)];
  return USER_ONLY_SETTINGS.filter((name) =>
    scopes.some((scope) => setByFolder(vscode.workspace.getConfiguration(SECTION, scope).inspect(name))),
  );
}

export function affectsChatConfiguration(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}

/**
 * Whether project instructions (`AGENTS.md`…) go with chat requests (`gatewayChat.projectInstructions`): the user's
 * choice only, as for the system prompt (a repository cannot decide whether its own text reaches the model).
 */
export function readProjectInstructionsSetting(): boolean {
  return userSetting<unknown>(vscode.workspace.getConfiguration(SECTION), 'projectInstructions') !== false;
}
