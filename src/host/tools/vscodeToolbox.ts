/**
 * The tools other extensions give VS Code (`vscode.lm.tools`, MCP servers' tools among them) as a turn's toolbox, and
 * the way to run one of them (`vscode.lm.invokeTool`). Every call is asked about first, unless the user allowed that
 * tool for the conversation: what such a tool does is its extension's business, and nothing here can tell a harmless
 * one from one that acts.
 *
 * Not offered when the user turned them off (`gatewayChat.tools.vscodeTools`), in Restricted Mode (a tool may act,
 * and only read-only tools are offered there), or where this VS Code has no `vscode.lm.tools` (older builds, forks).
 * Which tools, under which names, and what is left out: core/tools/vscodeToolCatalog.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import {
  buildVscodeToolCatalog,
  vscodeCatalogToolbox,
  VSCODE_TOOL_LIMITS,
  type LeftOutTool,
  type VscodeToolCatalog,
  type VscodeToolInfo,
} from '../../core/tools/vscodeToolCatalog';
import { vscodeToolAnswer } from '../../core/tools/vscodeToolResult';
import { ACTING_TOOL_NAMES, READ_ONLY_TOOL_NAMES } from '../../core/tools/workspaceTools';
import type { TurnToolbox } from '../../core/turn/turnTypes';

export interface VscodeToolboxSettings {
  /** `tools.enabled && tools.vscodeTools` of the configuration snapshot (`readConfiguration().tools`). */
  readonly enabled: boolean;
  /** `vscode.workspace.isTrusted` unless given. */
  readonly trusted?: boolean;
  /** Names (as the model calls them) the user allowed for the rest of this conversation. */
  readonly allowedForConversation?: ReadonlySet<string>;
  /** The extension's redactor: what a tool answers or throws passes through it before the model reads it. */
  readonly redact?: (text: string) => string;
}

export interface VscodeTools {
  readonly toolbox: TurnToolbox;
  /** Whether `name` is one of these tools (as the model calls it): its `runTool` goes to `invoke`. */
  has(name: string): boolean;
  /** The tool's name in VS Code (for the approval card and the log), when it differs from the one the model calls. */
  realName(name: string): string | undefined;
  /**
   * Runs a call (name as the model called it, arguments as the turn checked them) and answers with the text for the
   * model. Throws an `Error` whose message is the tool's error, redacted, when the tool fails or answers with an
   * error; a `vscode.CancellationError` when the token was cancelled.
   */
  invoke(name: string, args: unknown, token: vscode.CancellationToken): Promise<string>;
}

type LmApi = Pick<typeof vscode.lm, 'tools' | 'invokeTool'>;

/** `vscode.lm` when this VS Code has tools (1.95 does; older builds and some forks do not). */
function languageModelApi(): LmApi | undefined {
  try {
    const lm = (vscode as { lm?: Partial<LmApi> }).lm;
    if (!lm || !Array.isArray(lm.tools) || typeof lm.invokeTool !== 'function') return undefined;
    return lm as LmApi;
  } catch {
    return undefined;
  }
}

const WORKSPACE_TOOL_NAMES: readonly string[] = [...READ_ONLY_TOOL_NAMES, ...ACTING_TOOL_NAMES];

/** The catalog of the last list VS Code gave (it is the same list until a tool comes or goes): built, logged once. */
let cached: { tools: readonly vscode.LanguageModelToolInformation[]; catalog: VscodeToolCatalog } | undefined;

function catalogOf(tools: readonly vscode.LanguageModelToolInformation[], log: Logger): VscodeToolCatalog {
  if (cached && sameList(cached.tools, tools)) return cached.catalog;
  const infos: VscodeToolInfo[] = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    tags: tool.tags ?? [],
  }));
  const catalog = buildVscodeToolCatalog(infos, {
    reservedNames: WORKSPACE_TOOL_NAMES,
    contributedNames: contributedToolNames(),
  });
  cached = { tools: [...tools], catalog };
  logCatalog(catalog, log);
  return catalog;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** The tool names the extensions of this window declare (`contributes.languageModelTools`). */
function contributedToolNames(): Set<string> {
  const names = new Set<string>();
  for (const extension of vscode.extensions.all) {
    const contributes = (extension.packageJSON as { contributes?: { languageModelTools?: unknown } } | undefined)
      ?.contributes;
    const tools = contributes?.languageModelTools;
    if (!Array.isArray(tools)) continue;
    for (const tool of tools) {
      const name = (tool as { name?: unknown } | null)?.name;
      if (typeof name === 'string') names.add(name);
    }
  }
  return names;
}

function logCatalog(catalog: VscodeToolCatalog, log: Logger): void {
  const renamed = [...catalog.realNames].filter(([call, real]) => call !== real);
  log.info(
    `VS Code tools offered to the model: ${catalog.definitions.length}` +
      (renamed.length ? ` (renamed: ${renamed.map(([call, real]) => `${real} as ${call}`).join(', ')})` : ''),
  );
  for (const tool of catalog.leftOut) {
    const line = leftOutLine(tool);
    if (tool.reason === 'otherChat') log.debug(line);
    else log.info(line);
  }
}

function leftOutLine(tool: LeftOutTool): string {
  const name = `VS Code tool "${tool.name}" is not offered:`;
  switch (tool.reason) {
    case 'otherChat':
      return `${name} it belongs to VS Code's own chat (no extension declares it and no MCP server gives it).`;
    case 'schemaTooLarge':
      return `${name} its input schema is ${tool.bytes} bytes of JSON, more than ${VSCODE_TOOL_LIMITS.maxSchemaBytes}.`;
    case 'schemaNotObject':
      return `${name} its input schema does not describe an object.`;
    case 'schemaInvalid':
      return `${name} its input schema cannot be written as JSON.`;
    case 'tooMany':
      return `${name} more than ${VSCODE_TOOL_LIMITS.maxTools} tools are offered at most.`;
  }
}

/**
 * The tools of VS Code to offer in this turn, or undefined when there are none (or they are off, or this VS Code has
 * no tools API). Call it per turn: the list changes as extensions and MCP servers come and go.
 */
export function vscodeToolbox(settings: VscodeToolboxSettings, log: Logger): VscodeTools | undefined {
  if (!settings.enabled) return undefined;
  if (!(settings.trusted ?? vscode.workspace.isTrusted)) return undefined;
  const lm = languageModelApi();
  if (!lm) return undefined;
  const catalog = catalogOf(lm.tools, log);
  if (catalog.definitions.length === 0) return undefined;
  const { realNames } = catalog;
  const redact = settings.redact ?? ((text: string) => text);

  return {
    toolbox: vscodeCatalogToolbox(catalog, settings.allowedForConversation),
    has: (name) => realNames.has(name),
    realName: (name) => realNames.get(name),
    async invoke(name, args, token) {
      const realName = realNames.get(name);
      if (!realName) throw new Error(`There is no tool named "${name}".`);
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      let result: vscode.LanguageModelToolResult;
      try {
        result = await lm.invokeTool(
          realName,
          { input: (args ?? {}) as object, toolInvocationToken: undefined },
          token,
        );
      } catch (error) {
        if (token.isCancellationRequested || error instanceof vscode.CancellationError)
          throw new vscode.CancellationError();
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(redact(message || `The tool "${name}" failed.`));
      }
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      const answer = vscodeToolAnswer(result);
      if (!answer.ok) throw new Error(redact(answer.text));
      return redact(answer.text);
    },
  };
}
