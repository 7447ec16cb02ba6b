/**
 * Settings a folder must not set. A cloned repository's `.vscode/settings.json` (or a `.code-workspace` file) is
 * written by whoever wrote the repository: if it could set where requests go, which headers and body fields they
 * carry, what the model is told or which model is billed, opening the folder would be enough to send the user's
 * questions (and API key) to its server, to run up their bill, or to slip instructions into their refactors.
 *
 * These settings are therefore read from the user's own settings only (user settings, remote-machine settings, or the
 * default). package.json gives them `"scope": "machine"`, which makes VS Code ignore them in workspace and folder
 * settings while still allowing a different value per remote machine (a gateway on the remote host); the extension
 * also reads them through `userChosenValue`, because forks and older builds may not enforce scopes.
 */

export const USER_ONLY_SETTINGS = [
  /** Where every request, and the API key with it, goes. */
  'baseUrl',
  /** Which model is billed. */
  'model',
  /** What the model is told in the chat. */
  'systemPrompt',
  /** Which providers (and prices) the gateway picks. */
  'routing',
  /** Models billed when the first one fails; never shown in the panel. */
  'fallbackModels',
  /** How requests are shaped for a model. */
  'modelOverrides',
  /** Body fields added to every request (they can cost money). */
  'extraBody',
  /** Headers added to every request, the model list included. */
  'headers',
  /** What the model is told for editor commands. */
  'editor.systemPrompt',
  /** The task text of each editor command. */
  'editor.promptTemplates',
  /** How much one stream event may hold in memory: a folder raising it would undo the cap. */
  'maxEventMiB',
  /** Whether the model is offered tools at all: a folder must not turn on what the user turned off. */
  'tools.enabled',
  /** Whether reading the workspace is asked about first. */
  'tools.askBeforeReading',
  /** How many billed requests one reply may make. */
  'tools.maxRounds',
  /** Whether the model must call tools. */
  'tools.toolChoice',
  'tools.parallelToolCalls',
  /** Whether the model is offered the tools other extensions (and MCP servers) give VS Code. */
  'tools.vscodeTools',
  /** Whether a repository's own instructions (`AGENTS.md`…) are sent to the model. */
  'projectInstructions',
] as const;

export type UserOnlySetting = (typeof USER_ONLY_SETTINGS)[number];

/**
 * Settings a folder may still set (a project can want its own sampling or context size) but that change what is sent
 * or what it costs: package.json lists them in `restrictedConfigurations`, so in Restricted Mode (a folder the user
 * has not trusted) VS Code ignores the folder's values.
 */
export const RESTRICTED_SETTINGS = [
  'temperature',
  'topP',
  'maxTokens',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'stop',
  'reasoningEffort',
  'editor.contextLines',
  'images.maxLongSide',
  'images.maxShortSideHigh',
] as const;

/** The part of VS Code's `WorkspaceConfiguration.inspect()` result this module reads. */
export interface InspectedSetting<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

/** The value the user chose: their own (user or remote-machine) settings, else the default; never a folder's. */
export function userChosenValue<T>(inspected: InspectedSetting<T> | undefined): T | undefined {
  if (!inspected) return undefined;
  return inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue;
}

/** Whether the workspace or a folder sets a value (which `userChosenValue` ignores). */
export function setByFolder(inspected: InspectedSetting<unknown> | undefined): boolean {
  return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
}

/**
 * The user-only settings of `section` that a settings file sets: dotted keys (`"gatewayChat.baseUrl"`), the nested
 * form (`"gatewayChat": { "baseUrl": … }`), and both inside language blocks (`"[python]": { … }`). With
 * `workspaceFile` the settings are those under the `settings` key of a `.code-workspace` file. A file that is not
 * valid JSON with comments is searched for dotted keys, as VS Code reads what it can of a broken file.
 */
export function userOnlySettingsIn(
  text: string,
  section: string,
  options: { readonly workspaceFile?: boolean } = {},
): UserOnlySetting[] {
  const parsed = parseJsonWithComments(text);
  if (parsed === undefined) return scanDottedKeys(text, section);
  const settings = options.workspaceFile ? (isRecord(parsed) ? parsed.settings : undefined) : parsed;
  const names = new Map(USER_ONLY_SETTINGS.map((name) => [`${section}.${name}`, name]));
  // The keys of the nested form: "gatewayChat", "gatewayChat.editor".
  const parents = new Set<string>();
  for (const key of names.keys()) {
    const parts = key.split('.');
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join('.'));
  }
  const found = new Set<UserOnlySetting>();
  const visit = (value: unknown, prefix: string, languageBlocks: boolean) => {
    if (!isRecord(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (languageBlocks && key.startsWith('[') && key.endsWith(']')) {
        visit(child, '', false);
        continue;
      }
      const path = prefix ? `${prefix}.${key}` : key;
      const name = names.get(path);
      if (name) found.add(name);
      else if (parents.has(path)) visit(child, path, false);
    }
  };
  visit(settings, '', true);
  return USER_ONLY_SETTINGS.filter((name) => found.has(name));
}

function scanDottedKeys(text: string, section: string): UserOnlySetting[] {
  return USER_ONLY_SETTINGS.filter((name) => text.includes(`"${section}.${name}"`));
}

/**
 * Parses JSON with comments and trailing commas (how VS Code writes settings files); `undefined` when it is not that.
 * Strings are copied as they are, so `//` or `,}` inside a value is kept. Linear in the length of the text.
 */
export function parseJsonWithComments(text: string): unknown {
  let unterminatedComment = false;
  const withoutComments = copyOutsideStrings(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, (rest, i) => {
    if (rest[i] !== '/' || (rest[i + 1] !== '/' && rest[i + 1] !== '*')) return undefined;
    const end = rest[i + 1] === '/' ? rest.indexOf('\n', i) : rest.indexOf('*/', i + 2);
    if (end < 0) {
      unterminatedComment = rest[i + 1] === '*';
      return { skip: rest.length - i, put: '' };
    }
    return rest[i + 1] === '/' ? { skip: end - i, put: '' } : { skip: end + 2 - i, put: ' ' };
  });
  if (unterminatedComment) return undefined;
  const json = copyOutsideStrings(withoutComments, (rest, i) => {
    if (rest[i] !== ',') return undefined;
    let next = i + 1;
    while (next < rest.length && /\s/.test(rest[next])) next++;
    return rest[next] === '}' || rest[next] === ']' ? { skip: 1, put: '' } : undefined;
  });
  if (!json.trim()) return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** Copies `text`, letting `replace` drop or change what starts at an index outside a string literal. */
function copyOutsideStrings(
  text: string,
  replace: (text: string, index: number) => { readonly skip: number; readonly put: string } | undefined,
): string {
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    const change = replace(text, i);
    if (!change) {
      i++;
      continue;
    }
    parts.push(text.slice(copied, i), change.put);
    i += change.skip;
    copied = i;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * The settings of `file` not yet reported (`told` holds `file#name` entries of earlier notices), and the entries to
 * remember once they are: each setting of each file is reported once.
 */
export function untoldSettings(
  file: string,
  names: readonly string[],
  told: readonly string[],
): { readonly names: string[]; readonly entries: string[] } {
  const fresh = names.filter((name) => !told.includes(`${file}#${name}`));
  return { names: fresh, entries: fresh.map((name) => `${file}#${name}`) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
