/**
 * Symbolic links may lead out of the workspace: `docs -> /etc` makes `docs/passwd` look like a workspace path. The
 * path guard cannot see links; this can. On disk (the `file` scheme, with Node) the real path is resolved and must lie
 * inside a workspace folder's real path (a link to another workspace folder is fine). Elsewhere (virtual file
 * systems, the web build) a link cannot be resolved, so a path through any link is refused.
 */
import * as vscode from 'vscode';
import { realPaths } from './realPath';
import { ToolError, workspaceFolders } from './workspaceUris';

export class LinkGuard {
  private folderRealPaths: Promise<string[]> | undefined;
  /** Per URI: the verdict of a `stat` walk (the web build and virtual file systems). */
  private readonly linkFree = new Map<string, Promise<boolean>>();

  /** Throws when `uri` is reached through a link that leaves the workspace (or any link, where links cannot be read). */
  async assertInside(uri: vscode.Uri, folder: vscode.Uri, shown: string): Promise<void> {
    if (!(await this.isInside(uri, folder)))
      throw new ToolError(
        `${shown} is reached through a symbolic link that leads outside the workspace folders, so it is not read.`,
      );
  }

  async isInside(uri: vscode.Uri, folder: vscode.Uri): Promise<boolean> {
    if (uri.scheme === 'file' && realPaths) {
      const real = await realPaths.resolve(uri.fsPath);
      if (real === undefined) return true; // nothing there: the caller says so
      const roots = await this.roots();
      return roots.some((root) => realPaths?.contains(root, real));
    }
    return this.noLinkBetween(folder, uri);
  }

  private roots(): Promise<string[]> {
    this.folderRealPaths ??= Promise.all(
      workspaceFolders()
        .filter((folder) => folder.uri.scheme === 'file')
        .map(async (folder) => (await realPaths?.resolve(folder.uri.fsPath)) ?? folder.uri.fsPath),
    );
    return this.folderRealPaths;
  }

  /** True when no entry from below `folder` down to `uri` is a symbolic link. */
  private noLinkBetween(folder: vscode.Uri, uri: vscode.Uri): Promise<boolean> {
    const key = uri.toString();
    let verdict = this.linkFree.get(key);
    if (!verdict) {
      verdict = (async () => {
        if (uri.path.replace(/\/+$/, '') === folder.path.replace(/\/+$/, '')) return true;
        const parent = uri.with({ path: uri.path.replace(/\/[^/]*\/?$/, '') || '/' });
        if (parent.path.length < folder.path.replace(/\/+$/, '').length) return true;
        if (!(await this.noLinkBetween(folder, parent))) return false;
        try {
          const stat = await vscode.workspace.fs.stat(uri);
          return (stat.type & vscode.FileType.SymbolicLink) === 0;
        } catch {
          return true; // nothing there: the caller says so
        }
      })();
      this.linkFree.set(key, verdict);
    }
    return verdict;
  }
}
