/**
 * Runs the workspace tools the turn engine hands over (its `runTool` effect, with arguments already checked into a
 * `WorkspaceToolRequest`). Every answer is plain text for the model (workspace-relative paths, line numbers), within
 * the tools' limits, and passes through the redactor before it leaves; a failure is an error whose message is one
 * redacted sentence the engine answers the model with. Stop cancels through the token.
 *
 * Acting tools never run here unless the window offers them (a trusted workspace on disk): the engine has asked the
 * user first, and this checks again. Proposed edits go to the review, which the host provides as `proposals`.
 */
import * as vscode from 'vscode';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { getActiveEditor, getOpenEditors, getProblems } from './editorTools';
import { getGitDiff } from './gitDiffTool';
import { LinkGuard } from './linkGuard';
import { listFolder, readFile } from './readTools';
import { findFiles, searchText } from './searchTools';
import { TerminalCommands } from './terminalTool';
import { currentToolOffer } from './toolOffer';
import { throwIfCancelled, ToolError } from './workspaceUris';

export type ProposalRequest = Extract<WorkspaceToolRequest, { tool: 'propose_edit' | 'create_file' }>;

/** The edit review: shows a proposed change or new file and answers with what the user decided. */
export interface ProposalReview {
  propose(request: ProposalRequest, token: vscode.CancellationToken): Promise<string>;
}

export interface WorkspaceToolRunnerOptions {
  /** The extension's redactor (`ExtensionLog.redactor.redact`): known keys and key-shaped text are masked. */
  readonly redact: (text: string) => string;
  readonly proposals?: ProposalReview;
}

export class WorkspaceToolRunner implements vscode.Disposable {
  private readonly terminal = new TerminalCommands();

  constructor(private readonly options: WorkspaceToolRunnerOptions) {}

  async run(request: WorkspaceToolRequest, token: vscode.CancellationToken): Promise<string> {
    try {
      throwIfCancelled(token);
      const answer = await this.answer(request, token);
      throwIfCancelled(token);
      return this.options.redact(answer);
    } catch (error) {
      if (error instanceof vscode.CancellationError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ToolError(this.options.redact(message));
    }
  }

  private answer(request: WorkspaceToolRequest, token: vscode.CancellationToken): Promise<string> | string {
    switch (request.tool) {
      case 'read_file':
        return readFile(request, new LinkGuard());
      case 'list_folder':
        return listFolder(request, new LinkGuard());
      case 'find_files':
        return findFiles(request, token);
      case 'search_text':
        return searchText(request, new LinkGuard(), token);
      case 'get_problems':
        return getProblems(request);
      case 'get_active_editor':
        return getActiveEditor();
      case 'get_open_editors':
        return getOpenEditors();
      case 'get_git_diff':
        return getGitDiff(request, token);
      case 'propose_edit':
      case 'create_file': {
        this.assertActingAllowed();
        if (!this.options.proposals) throw new ToolError('Proposing changes is not available in this window.');
        return this.options.proposals.propose(request, token);
      }
      case 'run_terminal_command':
        this.assertActingAllowed();
        return this.terminal.run(request, token);
    }
  }

  private assertActingAllowed(): void {
    const offer = currentToolOffer();
    if (offer.acting) return;
    throw new ToolError(
      offer.withheldBecause === 'restrictedMode'
        ? 'Not run: this workspace is in Restricted Mode, where only read-only tools are available.'
        : 'Not run: this is a virtual workspace, where only read-only tools are available.',
    );
  }

  dispose(): void {
    this.terminal.dispose();
  }
}
