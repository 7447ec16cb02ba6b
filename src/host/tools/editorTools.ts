/** `get_problems`, `get_active_editor` and `get_open_editors`: what VS Code shows the user, as text for the model. */
import * as vscode from 'vscode';
import { READ_LIMITS } from '../../core/tools/readLimits';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { locate, resolvePath, shownPath, shownPathOf } from './workspaceUris';

type Request<T extends WorkspaceToolRequest['tool']> = Extract<WorkspaceToolRequest, { tool: T }>;

const SEVERITY: Record<vscode.DiagnosticSeverity, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

const COVERAGE_NOTE =
  '(VS Code knows the problems of the files its language services have checked, usually the open ones.)';

export function getProblems(request: Request<'get_problems'>): string {
  let entries: { shown: string; diagnostic: vscode.Diagnostic }[];
  let scope: string;
  if (request.path) {
    const target = resolvePath(request.path);
    scope = target.shown;
    entries = vscode.languages.getDiagnostics(target.uri).map((diagnostic) => ({ shown: target.shown, diagnostic }));
  } else {
    scope = 'the workspace';
    entries = vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) => {
      const shown = shownPathOf(uri);
      return shown === undefined ? [] : diagnostics.map((diagnostic) => ({ shown, diagnostic }));
    });
  }
  if (entries.length === 0) return `No problems are reported for ${scope}. ${COVERAGE_NOTE}`;
  entries.sort(
    (a, b) =>
      a.diagnostic.severity - b.diagnostic.severity ||
      (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0) ||
      a.diagnostic.range.start.line - b.diagnostic.range.start.line,
  );
  const counts = new Map<string, number>();
  for (const { diagnostic } of entries) {
    const name = SEVERITY[diagnostic.severity];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const summary = [...counts].map(([name, count]) => `${count} ${name}${count === 1 ? '' : 's'}`).join(', ');
  const shown = entries.slice(0, READ_LIMITS.maxProblems).map(({ shown, diagnostic }) => describe(shown, diagnostic));
  const lines = [`Problems in ${scope}: ${summary}.`, ...shown];
  if (entries.length > shown.length)
    lines.push(`[Only the first ${shown.length} are listed (errors first): ask for one file to see its problems.]`);
  return lines.join('\n');
}

function describe(shown: string, diagnostic: vscode.Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  const code =
    diagnostic.code === undefined
      ? ''
      : typeof diagnostic.code === 'object'
        ? String(diagnostic.code.value)
        : String(diagnostic.code);
  const source = [diagnostic.source, code].filter(Boolean).join(' ');
  const message = diagnostic.message.replace(/\s*\n\s*/g, ' ');
  return `${shown}:${line + 1}:${character + 1} ${SEVERITY[diagnostic.severity]}: ${message}${source ? ` [${source}]` : ''}`;
}

export function getActiveEditor(): string {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return 'No text editor is active.';
  const document = editor.document;
  const located = locate(document.uri);
  let name: string;
  if (located) name = shownPath(located.folder, located.relativePath);
  else if (document.isUntitled) name = `${document.uri.path} (untitled, not saved to a file)`;
  else return 'The active editor shows a file outside the workspace folders; what it holds is not shared.';
  const state = `${document.languageId}, ${document.lineCount} lines${document.isDirty ? ', unsaved changes' : ''}`;
  const lines = [`Active editor: ${name} (${state})`];
  const { active } = editor.selection;
  lines.push(`Cursor: line ${active.line + 1}, column ${active.character + 1}`);
  const visible = editor.visibleRanges[0];
  if (visible) lines.push(`Visible: lines ${visible.start.line + 1}-${visible.end.line + 1}`);
  const selections = editor.selections.filter((selection) => !selection.isEmpty);
  if (selections.length === 0) lines.push('Nothing is selected.');
  let budget: number = READ_LIMITS.maxSelectionChars;
  for (const [index, selection] of selections.slice(0, 10).entries()) {
    const which = selections.length > 1 ? ` ${index + 1} of ${selections.length}` : '';
    const { start, end } = selection;
    lines.push(
      `Selection${which}: line ${start.line + 1}, column ${start.character + 1} to line ${end.line + 1}, ` +
        `column ${end.character + 1}; its lines:`,
    );
    if (budget <= 0) continue;
    for (let n = selection.start.line; n <= selection.end.line; n++) {
      // A selection ending at the start of a line does not take that line.
      if (n === selection.end.line && selection.end.character === 0 && n > selection.start.line) break;
      const line = `${n + 1}: ${document.lineAt(n).text}`;
      if (line.length > budget) {
        lines.push(`[The selection goes on to line ${selection.end.line + 1}: read the rest with read_file.]`);
        budget = 0;
        break;
      }
      lines.push(line);
      budget -= line.length + 1;
    }
  }
  if (selections.length > 10) lines.push(`[Only the first 10 of ${selections.length} selections are shown.]`);
  return lines.join('\n');
}

export function getOpenEditors(): string {
  const groups = vscode.window.tabGroups.all;
  const lines: string[] = [];
  let count = 0;
  for (const [index, group] of groups.entries()) {
    if (groups.length > 1) lines.push(`Editor group ${index + 1}${group.isActive ? ' (active)' : ''}:`);
    for (const tab of group.tabs) {
      count++;
      const flags = [tab.isActive ? 'active' : '', tab.isDirty ? 'unsaved changes' : '', tab.isPreview ? 'preview' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(`${groups.length > 1 ? '  ' : ''}${describeTab(tab)}${flags ? ` (${flags})` : ''}`);
    }
  }
  if (count === 0) return 'No editors are open.';
  return [`${count} ${count === 1 ? 'editor is' : 'editors are'} open:`, ...lines].join('\n');
}

function describeTab(tab: vscode.Tab): string {
  const input = tab.input;
  const named = (uri: vscode.Uri) => shownPathOf(uri) ?? `${tab.label} (outside the workspace)`;
  if (input instanceof vscode.TabInputText) return named(input.uri);
  if (input instanceof vscode.TabInputTextDiff) {
    const modified = shownPathOf(input.modified);
    return modified ? `${modified} (a comparison: ${tab.label})` : `${tab.label} (a comparison)`;
  }
  if (input instanceof vscode.TabInputNotebook) return `${named(input.uri)} (notebook)`;
  if (input instanceof vscode.TabInputCustom) return `${named(input.uri)} (${input.viewType})`;
  if (input instanceof vscode.TabInputTerminal) return `${tab.label} (terminal)`;
  return `${tab.label} (not a file)`;
}
