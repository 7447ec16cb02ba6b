import * as vscode from 'vscode';
import {
  buildEditPrompt,
  selectionBlock,
  surroundingLines,
  type EditCommand,
  type PromptDiagnostic,
} from '../../core/editPrompt';
import { extractReplyCode, streamingCode } from '../../core/replyCode';
import type { ApiKeyStore } from '../apiKeyStore';
import type { ChatViewProvider } from '../chatViewProvider';
import { readEditorConfiguration } from '../configuration';
import type { ExtensionLog } from '../log';
import type { ModelCatalogService } from '../modelCatalogService';
import { editPreflight, streamEditReply, type EditDeps } from './editStream';
import { ReviewController } from './reviewController';

/** Arguments a command may be given (code actions, tests, keybindings with `args`). */
interface CommandArgs {
  readonly range?: vscode.Range;
  readonly diagnostics?: readonly vscode.Diagnostic[];
  readonly instruction?: string;
}

interface Target {
  readonly editor: vscode.TextEditor;
  /** The range used (for inline edits: whole lines). */
  readonly range: vscode.Range;
  readonly startLine: number;
  readonly endLine: number;
  /** Set when nothing was selected: what was used instead. */
  readonly note?: string;
}

const SYMBOL_KINDS = new Set([
  vscode.SymbolKind.Function,
  vscode.SymbolKind.Method,
  vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface,
  vscode.SymbolKind.Enum,
  vscode.SymbolKind.Struct,
]);

/**
 * The one review controller of the window: the editor commands and the model's proposed edits (the acting tools)
 * share it, so that a file is only ever under one review. The caller disposes it.
 */
export function createReviewController(log: ExtensionLog, workspaceState: vscode.Memento): ReviewController {
  const sync = () => {
    void vscode.commands.executeCommand('setContext', 'gatewayChat.inlineEditActive', reviews.count > 0);
    void vscode.commands.executeCommand('setContext', 'gatewayChat.editStreaming', reviews.streaming);
  };
  const reviews = new ReviewController(log, workspaceState, sync);
  return reviews;
}

/** The editor commands (explain, ask, refactor, fix, document, tests), the inline edits and the code actions. */
export function registerEditorCommands(
  provider: ChatViewProvider,
  keys: ApiKeyStore,
  log: ExtensionLog,
  catalog: ModelCatalogService,
  reviews: ReviewController,
): vscode.Disposable[] {
  const deps: EditDeps = { keys, log, catalog };
  const panel = (command: EditCommand) => (args?: unknown) => askInPanel(provider, command, asArgs(args));
  const edit = (command: EditCommand) => (args?: unknown) => editInline(deps, reviews, command, asArgs(args));
  return [
    vscode.commands.registerCommand('gatewayChat.acceptEdit', (target?: unknown) => reviews.of(target)?.accept(target)),
    vscode.commands.registerCommand('gatewayChat.rejectEdit', (target?: unknown) => reviews.of(target)?.reject(target)),
    vscode.commands.registerCommand('gatewayChat.acceptHunk', (target?: unknown, hunk?: number) =>
      reviews.of(target)?.decide(target, typeof hunk === 'number' ? hunk : undefined, 'accepted'),
    ),
    vscode.commands.registerCommand('gatewayChat.rejectHunk', (target?: unknown, hunk?: number) =>
      reviews.of(target)?.decide(target, typeof hunk === 'number' ? hunk : undefined, 'rejected'),
    ),
    vscode.commands.registerCommand('gatewayChat.internal.inlineEditState', (target?: unknown) =>
      reviews.of(target)?.state(target),
    ),
    vscode.commands.registerCommand('gatewayChat.internal.stopEdits', () => reviews.stopStreaming()),
    vscode.commands.registerCommand('gatewayChat.addSelectionToChat', (args?: unknown) =>
      addSelectionToChat(provider, asArgs(args)),
    ),
    vscode.commands.registerCommand('gatewayChat.applyCodeToSelection', (args?: unknown) =>
      applyCodeToSelection(reviews, args),
    ),
    vscode.commands.registerCommand('gatewayChat.explainSelection', panel('explain')),
    vscode.commands.registerCommand('gatewayChat.askAboutSelection', panel('ask')),
    vscode.commands.registerCommand('gatewayChat.refactorSelection', edit('refactor')),
    vscode.commands.registerCommand('gatewayChat.fixSelection', edit('fix')),
    vscode.commands.registerCommand('gatewayChat.documentSelection', edit('document')),
    vscode.commands.registerCommand('gatewayChat.generateTests', (args?: unknown) => generateTests(deps, asArgs(args))),
    vscode.languages.registerCodeActionsProvider({ scheme: '*' }, new GatewayCodeActions(), {
      providedCodeActionKinds: GatewayCodeActions.kinds,
    }),
  ];
}

function asArgs(value: unknown): CommandArgs {
  // From a menu the argument is the file's URI: nothing to take from it.
  if (typeof value !== 'object' || value === null || value instanceof vscode.Uri) return {};
  const args = value as CommandArgs;
  const range = args.range ? toRange(args.range) : undefined;
  return { ...args, ...(range ? { range } : {}) };
}

/** A range that may have lost its class on the way (a command argument). */
function toRange(value: vscode.Range): vscode.Range | undefined {
  if (value instanceof vscode.Range) return value;
  const { start, end } = value as {
    start?: { line: number; character: number };
    end?: { line: number; character: number };
  };
  if (!start || !end) return undefined;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

/** The selection, else the enclosing function/class, else the current line. */
async function resolveTarget(args: CommandArgs, wholeLines: boolean): Promise<Target | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select some code first.'));
    return undefined;
  }
  const document = editor.document;
  let range: vscode.Range | undefined = args.range;
  let note: string | undefined;
  if (!range && !editor.selection.isEmpty) range = editor.selection;
  if (!range) {
    const cursor = editor.selection.active;
    const symbol = await enclosingSymbol(document, cursor);
    if (symbol) {
      range = symbol.range;
      note = vscode.l10n.t(
        '{0} {1} (lines {2}–{3})',
        vscode.SymbolKind[symbol.kind].toLowerCase(),
        symbol.name,
        symbol.range.start.line + 1,
        symbol.range.end.line + 1,
      );
    } else {
      range = document.lineAt(cursor.line).range;
      note = vscode.l10n.t('line {0}', cursor.line + 1);
    }
    vscode.window.setStatusBarMessage(vscode.l10n.t('Gateway Chat: nothing selected, using {0}.', note), 5000);
  }
  let endLine = range.end.line;
  if (endLine > range.start.line && range.end.character === 0) endLine--;
  const startLine = range.start.line;
  if (wholeLines) range = new vscode.Range(startLine, 0, endLine, document.lineAt(endLine).text.length);
  return { editor, range, startLine, endLine, ...(note ? { note } : {}) };
}

async function enclosingSymbol(
  document: vscode.TextDocument,
  position: vscode.Position,
): Promise<vscode.DocumentSymbol | undefined> {
  let symbols: Array<vscode.DocumentSymbol | vscode.SymbolInformation> | undefined;
  try {
    symbols = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', document.uri);
  } catch {
    return undefined;
  }
  let best: vscode.DocumentSymbol | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[]) => {
    for (const symbol of list) {
      if (!symbol.range?.contains(position)) continue;
      if (SYMBOL_KINDS.has(symbol.kind)) best = symbol;
      visit(symbol.children ?? []);
    }
  };
  visit((symbols ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'children' in symbol));
  return best;
}

function promptFor(command: EditCommand, target: Target, args: CommandArgs, instruction?: string) {
  const document = target.editor.document;
  const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
  const settings = readEditorConfiguration();
  const { before, after } = surroundingLines(lines, target.startLine, target.endLine, settings.contextLines);
  const diagnostics: PromptDiagnostic[] = (
    args.diagnostics ?? vscode.languages.getDiagnostics(document.uri).filter((d) => d.range.intersection(target.range))
  ).map((d) => ({
    line: (toRange(d.range)?.start.line ?? target.startLine) + 1,
    severity: vscode.DiagnosticSeverity[d.severity].toLowerCase(),
    message: d.message,
    ...(d.source ? { source: d.source } : {}),
  }));
  const template = settings.templates[command];
  return buildEditPrompt({
    command,
    languageId: document.languageId,
    relativePath: vscode.workspace.asRelativePath(document.uri, false),
    selection: document.getText(target.range),
    startLine: target.startLine + 1,
    endLine: target.endLine + 1,
    before,
    after,
    ...(command === 'fix' ? { diagnostics } : {}),
    ...(instruction ? { instruction } : {}),
    ...(target.note ? { rangeNote: target.note } : {}),
    systemPrompt: settings.systemPrompt,
    ...(typeof template === 'string' ? { template } : {}),
  });
}

async function askInPanel(provider: ChatViewProvider, command: EditCommand, args: CommandArgs): Promise<void> {
  const target = await resolveTarget(args, false);
  if (!target) return;
  let instruction = args.instruction;
  if (command === 'ask' && !instruction) {
    instruction = await vscode.window.showInputBox({
      title: vscode.l10n.t('Gateway Chat: Ask About Selection'),
      prompt: vscode.l10n.t('Your question about the code'),
    });
    if (!instruction?.trim()) return;
  }
  const prompt = promptFor(command, target, args, instruction);
  await provider.reveal();
  await provider.session.send(prompt.user);
}

async function editInline(
  deps: EditDeps,
  reviews: ReviewController,
  command: EditCommand,
  args: CommandArgs,
): Promise<void> {
  const target = await resolveTarget(args, true);
  if (!target || reviews.busy(target.editor.document)) return;
  let instruction = args.instruction;
  if (command === 'refactor' && !instruction) {
    instruction = await vscode.window.showInputBox({
      title: vscode.l10n.t('Gateway Chat: Refactor'),
      prompt: vscode.l10n.t('What should change?'),
    });
    if (!instruction?.trim()) return;
  }
  const access = await editPreflight(deps);
  if (!access) return;
  const prompt = promptFor(command, target, args, instruction);
  const end = await reviews.start(target.editor, target.startLine, target.endLine, async (signal, onText) => {
    const result = await streamEditReply(deps, access, prompt.system, prompt.messages, signal, onText);
    if (result.error && !result.aborted) deps.log.warn(`Inline edit reply failed: ${result.error.message}`);
    return {
      text: result.text,
      ...(result.finishReason ? { finishReason: result.finishReason } : {}),
      failed: result.error !== undefined,
    };
  });
  deps.log.info(`Inline edit (${command}) ended: ${end.outcome}`);
  if (end.outcome === 'noCode' && end.reply !== undefined) await showReply(end.reply);
}

/** Puts the selection (or what is used instead) into the chat's composer as a fenced block, without sending. */
async function addSelectionToChat(provider: ChatViewProvider, args: CommandArgs): Promise<void> {
  const target = await resolveTarget(args, false);
  if (!target) return;
  const document = target.editor.document;
  const text = selectionBlock({
    relativePath: vscode.workspace.asRelativePath(document.uri, false),
    languageId: document.languageId,
    startLine: target.startLine + 1,
    endLine: target.endLine + 1,
    code: document.getText(target.range),
  });
  await provider.reveal();
  provider.post({ type: 'insertText', text });
}

/**
 * Applies given code (a code block of the panel) to the active editor's selection, or inserts it at the cursor,
 * through the same review as an inline edit. The proposal covers whole lines: the selection's lines with the code
 * in place of the selected part.
 */
async function applyCodeToSelection(reviews: ReviewController, value: unknown): Promise<void> {
  const code = typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Gateway Chat: there is no code to apply.'));
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select where the code goes first.'));
    return;
  }
  const document = editor.document;
  if (reviews.busy(document)) return;
  const selection = editor.selection;
  const startLine = selection.start.line;
  const endLine = selection.end.line;
  const first = document.lineAt(startLine).text;
  const last = document.lineAt(endLine).text;
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const proposal =
    first.slice(0, selection.start.character) + code.replace(/\r?\n/g, eol) + last.slice(selection.end.character);
  await reviews.start(editor, startLine, endLine, async () => ({
    text: proposal,
    code: proposal,
    finishReason: 'stop',
    failed: false,
  }));
}

/** A reply that is not one code block is shown as it is, beside the code. */
async function showReply(reply: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: reply });
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: true,
    preserveFocus: true,
  });
  void vscode.window.showInformationMessage(
    vscode.l10n.t('The reply was not a single code block, so the code was not changed. It is shown beside the code.'),
  );
}

async function generateTests(deps: EditDeps, args: CommandArgs): Promise<void> {
  const target = await resolveTarget(args, true);
  if (!target) return;
  const access = await editPreflight(deps);
  if (!access) return;
  const prompt = promptFor('tests', target, args);
  const document = await vscode.workspace.openTextDocument({
    language: target.editor.document.languageId,
    content: '',
  });
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside });
  const abort = new AbortController();
  let shown = '';
  let chain: Promise<unknown> = Promise.resolve();
  let queued = false;
  const show = (text: string) =>
    editor.edit((builder) => builder.replace(new vscode.Range(0, 0, document.lineCount, 0), text), {
      undoStopBefore: false,
      undoStopAfter: false,
    });
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Gateway Chat: writing tests…'),
      cancellable: true,
    },
    (_progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      return streamEditReply(deps, access, prompt.system, prompt.messages, abort.signal, (text) => {
        shown = streamingCode(text);
        if (queued) return;
        queued = true;
        chain = chain.then(async () => {
          queued = false;
          await show(shown);
        });
      });
    },
  );
  await chain;
  const code = extractReplyCode(result.text);
  await show(code ?? result.text);
  if (result.error && !result.aborted)
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Gateway Chat did not change the code: {0}.', result.error.message),
    );
}

/** "Fix with Gateway Chat" on diagnostics; "Refactor / Explain with Gateway Chat" on a selection. */
class GatewayCodeActions implements vscode.CodeActionProvider {
  static readonly refactorKind = vscode.CodeActionKind.Refactor.append('gatewayChat');
  static readonly kinds = [vscode.CodeActionKind.QuickFix, GatewayCodeActions.refactorKind];

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind) =>
      !context.only || context.only.contains(kind) || kind.contains(context.only);
    if (context.diagnostics.length > 0 && wants(vscode.CodeActionKind.QuickFix)) {
      const fix = new vscode.CodeAction(vscode.l10n.t('Fix with Gateway Chat'), vscode.CodeActionKind.QuickFix);
      const union = context.diagnostics.reduce((all, d) => all.union(d.range), context.diagnostics[0].range);
      fix.command = {
        command: 'gatewayChat.fixSelection',
        title: fix.title,
        arguments: [{ range: union, diagnostics: [...context.diagnostics] } satisfies CommandArgs],
      };
      fix.diagnostics = [...context.diagnostics];
      actions.push(fix);
    }
    if (!range.isEmpty && wants(GatewayCodeActions.refactorKind)) {
      const refactor = new vscode.CodeAction(
        vscode.l10n.t('Refactor with Gateway Chat'),
        GatewayCodeActions.refactorKind,
      );
      refactor.command = {
        command: 'gatewayChat.refactorSelection',
        title: refactor.title,
        arguments: [{ range } satisfies CommandArgs],
      };
      const explain = new vscode.CodeAction(
        vscode.l10n.t('Explain with Gateway Chat'),
        GatewayCodeActions.refactorKind,
      );
      explain.command = {
        command: 'gatewayChat.explainSelection',
        title: explain.title,
        arguments: [{ range } satisfies CommandArgs],
      };
      actions.push(refactor, explain);
    }
    void document;
    return actions;
  }
}
