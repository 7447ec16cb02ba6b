/**
 * Reads what the `#`-mentions of a message name, when the message is sent: a file's numbered lines, the editor's
 * selection, the problems, the git diff, the open editors. It goes through the workspace tools' own readers, so the
 * same rules hold as for the model's calls: paths inside the workspace folders only (no `..`, no link leading out),
 * no devices or pipes, no binary files, the tools' size limits, secrets masked by the extension's redactor.
 *
 * A mention that cannot be read is a problem the user is told about; the message is then not sent (the panel keeps
 * it), so nothing the user attached is silently left out.
 */
import * as vscode from 'vscode';
import type { ContextItem } from '../../core/conversation';
import { checkWorkspacePath } from '../../core/tools/workspacePath';
import { mentionOf, rangeText, type ContextRef } from '../../shared/contextRefs';
import { getActiveEditor, getOpenEditors, getProblems } from '../tools/editorTools';
import { getGitDiff } from '../tools/gitDiffTool';
import { LinkGuard } from '../tools/linkGuard';
import { readFile } from '../tools/readTools';
import { locate, shownPath, workspaceFolders } from '../tools/workspaceUris';

export interface ResolvedContext {
  /** What was read, in the order of the mentions. */
  readonly items: ContextItem[];
  /** One line per mention that could not be read, naming it and saying why (for the user). */
  readonly problems: string[];
}

/**
 * Reads each mention. Stop (`signal`) cancels what is still being read; the caller checks the signal afterwards.
 * `redact` masks secrets in what was read (the extension's redactor), as for the tools' answers.
 */
export async function resolveContext(
  refs: readonly ContextRef[],
  signal: AbortSignal,
  redact: (text: string) => string = (text) => text,
): Promise<ResolvedContext> {
  const items: ContextItem[] = [];
  const problems: string[] = [];
  const cancel = new vscode.CancellationTokenSource();
  const onAbort = () => cancel.cancel();
  signal.addEventListener('abort', onAbort);
  try {
    for (const ref of refs) {
      if (signal.aborted) break;
      try {
        const item = await resolveOne(ref, cancel.token);
        items.push({ ...item, text: redact(item.text) });
      } catch (error) {
        if (error instanceof vscode.CancellationError) break;
        const reason = error instanceof Error ? error.message : String(error);
        problems.push(vscode.l10n.t('{0} could not be attached: {1}', mentionOf(ref), reason));
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    cancel.dispose();
  }
  return { items, problems };
}

class ContextProblem extends Error {}

async function resolveOne(ref: ContextRef, token: vscode.CancellationToken): Promise<ContextItem> {
  switch (ref.kind) {
    case 'file': {
      const checked = checkWorkspacePath(ref.path, workspaceFolders());
      if (!checked.ok) throw new ContextProblem(checked.problem);
      const path = { folderIndex: checked.folderIndex, relativePath: checked.relativePath, segments: checked.segments };
      const text = await readFile(
        {
          tool: 'read_file',
          path,
          ...(ref.range ? { startLine: ref.range.start, endLine: ref.range.end } : {}),
        },
        new LinkGuard(),
      );
      return { kind: 'file', label: mentionOf(ref), path: ref.path, ...(ref.range ? { range: ref.range } : {}), text };
    }
    case 'selection':
      return selection();
    case 'problems':
      return { kind: 'problems', label: '#problems', text: getProblems({ tool: 'get_problems' }) };
    case 'changes':
      return {
        kind: 'changes',
        label: '#changes',
        text: await getGitDiff({ tool: 'get_git_diff', staged: false }, token),
      };
    case 'editors':
      return { kind: 'editors', label: '#editors', text: getOpenEditors() };
  }
}

/** The active editor's selection: refused when there is none, or the file lies outside the workspace folders. */
function selection(): ContextItem {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new ContextProblem(vscode.l10n.t('no text editor is active.'));
  const selected = editor.selections.find((candidate) => !candidate.isEmpty);
  if (!selected) throw new ContextProblem(vscode.l10n.t('nothing is selected in the active editor.'));
  const located = locate(editor.document.uri);
  if (!located && !editor.document.isUntitled)
    throw new ContextProblem(vscode.l10n.t('the active editor shows a file outside the workspace folders.'));
  const path = located ? shownPath(located.folder, located.relativePath) : undefined;
  const end =
    selected.end.character === 0 && selected.end.line > selected.start.line ? selected.end.line : selected.end.line + 1;
  const range = { start: selected.start.line + 1, end };
  const where = path ?? editor.document.uri.path;
  return {
    kind: 'selection',
    label: `#selection:${where}:${rangeText(range)}`,
    ...(path ? { path, range } : {}),
    text: getActiveEditor(),
  };
}
