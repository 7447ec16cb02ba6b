/**
 * The workspace tools as a turn's toolbox: their definitions, their argument checks (paths through the workspace
 * guard) and the approval policy. Read-only tools run without asking unless the user asked to be asked; acting tools
 * are always asked about, unless the user allowed that tool for the conversation in an earlier approval.
 */
import type { TurnToolbox } from '../turn/turnTypes';
import { checkWorkspaceToolArguments } from './toolArguments';
import type { WorkspaceFolderLike } from './workspacePath';
import { isReadOnlyToolName, isWorkspaceToolName, workspaceToolDefinitions } from './workspaceTools';

export interface WorkspaceToolboxOptions {
  /** False in Restricted Mode and virtual workspaces: only read-only tools are offered. */
  readonly acting: boolean;
  readonly folders: readonly WorkspaceFolderLike[];
  /** Ask before read-only tools too (a setting). */
  readonly askBeforeReadOnly?: boolean;
  /** Tool names the user allowed for the rest of this conversation. */
  readonly allowedForConversation?: ReadonlySet<string>;
}

export function workspaceToolbox(options: WorkspaceToolboxOptions): TurnToolbox {
  const context = { folders: options.folders };
  return {
    definitions: workspaceToolDefinitions({ acting: options.acting }),
    checkArguments(name, args) {
      if (!isWorkspaceToolName(name)) return { ok: false, problem: `There is no workspace tool named "${name}".` };
      return checkWorkspaceToolArguments(name, args, context);
    },
    needsApproval(name) {
      if (options.allowedForConversation?.has(name)) return false;
      return !isReadOnlyToolName(name) || options.askBeforeReadOnly === true;
    },
  };
}
