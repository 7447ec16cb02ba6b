/**
 * What the tools leave out of a workspace folder, as the user set it up: `files.exclude` (what the Explorer hides),
 * for searches also `search.exclude`, and the `.gitignore` files (unless `search.useIgnoreFiles` is off, the user's
 * own choice for searches). `workspace.findFiles` takes one exclude pattern that replaces `files.exclude` when given,
 * so the pattern given to it holds all three; the exact check runs again on each result.
 */
import * as vscode from 'vscode';
import { GitignoreRules, type GitignoreFile } from '../../core/tools/gitignore';
import { enabledPatterns, GlobSet } from '../../core/tools/globMatch';
import { READ_LIMITS } from '../../core/tools/readLimits';
import { decodeFileText } from '../../core/tools/textContent';
import { relativeTo } from './workspaceUris';

export class FolderFilters {
  private constructor(
    private readonly excludes: GlobSet,
    private readonly gitignore: GitignoreRules,
  ) {}

  /** For a listing: `files.exclude` and the `.gitignore` files from the folder's top down to `segments`. */
  static async forListing(folder: vscode.WorkspaceFolder, segments: readonly string[]): Promise<FolderFilters> {
    const excludes = new GlobSet(enabledPatterns(vscode.workspace.getConfiguration('files', folder).get('exclude')));
    const files: GitignoreFile[] = [];
    for (let n = 0; n <= segments.length; n++) {
      const at = segments.slice(0, n);
      const text = await readSmallText(vscode.Uri.joinPath(folder.uri, ...at, '.gitignore'));
      if (text !== undefined) files.push({ folder: at.join('/'), text });
    }
    return new FolderFilters(excludes, new GitignoreRules(files));
  }

  /** For finding and searching: `files.exclude`, `search.exclude` and every `.gitignore` of the folder. */
  static async forSearch(folder: vscode.WorkspaceFolder, token: vscode.CancellationToken): Promise<FolderFilters> {
    const patterns = [
      ...enabledPatterns(vscode.workspace.getConfiguration('files', folder).get('exclude')),
      ...enabledPatterns(vscode.workspace.getConfiguration('search', folder).get('exclude')),
    ];
    const excludes = new GlobSet(patterns);
    const useIgnoreFiles = vscode.workspace.getConfiguration('search', folder).get<boolean>('useIgnoreFiles') ?? true;
    const files: GitignoreFile[] = [];
    if (useIgnoreFiles) {
      const found = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, '**/.gitignore'),
        excludes.toExcludeGlob() ?? null,
        READ_LIMITS.maxGitignoreFiles,
        token,
      );
      for (const uri of found) {
        const relative = relativeTo(folder.uri, uri);
        const text = relative === undefined ? undefined : await readSmallText(uri);
        if (relative !== undefined && text !== undefined)
          files.push({ folder: relative.split('/').slice(0, -1).join('/'), text });
      }
    }
    return new FolderFilters(excludes, new GitignoreRules(files));
  }

  /** Whether the path (relative to the folder) is excluded by a setting or ignored by a `.gitignore`. */
  leavesOut(relativePath: string, isFolder = false): boolean {
    return this.excludes.matches(relativePath) || this.gitignore.isIgnored(relativePath, isFolder);
  }

  /** The exclude argument of `findFiles` (`null`: nothing to exclude, not even the default `files.exclude`). */
  get findFilesExclude(): string | null {
    const ignored = this.gitignore.toExcludeGlobs() ?? [];
    return new GlobSet([...this.excludes.patterns, ...ignored]).toExcludeGlob() ?? null;
  }

  /** Whether `findFilesExclude` already leaves out everything `leavesOut` does (so a result limit is not wasted). */
  get excludeIsComplete(): boolean {
    return this.gitignore.isEmpty || this.gitignore.toExcludeGlobs() !== undefined;
  }
}

/** A small text file's text, or undefined when it is missing, large or binary. */
async function readSmallText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > 1024 * 1024) return undefined;
    const decoded = decodeFileText(bytes);
    return decoded.kind === 'text' ? decoded.text : undefined;
  } catch {
    return undefined;
  }
}
