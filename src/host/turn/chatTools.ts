/**
 * The tools one chat turn offers the model: the workspace tools this window may offer (read-only ones in Restricted
 * Mode and virtual workspaces) and the tools other extensions and MCP servers give VS Code (always asked about, never
 * in Restricted Mode or a virtual workspace, as they may act), none when the user turned tools off or the model does
 * not take them. Read once when the turn starts, so every round of it offers the same tools.
 */
import * as vscode from 'vscode';
import type { ToolCall } from '../../core/chatTypes';
import type { CatalogEntryLike, ModelProfile } from '../../core/modelProfile';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { workspaceToolbox } from '../../core/tools/workspaceToolbox';
import { isWorkspaceToolName } from '../../core/tools/workspaceTools';
import { toolsToOffer } from '../../core/turn/turnRequest';
import type { TurnToolbox } from '../../core/turn/turnTypes';
import { combineToolboxes } from '../../core/tools/combinedToolbox';
import type { Logger } from '../../core/logger';
import type { ToolSettings } from '../configuration';
import { vscodeToolbox } from '../tools/vscodeToolbox';
import { currentToolOffer } from '../tools/toolOffer';
import type { WorkspaceToolRunner } from '../tools/workspaceToolRunner';
import { ToolError } from '../tools/workspaceUris';

export interface TurnTools {
  /** Undefined when no tool is offered. */
  readonly toolbox?: TurnToolbox;
  /** Runs an allowed call (arguments as the toolbox checked them); rejects with the reason on failure or Stop. */
  run(call: ToolCall, args: unknown, signal: AbortSignal): Promise<string>;
  /** Names left out because the API would refuse them (for the log). */
  readonly skipped: readonly string[];
  /** For a tool another extension gives VS Code: its name there (the approval card names it). */
  vscodeToolName(name: string): string | undefined;
}

export function chatTurnTools(options: {
  readonly settings: ToolSettings;
  readonly catalogEntry?: CatalogEntryLike;
  readonly modelProfile: ModelProfile;
  /** Tools the user allowed for the rest of this conversation. */
  readonly allowed: ReadonlySet<string>;
  readonly runner: WorkspaceToolRunner;
  readonly log: Logger;
  /** What a VS Code tool answers or throws passes through it before the model reads it. */
  readonly redact: (text: string) => string;
}): TurnTools {
  const { settings, runner } = options;
  const offer = currentToolOffer();
  const workspace = workspaceToolbox({
    acting: offer.acting,
    folders: vscode.workspace.workspaceFolders ?? [],
    askBeforeReadOnly: settings.askBeforeReading,
    allowedForConversation: options.allowed,
  });
  const vscodeTools = vscodeToolbox(
    {
      enabled: settings.enabled && settings.vscodeTools && offer.acting,
      allowedForConversation: options.allowed,
      redact: options.redact,
    },
    options.log,
  );
  const combined = vscodeTools ? combineToolboxes(workspace, vscodeTools.toolbox) : workspace;
  const { tools, skipped } = toolsToOffer({
    enabled: settings.enabled,
    definitions: combined.definitions,
    ...(options.catalogEntry ? { catalogEntry: options.catalogEntry } : {}),
    ...(options.modelProfile.supportsTools !== undefined
      ? { modelTakesTools: options.modelProfile.supportsTools }
      : {}),
  });
  const toolbox: TurnToolbox | undefined = tools.length > 0 ? { ...combined, definitions: tools } : undefined;
  const offered = new Set(tools.map((tool) => tool.function.name));
  return {
    ...(toolbox ? { toolbox } : {}),
    skipped,
    vscodeToolName: (name) => (offered.has(name) ? vscodeTools?.realName(name) : undefined),
    async run(call, args, signal) {
      const { name } = call.function;
      if (!offered.has(name)) throw new ToolError(`There is no tool named ${name}.`);
      return withToken(signal, (token) => {
        if (vscodeTools?.has(name)) return vscodeTools.invoke(name, args, token);
        if (!isWorkspaceToolName(name)) throw new ToolError(`There is no tool named ${name}.`);
        return runner.run(args as WorkspaceToolRequest, token);
      });
    },
  };
}

/** Runs `work` with a cancellation token that Stop (`signal`) cancels. */
async function withToken<T>(signal: AbortSignal, work: (token: vscode.CancellationToken) => Promise<T>): Promise<T> {
  const source = new vscode.CancellationTokenSource();
  const cancel = () => source.cancel();
  signal.addEventListener('abort', cancel);
  try {
    if (signal.aborted) source.cancel();
    return await work(source.token);
  } finally {
    signal.removeEventListener('abort', cancel);
    source.dispose();
  }
}
