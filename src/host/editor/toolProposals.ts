/**
 * The acting tools `propose_edit` and `create_file`, through the edit review the editor commands use (one controller
 * for the window, so that a file is only ever under one review): nothing the model proposes is written before the
 * user accepts it, change by change, and what the user decided is the tool's answer.
 *
 * An edit is reviewed over the lines it changes, in the file's own document; what is accepted is saved unless the
 * document also held unsaved changes of the user's (those are not the model's to save). A new file is reviewed in an
 * untitled document that carries the file's path, and saving it on Accept creates the file; Reject closes it
 * unsaved. Stop (the token) ends a review as Reject All does and the call rejects with `CancellationError`.
 *
 * A file already under review (an inline edit, another proposal) is refused at once rather than waited for: the wait
 * would hang the turn on a review the user may not be looking at, and the edit would be built on text about to change.
 */
import * as vscode from 'vscode';
import { splitLines } from '../../core/lineDiff';
import { proposalRegion, reviewAnswer, type ProposalRegion } from '../../core/tools/proposalOutcome';
import { protectedPathReason } from '../../core/tools/protectedPaths';
import { applyTextReplacements } from '../../core/tools/textReplacements';
import { LinkGuard } from '../tools/linkGuard';
import { readWorkspaceText } from '../tools/readTools';
import { realPaths } from '../tools/realPath';
import type { ProposalRequest, ProposalReview } from '../tools/workspaceToolRunner';
import {
  relativeTo,
  resolvePath,
  shownPathOf,
  throwIfCancelled,
  ToolError,
  workspaceFolders,
  type ResolvedPath,
} from '../tools/workspaceUris';
import type { InlineEditEnd } from './editReview';
import type { ReviewController } from './reviewController';

type Request<T extends ProposalRequest['tool']> = Extract<ProposalRequest, { tool: T }>;

/** The review of the model's proposals, on the window's one review controller (the editor commands' own). */
export function createToolProposals(reviews: ReviewController): ProposalReview {
  return new ToolProposals(reviews);
}

interface ReviewRun {
  readonly end: InlineEditEnd;
  /** The document changed between reading it and showing the review: nothing was proposed. */
  readonly changedMeanwhile: boolean;
}

class ToolProposals implements ProposalReview {
  constructor(private readonly reviews: ReviewController) {}

  async propose(request: ProposalRequest, token: vscode.CancellationToken): Promise<string> {
    throwIfCancelled(token);
    return request.tool === 'propose_edit' ? this.edit(request, token) : this.create(request, token);
  }

  private async edit(request: Request<'propose_edit'>, token: vscode.CancellationToken): Promise<string> {
    const target = resolvePath(request.path);
    const shown = target.shown;
    // The checks of a read (inside the workspace, a text file within the size limit); the text is the document's.
    await readWorkspaceText(target, new LinkGuard(), 'edit');
    await assertNotProtected(target);
    throwIfCancelled(token);
    const document = await vscode.workspace.openTextDocument(target.uri).then(undefined, (error: unknown) => {
      throw new ToolError(`${shown} could not be opened for the review: ${messageOf(error)}`);
    });
    throwIfCancelled(token);
    this.assertNotUnderReview(document, shown);
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const text = document.getText();
    const version = document.version;
    const applied = applyTextReplacements(text, request.edits);
    if (!applied.ok)
      throw new ToolError(`The edit does not fit ${shown} as it is now, so nothing was proposed. ${applied.problem}`);
    const original = splitLines(text);
    const region = proposalRegion(original, splitLines(applied.text.replace(/\r\n|\r|\n/g, eol)));
    if (!region) return `The edits leave ${shown} as it is, so there was nothing to propose.`;
    const hadUnsavedChanges = document.isDirty;

    const { end, changedMeanwhile } = await this.review(document, version, region, eol, token);
    // The review's display leaves the document marked as changed even when its text is back as it was.
    if (!hadUnsavedChanges) await revertIfUnchanged(document, text);
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    if (changedMeanwhile)
      throw new ToolError(
        `${shown} changed while the review was being opened, so nothing was proposed: read it again and propose anew.`,
      );
    const proposal = end.proposal;
    if (!proposal) throw underReview(shown);
    switch (end.outcome) {
      case 'accepted':
      case 'rejected': {
        const saved = hadUnsavedChanges
          ? 'userChanges'
          : !proposal.anyAccepted || (await save(document))
            ? 'saved'
            : 'failed';
        return reviewAnswer({
          kind: 'edit',
          path: shown,
          regionStart: region.startLine,
          original: proposal.originalLines,
          proposed: region.proposed,
          hunks: proposal.hunks,
          decisions: proposal.decisions,
          saved,
          ...(region.startLine > 0 ? { lineBefore: original[region.startLine - 1] } : {}),
          ...(region.endLine + 1 < original.length ? { lineAfter: original[region.endLine + 1] } : {}),
        });
      }
      case 'cancelledByUser':
        throw new ToolError(
          `${shown} was changed inside the proposed lines during the review, so the proposal was discarded and that ` +
            `change kept${proposal.anyAccepted ? ' (with the changes the user had accepted before)' : ''}. ` +
            'Read the file again before proposing another edit.',
        );
      case 'stopped':
        throw new ToolError(
          `The review of the edit to ${shown} ended before every change was decided (the file was saved or closed): ` +
            `${proposal.anyAccepted ? 'the changes the user accepted stay, the others were' : 'the changes were'} ` +
            'discarded. Read the file again to see its state.',
        );
      case 'failed':
      case 'noCode':
        throw new ToolError(`The review of ${shown} could not be shown, so nothing was changed.`);
    }
  }

  private async create(request: Request<'create_file'>, token: vscode.CancellationToken): Promise<string> {
    const target = resolvePath(request.path);
    const shown = target.shown;
    await assertCreatable(target);
    await assertNotProtected(target);
    throwIfCancelled(token);
    if (request.content === '') return createEmpty(target);
    const untitledUri = target.uri.with({ scheme: 'untitled' });
    const open = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === untitledUri.toString());
    if (open) {
      this.assertNotUnderReview(open, shown);
      throw new ToolError(
        `A new file ${shown} is already open in an editor, not saved yet: the user must save or close it first.`,
      );
    }
    // An untitled document that carries the file's path: saving it creates the file, without asking where.
    const document = await vscode.workspace.openTextDocument(untitledUri).then(undefined, (error: unknown) => {
      throw new ToolError(`The new file ${shown} could not be opened for the review: ${messageOf(error)}`);
    });
    const crlf = request.content.includes('\r\n');
    const eol = crlf ? '\r\n' : document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    if (crlf && document.eol !== vscode.EndOfLine.CRLF) {
      const editor = await vscode.window.showTextDocument(document, { preview: false });
      await editor.edit((builder) => builder.setEndOfLine(vscode.EndOfLine.CRLF));
    }
    const region: ProposalRegion = {
      startLine: 0,
      endLine: 0,
      proposed: splitLines(request.content.replace(/\r\n|\r|\n/g, eol)),
    };

    const { end, changedMeanwhile } = await this.review(document, document.version, region, eol, token);
    if (token.isCancellationRequested) {
      await discard(document);
      throw new vscode.CancellationError();
    }
    if (changedMeanwhile)
      throw new ToolError(
        `The new file ${shown} was typed into while its review was being opened, so nothing was proposed and it was ` +
          'not created.',
      );
    const proposal = end.proposal;
    if (!proposal) throw underReview(shown);
    switch (end.outcome) {
      case 'accepted': {
        if (await exists(target.uri))
          throw new ToolError(
            `${shown} was created by someone else during the review, so it was not overwritten; the accepted content ` +
              'stays in an unsaved editor.',
          );
        if (!(await save(document)) || !(await exists(target.uri)))
          throw new ToolError(`${shown} could not be created; the accepted content stays in an unsaved editor.`);
        return reviewAnswer({
          kind: 'create',
          path: shown,
          regionStart: 0,
          original: proposal.originalLines,
          proposed: region.proposed,
          hunks: proposal.hunks,
          decisions: proposal.decisions,
          saved: 'saved',
        });
      }
      case 'rejected':
        await discard(document);
        return reviewAnswer({
          kind: 'create',
          path: shown,
          regionStart: 0,
          original: proposal.originalLines,
          proposed: region.proposed,
          hunks: proposal.hunks,
          decisions: proposal.decisions,
          saved: 'saved',
        });
      case 'cancelledByUser':
        throw new ToolError(
          `The user typed into the new file ${shown} during the review, so the proposal was discarded; the file was ` +
            "not created (the user's text stays in an unsaved editor).",
        );
      case 'stopped':
        if (await exists(target.uri))
          throw new ToolError(
            `The user saved the new file ${shown} before deciding its review: read it to see what it holds.`,
          );
        throw new ToolError(
          `The review of the new file ${shown} ended before the user decided (its editor was closed): it was not created.`,
        );
      case 'failed':
      case 'noCode':
        await discard(document);
        throw new ToolError(`The review of the new file ${shown} could not be shown, so it was not created.`);
    }
  }

  /**
   * Shows `region` of `document` for review and resolves once the review is over. Stop (`token`) rejects what is
   * pending; so does a document that changed since its text was read at `version` (the proposal would not fit).
   */
  private async review(
    document: vscode.TextDocument,
    version: number,
    region: ProposalRegion,
    eol: string,
    token: vscode.CancellationToken,
  ): Promise<ReviewRun> {
    const key = document.uri.toString();
    const code = region.proposed.join(eol);
    let changedMeanwhile = false;
    const stop = token.onCancellationRequested(() => void this.reviews.reject(key));
    try {
      const editor = await vscode.window.showTextDocument(document, { preview: false });
      if (document.version !== version) return { end: { outcome: 'rejected' }, changedMeanwhile: true };
      const end = await this.reviews.start(editor, region.startLine, region.endLine, () => {
        // The review is in place now: a Stop that came before it, or a change of the text, ends it here.
        if (document.version !== version) changedMeanwhile = true;
        if (changedMeanwhile || token.isCancellationRequested) void this.reviews.reject(key);
        return Promise.resolve({ text: code, code, finishReason: 'stop', failed: false });
      });
      return { end, changedMeanwhile };
    } catch (error) {
      // The lines to review are no longer there (the document changed before the review took them).
      if (document.version !== version) return { end: { outcome: 'rejected' }, changedMeanwhile: true };
      throw error;
    } finally {
      stop.dispose();
    }
  }

  private assertNotUnderReview(document: vscode.TextDocument, shown: string): void {
    if (this.reviews.has(document)) throw underReview(shown);
  }
}

function underReview(shown: string): ToolError {
  return new ToolError(
    `${shown} already has a proposed edit waiting for the user's review; nothing more can be proposed for it until ` +
      'the user accepts or rejects that one.',
  );
}

/**
 * Refuses a path where something exists already (create_file never overwrites), one under a file, and one whose
 * nearest existing folder is reached through a symbolic link that leads out of the workspace (the file would be
 * created outside it).
 */
async function assertCreatable(target: ResolvedPath): Promise<void> {
  const shown = target.shown;
  const existing = await statOf(target.uri);
  if (existing) {
    if (existing.type & vscode.FileType.Directory) throw new ToolError(`${shown} is a folder, not a file.`);
    throw new ToolError(
      `${shown} already exists; create_file never overwrites a file: change it with propose_edit instead.`,
    );
  }
  let folder = vscode.Uri.joinPath(target.uri, '..');
  for (;;) {
    const inside = relativeTo(target.folder.uri, folder);
    if (inside === undefined) return;
    const stat = await statOf(folder);
    if (stat) {
      if (!(stat.type & vscode.FileType.Directory))
        throw new ToolError(`${shown} cannot be created: ${shownPathOf(folder) ?? inside} is a file, not a folder.`);
      if (!(await new LinkGuard().isInside(folder, target.folder.uri)))
        throw new ToolError(
          `${shown} would be created through a symbolic link that leads outside the workspace folders, so it is not ` +
            'created.',
        );
      return;
    }
    if (inside === '') return;
    folder = vscode.Uri.joinPath(folder, '..');
  }
}

/**
 * The rule of protected files (`core/tools/protectedPaths.ts`) on where the path really leads: the argument check
 * saw the path as written, and a link inside the workspace (`cfg -> .vscode`) leads elsewhere. Where links cannot be
 * resolved (virtual file systems, the web build) the link guard refuses any path through a link.
 */
async function assertNotProtected(target: ResolvedPath): Promise<void> {
  const paths = realPaths;
  if (!paths || target.uri.scheme !== 'file') return;
  // The file, or for a new one the nearest folder on its way that exists, and the names after it.
  const rest: string[] = [];
  let probe = target.uri;
  let real = await paths.resolve(probe.fsPath);
  while (real === undefined) {
    const parent = vscode.Uri.joinPath(probe, '..');
    if (parent.path === probe.path) return;
    rest.unshift(probe.path.slice(probe.path.lastIndexOf('/') + 1));
    probe = parent;
    real = await paths.resolve(probe.fsPath);
  }
  for (const folder of workspaceFolders()) {
    if (folder.uri.scheme !== 'file') continue;
    const root = (await paths.resolve(folder.uri.fsPath)) ?? folder.uri.fsPath;
    if (!paths.contains(root, real)) continue;
    const inside = real.slice(root.length).replace(/\\/g, '/').replace(/^\/+/, '');
    const reason = protectedPathReason([inside, ...rest].filter((part) => part !== '').join('/'));
    if (reason) throw new ToolError(`${target.shown} leads through a symbolic link to a protected file. ${reason}`);
    return;
  }
}

/** An empty new file: there is nothing to review, and the user allowed this very call; created as it was shown. */
async function createEmpty(target: ResolvedPath): Promise<string> {
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(target.uri, { overwrite: false, ignoreIfExists: false });
  if (!(await vscode.workspace.applyEdit(edit)) || !(await exists(target.uri)))
    throw new ToolError(`${target.shown} could not be created.`);
  return `${target.shown} is created, empty (there was no content to review).`;
}

async function statOf(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return (await statOf(uri)) !== undefined;
}

async function save(document: vscode.TextDocument): Promise<boolean> {
  if (document.isClosed) return false;
  try {
    return await document.save();
  } catch {
    return false;
  }
}

/** A document the review left with its original text but marked as changed: read back from the file, unmarked. */
async function revertIfUnchanged(document: vscode.TextDocument, original: string): Promise<void> {
  if (document.isClosed || !document.isDirty || document.getText() !== original) return;
  try {
    await vscode.window.showTextDocument(document, { preview: false });
    if (vscode.window.activeTextEditor?.document === document)
      await vscode.commands.executeCommand('workbench.action.files.revert');
  } catch {
    // It stays marked as changed; its text is the original.
  }
}

/**
 * Closes the untitled document of a new file without saving it. Such a document is dirty from the start (it carries
 * a path), so closing it would ask whether to save: reverting it first does not.
 */
async function discard(document: vscode.TextDocument): Promise<void> {
  if (document.isClosed) return;
  try {
    await vscode.window.showTextDocument(document, { preview: false });
    if (vscode.window.activeTextEditor?.document === document)
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  } catch {
    // It stays open, empty: the user may close it.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
