/**
 * `get_git_diff` through the built-in Git extension (`vscode.git`, API 1): the diff of each repository of the
 * workspace, unstaged or staged, kept to the files inside the workspace folders (a repository may reach beyond them)
 * or under the path asked for, with the untracked files named (`git diff` does not show them).
 */
import * as vscode from 'vscode';
import { READ_LIMITS } from '../../core/tools/readLimits';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { splitGitDiff } from '../../core/tools/unifiedDiff';
import { UNTRACKED, type GitApi, type GitExtension, type GitRepository } from './gitApi';
import { relativeTo, resolvePath, shownPathOf, throwIfCancelled, ToolError, workspaceFolders } from './workspaceUris';

type Request = Extract<WorkspaceToolRequest, { tool: 'get_git_diff' }>;

/** How long to wait for the Git extension to find its repositories, once. */
const GIT_READY_MS = 5000;

export async function getGitDiff(request: Request, token: vscode.CancellationToken): Promise<string> {
  const git = await gitApi();
  const target = request.path ? resolvePath(request.path) : undefined;
  const repositories = target
    ? [git.getRepository(target.uri)].filter((repository): repository is GitRepository => repository !== null)
    : git.repositories.filter(touchesWorkspace);
  if (repositories.length === 0)
    return target
      ? `${target.shown} is not in a git repository that VS Code has open.`
      : 'No git repository is open in the workspace (VS Code found none, or Git is not set up for these folders).';

  const kind = request.staged ? 'staged' : 'unstaged';
  const parts: string[] = [];
  let budget = READ_LIMITS.maxDiffChars;
  let cut = false;
  for (const repository of repositories) {
    throwIfCancelled(token);
    const keep = (uri: vscode.Uri) =>
      target ? relativeTo(target.uri, uri) !== undefined : shownPathOf(uri) !== undefined;
    const where = shownPathOf(repository.rootUri) ?? 'a folder that holds the workspace';
    await repository.status().then(undefined, () => undefined);
    const sections = splitGitDiff(await repository.diff(request.staged)).filter((section) =>
      section.paths.some((path) => keep(vscode.Uri.joinPath(repository.rootUri, ...path.split('/')))),
    );
    const untracked = request.staged
      ? []
      : untrackedFiles(repository)
          .filter(keep)
          .map((uri) => shownPathOf(uri) ?? uri.path);
    const heading =
      sections.length === 0
        ? `No ${kind} changes in the repository at ${where}${target ? ` under ${target.shown}` : ''}.`
        : `The ${kind} changes in the repository at ${where} (${sections.length} ${sections.length === 1 ? 'file' : 'files'}; paths in the diff are relative to the repository):`;
    parts.push(heading);
    for (const section of sections) {
      if (section.text.length + 1 > budget) {
        cut = true;
        continue;
      }
      parts.push(section.text);
      budget -= section.text.length + 1;
    }
    if (untracked.length > 0)
      parts.push(`New files that git does not track yet (not in the diff): ${untracked.slice(0, 100).join(', ')}`);
  }
  if (cut)
    parts.push(
      `[The diff was cut at ${READ_LIMITS.maxDiffChars} characters: some files are left out. ` +
        'Ask for one file or folder with "path" to see its changes.]',
    );
  return parts.join('\n');
}

async function gitApi(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) throw new ToolError('Git is not available: the built-in Git extension is missing or disabled.');
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports?.enabled) throw new ToolError('Git is turned off in VS Code (the setting git.enabled).');
  const api = exports.getAPI(1);
  if (api.state === 'uninitialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, GIT_READY_MS);
      const listener = api.onDidChangeState((state) => state === 'initialized' && done());
      function done() {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    });
  }
  return api;
}

/** A repository at, inside or around a workspace folder. */
function touchesWorkspace(repository: GitRepository): boolean {
  return workspaceFolders().some(
    (folder) =>
      relativeTo(folder.uri, repository.rootUri) !== undefined ||
      relativeTo(repository.rootUri, folder.uri) !== undefined,
  );
}

function untrackedFiles(repository: GitRepository): vscode.Uri[] {
  const changes = [...repository.state.workingTreeChanges, ...(repository.state.untrackedChanges ?? [])];
  return changes.filter((change) => change.status === UNTRACKED).map((change) => change.uri);
}
