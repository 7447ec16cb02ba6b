import * as vscode from 'vscode';
import { untoldSettings, userOnlySettingsIn, type UserOnlySetting } from '../core/userOnlySettings';
import { SECTION, userOnlySettingsSetByFolders } from './configuration';
import type { ExtensionLog } from './log';

/** `file#setting` entries already shown in a notification, per workspace: each is said once. */
const TOLD = 'gatewayChat.ignoredFolderSettings';
/**
 * A settings file larger than this is not read here (parsing it would hold up the extension host); its user-only
 * settings are ignored all the same.
 */
const MAX_FILE_BYTES = 256 * 1024;

interface SettingsFile {
  /** Stable identity (the file's URI; `workspace` for what VS Code reports without a file). */
  readonly key: string;
  readonly uri?: vscode.Uri;
  /** How the notification names it: `folder/.vscode/settings.json`, `project.code-workspace`. */
  readonly label: string;
  readonly workspaceFile: boolean;
  /** What to watch for changes of the file. */
  readonly pattern?: vscode.RelativePattern;
}

/**
 * Tells the user when a workspace or folder tries to set a setting that only they may set (core/userOnlySettings):
 * the value is ignored either way; this says so once per file and setting (a notification, and a line in the log
 * in each window), naming the file, so a user who put it there knowingly can move it to their user settings. VS Code
 * drops such settings from folder files before the extension sees them, so the files themselves are read.
 */
export class FolderSettingsNotice implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private readonly logged = new Set<string>();
  private checking: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: ExtensionLog,
    /** The workspace's memory (`workspaceState`): what was already said. */
    private readonly memory: vscode.Memento,
  ) {}

  /** Checks soon, and again whenever the workspace's settings files may have changed. */
  start(): void {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.check({ rewatch: true })),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) this.check();
      }),
    );
    // Activation only wires things together: the files are read right after it. With no folder open there is nothing
    // to read (a folder added later is checked then).
    const folders = vscode.workspace.workspaceFolders;
    if (Array.isArray(folders) && folders.length > 0) setTimeout(() => this.check({ rewatch: true }), 0);
  }

  /** Checks the settings files once more (one check at a time, in order). */
  check(options: { readonly rewatch?: boolean } = {}): void {
    this.checking = this.checking
      .then(() => {
        if (options.rewatch) this.watch();
        return this.run();
      })
      .catch((error: unknown) => this.log.warn(`Could not check the folder settings: ${String(error)}`));
  }

  private async run(): Promise<void> {
    const found: Array<{ file: SettingsFile; names: UserOnlySetting[] }> = [];
    for (const file of settingsFiles()) {
      const text = file.uri && (await readSmallFile(file.uri));
      if (!text) continue;
      const names = userOnlySettingsIn(text, SECTION, { workspaceFile: file.workspaceFile });
      if (names.length) found.push({ file, names });
    }
    // What VS Code still applies from a folder (a fork or an older build) that no file above explains.
    const explained = new Set(found.flatMap(({ names }) => names));
    const unexplained = userOnlySettingsSetByFolders().filter((name) => !explained.has(name));
    if (unexplained.length) {
      const label = vscode.l10n.t('the workspace settings');
      found.push({ file: { key: 'workspace', label, workspaceFile: false }, names: unexplained });
    }
    for (const { file, names } of found) await this.report(file, names);
  }

  private async report(file: SettingsFile, names: readonly UserOnlySetting[]): Promise<void> {
    const list = (of: readonly string[]) => of.map((name) => `${SECTION}.${name}`).join(', ');
    const where = file.uri ? describe(file.uri) : file.label;
    const line = `Ignored folder settings in ${where}: ${list(names)} (read from user settings only).`;
    if (!this.logged.has(line)) {
      this.logged.add(line);
      this.log.warn(line);
    }
    const told = this.memory.get<string[]>(TOLD) ?? [];
    const fresh = untoldSettings(file.key, names, told);
    if (!fresh.names.length) return;
    await this.memory.update(TOLD, [...told, ...fresh.entries]);
    const openSettings = vscode.l10n.t('Open User Settings');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'Gateway Chat ignores {0} in {1}: a folder cannot choose where your questions and API key go, what the model is told or which model you pay for. Only your user settings can set these.',
          list(fresh.names),
          file.label,
        ),
        openSettings,
      )
      .then((choice) => {
        if (choice === openSettings)
          void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:gateway-chat.gateway-chat`);
      });
  }

  /** Watches each settings file of the workspace for changes. */
  private watch(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = settingsFiles().flatMap(({ pattern }) => {
      if (!pattern) return [];
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      watcher.onDidCreate(() => this.check());
      watcher.onDidChange(() => this.check());
      watcher.onDidDelete(() => this.check());
      return [watcher];
    });
  }

  dispose(): void {
    for (const disposable of [...this.watchers, ...this.disposables]) disposable.dispose();
  }
}

/** The files a workspace's settings come from: each folder's `.vscode/settings.json` and a saved workspace file. */
function settingsFiles(): SettingsFile[] {
  const files: SettingsFile[] = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
    const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
    const label = `${folder.name}/.vscode/settings.json`;
    const pattern = new vscode.RelativePattern(folder, '.vscode/settings.json');
    return { key: uri.toString(), uri, label, workspaceFile: false, pattern };
  });
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') {
    const label = workspaceFile.path.slice(workspaceFile.path.lastIndexOf('/') + 1);
    const pattern = new vscode.RelativePattern(vscode.Uri.joinPath(workspaceFile, '..'), label);
    files.push({ key: workspaceFile.toString(), uri: workspaceFile, label, workspaceFile: true, pattern });
  }
  return files;
}

async function readSmallFile(uri: vscode.Uri): Promise<string | undefined> {
  try {
    if ((await vscode.workspace.fs.stat(uri)).size > MAX_FILE_BYTES) return undefined;
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined; // no such file: nothing to say
  }
}

function describe(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
}
