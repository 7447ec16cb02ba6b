import * as vscode from 'vscode';
import { fitCodeToRange } from '../core/replyCode';
import { assertNever, type CodeBlockAction } from '../shared/protocol';
import { languageIdFor } from '../core/fenceLanguage';
import type { ExtensionLog } from './log';

/** The command of the editor's inline-diff review that applies code to the active editor's selection. */
export const APPLY_CODE_COMMAND = 'gatewayChat.applyCodeToSelection';

/** Does what a code block's button asks with its code, telling the user when it cannot. */
export class CodeBlockActions {
  constructor(private readonly log: ExtensionLog) {}

  async run(action: CodeBlockAction, code: string, language: string | undefined): Promise<void> {
    switch (action) {
      case 'copy':
        await vscode.env.clipboard.writeText(code);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Code copied to the clipboard.'), 3000);
        return;
      case 'insert':
        return this.insert(code);
      case 'newEditor':
        return this.openInNewEditor(code, language);
      case 'apply':
        return this.apply(code, language);
      default:
        return assertNever(action);
    }
  }

  /** Replaces each selection of the active editor (the cursor, when nothing is selected) by the code. */
  private async insert(code: string): Promise<void> {
    const editor = this.activeEditor();
    if (!editor) return;
    const done = await editor.edit((edit) => {
      for (const selection of editor.selections)
        edit.replace(selection, fitCodeToRange(code, selection.end.character === 0));
    });
    if (!done)
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The code could not be inserted: the editor did not take the edit.'),
      );
  }

  private async openInNewEditor(code: string, language: string | undefined): Promise<void> {
    const known = new Set(await vscode.languages.getLanguages());
    const document = await vscode.workspace.openTextDocument({
      language: languageIdFor(language, known),
      content: code,
    });
    await vscode.window.showTextDocument(document, { preview: false });
  }

  /** Through the inline-diff review when it is there; otherwise the selection is replaced in one edit (undoable). */
  private async apply(code: string, language: string | undefined): Promise<void> {
    const target = vscode.window.activeTextEditor?.selection;
    if (target) code = fitCodeToRange(code, target.end.character === 0);
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes(APPLY_CODE_COMMAND)) {
      try {
        await vscode.commands.executeCommand(APPLY_CODE_COMMAND, { code, ...(language ? { language } : {}) });
        return;
      } catch (error) {
        this.log.warn(`${APPLY_CODE_COMMAND} failed, replacing the selection instead: ${String(error)}`);
      }
    }
    const editor = this.activeEditor();
    if (!editor) return;
    const done = await editor.edit((edit) => edit.replace(editor.selection, code));
    if (!done)
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The code could not be applied: the editor did not take the edit.'),
      );
  }

  private activeEditor(): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Open a file in an editor and put the cursor where the code should go.'),
      );
    }
    return editor;
  }
}
