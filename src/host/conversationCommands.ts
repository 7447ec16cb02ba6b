import * as vscode from 'vscode';
import { newId } from '../core/conversation';
import {
  conversationFromRecord,
  IMPORT_LIMITS,
  parseRecordBytes,
  recordToMarkdown,
  serializeRecord,
  type ConversationRecord,
  type RecordProblem,
} from '../core/conversationRecord';
import type { ChatViewProvider } from './chatViewProvider';
import type { ConversationHistory } from './conversationHistory';
import type { ExtensionLog } from './log';

/** Larger files are not conversations anyone typed: refused before reading. */
const MAX_IMPORT_BYTES = IMPORT_LIMITS.maxBytes;
/** How much of a conversation's text the history picker searches through. */
const SEARCH_TEXT_LENGTH = 20_000;

/**
 * The history commands: pick, rename, delete, export, import. Commands that act on one conversation take its id as
 * an optional first argument (default: the open one); export and import take an optional target/source `Uri` instead
 * of asking with a dialog (as VS Code's own commands do), which is also how the tests drive them.
 */
export function registerConversationCommands(
  provider: ChatViewProvider,
  history: ConversationHistory,
  log: ExtensionLog,
): vscode.Disposable[] {
  const session = provider.session;
  const store = history.store;

  async function openConversation(id: string): Promise<boolean> {
    if (session.current.id !== id) {
      const conversation = await history.restore(id);
      if (!conversation) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t('The conversation could not be opened. See the log for details.'),
        );
        return false;
      }
      await session.open(conversation);
    }
    await provider.reveal();
    return true;
  }

  /** The id a command acts on: its argument, else the open conversation (saved first, so there is a file to act on). */
  async function targetId(arg: unknown): Promise<string | undefined> {
    if (typeof arg === 'string' && arg) return arg;
    await session.restoreLast();
    if (session.current.messages.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This conversation has no messages yet.'));
      return undefined;
    }
    await history.saveNow(session.current);
    return session.current.id;
  }

  async function rename(arg: unknown, titleArg: unknown): Promise<string | undefined> {
    const id = await targetId(arg);
    if (!id) return undefined;
    const record = await store.load(id);
    if (!record) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The conversation could not be found.'));
      return undefined;
    }
    const title =
      typeof titleArg === 'string'
        ? titleArg
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('Rename Conversation'),
            value: record.title,
            prompt: vscode.l10n.t('The new title of the conversation'),
            validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter a title.')),
          });
    if (title === undefined || !title.trim()) return undefined;
    const renamed = await store.rename(id, title.replace(/\s+/g, ' ').trim());
    if (renamed) history.remember(renamed);
    return renamed?.title;
  }

  async function remove(arg: unknown): Promise<boolean> {
    const id = await targetId(arg);
    if (!id) return false;
    const summary = (await store.list()).find((candidate) => candidate.id === id);
    const title = summary?.title || vscode.l10n.t('Untitled conversation');
    const confirm = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the conversation "{0}"? This cannot be undone.', title),
      { modal: true },
      confirm,
    );
    if (answer !== confirm) return false;
    await store.delete(id);
    history.forget(id);
    log.info(`Deleted conversation ${id}.`);
    if (session.current.id === id) await session.newChat();
    return true;
  }

  async function showHistory(): Promise<void> {
    await session.restoreLast();
    for (;;) {
      const records = await store.loadAll();
      if (records.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There are no saved conversations yet.'));
        return;
      }
      const choice = await pickConversation(records, session.current.id);
      if (!choice) return;
      if (choice.action === 'open') {
        await openConversation(choice.id);
        return;
      }
      if (choice.action === 'rename') await rename(choice.id, undefined);
      else await remove(choice.id);
    }
  }

  async function exportConversation(arg: unknown): Promise<vscode.Uri | undefined> {
    await session.restoreLast();
    const conversation = session.current;
    if (conversation.messages.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This conversation has no messages yet.'));
      return undefined;
    }
    const record = history.recordOf(conversation);
    let target = arg instanceof vscode.Uri ? arg : undefined;
    if (!target) {
      const markdown = { label: vscode.l10n.t('Markdown'), extension: 'md' };
      const json = { label: vscode.l10n.t('JSON (can be imported again)'), extension: 'json' };
      const format = await vscode.window.showQuickPick([markdown, json], {
        title: vscode.l10n.t('Export Conversation'),
        placeHolder: vscode.l10n.t('Export as'),
      });
      if (!format) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `${fileNameFor(record.title)}.${format.extension}`;
      target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export Conversation'),
        saveLabel: vscode.l10n.t('Export'),
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
        filters: format === markdown ? { Markdown: ['md'] } : { JSON: ['json'] },
      });
      if (!target) return undefined;
    }
    const asMarkdown = /\.(md|markdown)$/i.test(target.path);
    await vscode.workspace.fs.writeFile(
      target,
      new TextEncoder().encode(asMarkdown ? recordToMarkdown(record) : serializeRecord(record)),
    );
    log.info(`Exported conversation ${record.id} to ${target.toString(true)}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Conversation exported to {0}.', baseName(target)));
    return target;
  }

  async function importConversation(arg: unknown): Promise<string | undefined> {
    let source = arg instanceof vscode.Uri ? arg : undefined;
    if (!source) {
      const picked = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Import Conversation'),
        openLabel: vscode.l10n.t('Import'),
        canSelectMany: false,
        filters: { JSON: ['json'] },
      });
      source = picked?.[0];
      if (!source) return undefined;
    }
    const refuse = (reason: string): undefined => {
      log.warn(`Import of ${source.toString(true)} refused: ${reason}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot import {0}: {1}', baseName(source), reason));
      return undefined;
    };
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(source);
      if (stat.size > MAX_IMPORT_BYTES) return refuse(vscode.l10n.t('the file is larger than 50 MB.'));
      bytes = await vscode.workspace.fs.readFile(source);
    } catch (error) {
      return refuse(error instanceof Error ? error.message : String(error));
    }
    // Size, depth and number of values are checked before anything is parsed, and the parsing pauses for the
    // event loop: a hostile file neither freezes the extension host nor gets in.
    const parsed = await parseRecordBytes(bytes, IMPORT_LIMITS);
    if (!parsed.ok) return refuse(describeProblem(parsed.problem));
    await session.restoreLast();
    const { version, title, createdAt, messages } = parsed.record;
    const record: ConversationRecord = {
      version,
      id: newId('c'),
      title,
      createdAt,
      updatedAt: new Date().toISOString(),
      messages,
    };
    const { revision } = await store.save(record);
    history.remember(record);
    history.based({ ...record, revision });
    log.info(
      `Imported ${source.toString(true)} as conversation ${record.id}` +
        (parsed.skipped ? ` (${parsed.skipped} invalid messages left out)` : '') +
        (parsed.droppedImages ? ` (${parsed.droppedImages} images that were not embedded pictures left out)` : '') +
        '.',
    );
    if (parsed.skipped > 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Imported "{0}"; {1} messages that were not valid were left out.', record.title, parsed.skipped),
      );
    }
    if (parsed.droppedImages > 0) {
      // Web addresses would be fetched by the gateway with the next turn, SVG can carry scripts: only embedded
      // PNG, JPEG, GIF and WebP pictures come in.
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Imported "{0}"; {1} images were left out: only embedded PNG, JPEG, GIF and WebP pictures are imported, never web addresses or SVG.',
          record.title,
          parsed.droppedImages,
        ),
      );
    }
    await session.open(conversationFromRecord(record));
    await provider.reveal();
    return record.id;
  }

  const guard =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await run(...args);
      } catch (error) {
        log.error(`${name} failed: ${String(error)}`);
        void vscode.window.showErrorMessage(
          vscode.l10n.t('Gateway Chat: {0}', error instanceof Error ? error.message : String(error)),
        );
        return undefined;
      }
    };

  return [
    vscode.commands.registerCommand('gatewayChat.showHistory', guard('showHistory', showHistory)),
    vscode.commands.registerCommand('gatewayChat.renameConversation', guard('renameConversation', rename)),
    vscode.commands.registerCommand('gatewayChat.deleteConversation', guard('deleteConversation', remove)),
    vscode.commands.registerCommand('gatewayChat.exportConversation', guard('exportConversation', exportConversation)),
    vscode.commands.registerCommand('gatewayChat.importConversation', guard('importConversation', importConversation)),
  ];
}

type Choice = { readonly action: 'open' | 'rename' | 'delete'; readonly id: string };

interface ConversationItem extends vscode.QuickPickItem {
  readonly id: string;
}

/** A searchable list of the conversations, newest first, with rename and delete buttons on each. */
function pickConversation(records: readonly ConversationRecord[], currentId: string): Promise<Choice | undefined> {
  const renameButton: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('edit'),
    tooltip: vscode.l10n.t('Rename'),
  };
  const deleteButton: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('trash'),
    tooltip: vscode.l10n.t('Delete'),
  };
  const pick = vscode.window.createQuickPick<ConversationItem>();
  pick.title = vscode.l10n.t('Conversations');
  pick.placeholder = vscode.l10n.t('Search by title or message text');
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = records.map((record) => ({
    id: record.id,
    label: `${record.id === currentId ? '$(comment-discussion) ' : ''}${record.title || vscode.l10n.t('Untitled conversation')}`,
    description: vscode.l10n.t(
      '{0} · {1} messages',
      new Date(record.updatedAt).toLocaleString(),
      record.messages.length,
    ),
    detail: searchText(record),
    buttons: [renameButton, deleteButton],
  }));
  return new Promise<Choice | undefined>((resolve) => {
    let choice: Choice | undefined;
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item) choice = { action: 'open', id: item.id };
      pick.hide();
    });
    pick.onDidTriggerItemButton((event) => {
      choice = { action: event.button === deleteButton ? 'delete' : 'rename', id: event.item.id };
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(choice);
    });
    pick.show();
  });
}

/** The conversation's text on one line (the picker filters on it), cut to SEARCH_TEXT_LENGTH. */
function searchText(record: ConversationRecord): string {
  const text = record.messages
    .map((message) => message.text.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' · ');
  return text.length > SEARCH_TEXT_LENGTH ? `${text.slice(0, SEARCH_TEXT_LENGTH)}…` : text;
}

/** Why a file is not a conversation, in the user's language. */
function describeProblem(problem: RecordProblem): string {
  const [first = '', second = ''] = problem.args;
  switch (problem.code) {
    case 'notJson':
      return vscode.l10n.t('it is not valid JSON ({0})', first);
    case 'notObject':
      return vscode.l10n.t('it is not a JSON object');
    case 'noVersion':
      return vscode.l10n.t('it has no "version": it is not a Gateway Chat conversation');
    case 'badVersion':
      return vscode.l10n.t('its version {0} is not supported (expected {1})', first, second);
    case 'badId':
      return vscode.l10n.t('its "id" is missing or not a simple name');
    case 'noMessageList':
      return vscode.l10n.t('it has no "messages" list');
    case 'badTitle':
      return vscode.l10n.t('its "title" is not text');
    case 'noMessages':
      return vscode.l10n.t('it has no messages');
    case 'noValidMessages':
      return vscode.l10n.t('none of its {0} messages is valid', first);
    case 'tooLarge':
      return vscode.l10n.t('it is larger than {0} MB', first);
    case 'tooDeep':
      return vscode.l10n.t('it is nested more than {0} levels deep', first);
    case 'tooManyValues':
      return vscode.l10n.t('it holds more than {0} values', first);
    case 'partTooLarge':
      return vscode.l10n.t('one of its parts is too large (more than {0})', first);
    default:
      return assertNever(problem.code);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected record problem: ${String(value)}`);
}

function fileNameFor(title: string): string {
  const name = title
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60);
  return name || 'conversation';
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
