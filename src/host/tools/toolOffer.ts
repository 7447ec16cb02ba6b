/** Which workspace tools this window may offer the model, from its trust and its folders (see core/tools/toolOffer). */
import * as vscode from 'vscode';
import { workspaceToolOffer, type ToolOffer } from '../../core/tools/toolOffer';

export function currentToolOffer(): ToolOffer {
  return workspaceToolOffer({
    trusted: vscode.workspace.isTrusted,
    folderSchemes: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.scheme),
  });
}
