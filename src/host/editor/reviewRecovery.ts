import * as vscode from 'vscode';
import type { Presentation, Proposal } from '../../core/proposal';
import { planRecovery } from '../../core/reviewRecord';
import type { ExtensionLog } from '../log';
import { replaceText } from './regionWriter';
import type { JournaledReview, ReviewJournal } from './reviewJournal';

/**
 * The reviews an earlier window left (a reload, a crash, or a document closed while its review ran): each document is
 * looked at once, when it is open (see `core/reviewRecord.ts` for what is done). Bringing a review back is the
 * controller's; putting the original lines back, and saying when a review cannot be found, is done here.
 */
export class ReviewRecovery {
  private readonly recovering = new Map<string, Promise<void>>();

  constructor(
    private readonly journal: ReviewJournal,
    private readonly log: ExtensionLog,
    /** Reviews left behind, by document URI, until their document is looked at. */
    private readonly left: Map<string, JournaledReview>,
    private readonly stopped: () => boolean,
    private readonly revive: (
      document: vscode.TextDocument,
      presentation: Presentation,
      proposal: Proposal,
      region: { readonly start: number; readonly end: number },
    ) => Promise<void>,
  ) {}

  get waiting(): boolean {
    return this.left.size > 0;
  }

  /** A review that ended with its document, to look at if the document opens again. */
  leave(key: string, review: JournaledReview): void {
    this.left.set(key, review);
  }

  /** Looks once at a document a review was left in (resolves at once when there is none). */
  recover(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const running = this.recovering.get(key);
    if (running) return running;
    const left = this.left.get(key);
    if (!left) return Promise.resolve();
    this.left.delete(key);
    const recovery = this.bringBack(document, left)
      .catch((error: unknown) => this.log.error(`Recovering an edit review failed: ${String(error)}`))
      .finally(() => this.recovering.delete(key));
    this.recovering.set(key, recovery);
    return recovery;
  }

  private async bringBack(document: vscode.TextDocument, left: JournaledReview): Promise<void> {
    if (this.stopped()) return;
    const key = document.uri.toString();
    const name = document.uri.path.split('/').pop() || key;
    const plan = planRecovery(document.getText(), left.record, left.fix);
    this.log.info(`An edit review left in ${key}: ${plan.kind}`);
    switch (plan.kind) {
      case 'clean':
        await this.journal.remove(key);
        return;
      case 'review':
        await this.revive(document, left.record.presentation, plan.proposal, plan);
        vscode.window.setStatusBarMessage(
          vscode.l10n.t('Gateway Chat: the proposed edit of {0} is back for review.', name),
          8000,
        );
        return;
      case 'restore': {
        const change = { offset: plan.start, length: plan.end - plan.start, text: plan.original };
        if (!(await replaceText(document, [change], { before: true, after: true }))) {
          this.log.warn(
            'The original lines of an interrupted edit could not be put back; the next window tries again.',
          );
          return;
        }
        await this.journal.remove(key);
        void vscode.window.showInformationMessage(
          vscode.l10n.t('The Gateway Chat edit of {0} was interrupted: its original lines are back.', name),
        );
        return;
      }
      case 'lost': {
        await this.journal.remove(key);
        if (document.isDirty) void this.offerOriginal(document, name, plan.original);
        return;
      }
    }
  }

  /** The region cannot be found (the text around it changed): the user decides, with the original lines at hand. */
  private async offerOriginal(document: vscode.TextDocument, name: string, original: string): Promise<void> {
    const show = vscode.l10n.t('Show Original Lines');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Gateway Chat was showing a proposed edit in {0} and cannot find it any more. Check the file for proposed lines.',
        name,
      ),
      show,
    );
    if (choice !== show) return;
    const copy = await vscode.workspace.openTextDocument({ language: document.languageId, content: original });
    await vscode.window.showTextDocument(copy, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}
