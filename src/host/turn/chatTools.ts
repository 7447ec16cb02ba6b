/**
 * The tools one chat turn offers the model: the workspace tools this window may offer (read-only ones in Restricted
 * Mode and virtual workspaces), none when the user turned tools off or the model does not take them. Read once when
 * the turn starts, so every round of it offers the same tools.
 */
import * as vscode from 'vscode';
import type { ToolCall } from '../../core/chatTypes';
import type { CatalogEntryLike, ModelProfile } from '../../core/modelProfile';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { workspaceToolbox } from '../../core/tools/workspaceToolbox';
import { isWorkspaceToolName } from '../../core/tools/workspaceTools';
import { toolsToOffer } from '../../core/turn/turnRequest';
import type { TurnToolbox } from '../../core/turn/turnTypes';
import type { ToolSettings } from '../configuration';
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
}

export function chatTurnTools(options: {
  readonly settings: ToolSettings;
  readonly catalogEntry?: CatalogEntryLike;
  readonly modelProfile: ModelProfile;
  /** Tools the user allowed for the rest of this conversation. */
  readonly allowed: ReadonlySet<string>;
  readonly runner: WorkspaceToolRunner;
}): TurnTools {
  const { settings, runner } = options;
  const offer = currentToolOffer();
  const workspace = workspaceToolbox({
    acting: offer.acting,
    folders: vscode.workspace.workspaceFolders ?? [],
    askBeforeReadOnly: settings.askBeforeReading,
    allowedForConversation: options.allowed,
  });
  const { tools, skipped } = toolsToOffer({
    enabled: settings.enabled,
    definitions: workspace.definitions,
    ...(options.catalogEntry ? { catalogEntry: options.catalogEntry } : {}),
    ...(options.modelProfile.supportsTools !== undefined
      ? { modelTakesTools: options.modelProfile.supportsTools }
      : {}),
  });
  const toolbox: TurnToolbox | undefined = tools.length > 0 ? { ...workspace, definitions: tools } : undefined;
  return {
    ...(toolbox ? { toolbox } : {}),
    skipped,
    async run(call, args, signal) {
      if (!isWorkspaceToolName(call.function.name))
        throw new ToolError(`There is no tool named ${call.function.name}.`);
      const source = new vscode.CancellationTokenSource();
      const cancel = () => source.cancel();
      signal.addEventListener('abort', cancel);
      try {
        if (signal.aborted) source.cancel();
        return await runner.run(args as WorkspaceToolRequest, source.token);
      } finally {
        signal.removeEventListener('abort', cancel);
        source.dispose();
      }
    },
  };
}
