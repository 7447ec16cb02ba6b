/**
 * Which workspace tools a workspace may be offered. Acting tools (edits, the terminal) need a workspace the user
 * trusts, on a real file system: in Restricted Mode a repository's content must not be able to run anything, and a
 * virtual workspace (a remote repository browsed without a checkout) has no shell and no local files.
 */
import { ACTING_TOOL_NAMES, READ_ONLY_TOOL_NAMES, type WorkspaceToolName } from './workspaceTools';

export interface WorkspaceState {
  /** `vscode.workspace.isTrusted`. */
  readonly trusted: boolean;
  /** The URI scheme of each workspace folder (`file` on disk, also in a remote window's extension host). */
  readonly folderSchemes: readonly string[];
}

export interface ToolOffer {
  /** Whether acting tools are offered (`workspaceToolbox`'s `acting`). */
  readonly acting: boolean;
  readonly tools: readonly WorkspaceToolName[];
  /** Why acting tools are not offered. */
  readonly withheldBecause?: 'restrictedMode' | 'virtualWorkspace';
}

export function workspaceToolOffer(state: WorkspaceState): ToolOffer {
  const readOnly = { acting: false, tools: [...READ_ONLY_TOOL_NAMES] } as const;
  if (!state.trusted) return { ...readOnly, withheldBecause: 'restrictedMode' };
  if (state.folderSchemes.some((scheme) => scheme !== 'file'))
    return { ...readOnly, withheldBecause: 'virtualWorkspace' };
  return { acting: true, tools: [...READ_ONLY_TOOL_NAMES, ...ACTING_TOOL_NAMES] };
}
