/**
 * Project instructions: `AGENTS.md` and `.github/copilot-instructions.md` at the top of a workspace folder, sent as
 * system context with every chat request. They are a repository's text telling the model what to do, so they are read
 * only in a trusted workspace and only while `gatewayChat.projectInstructions` is on, capped in size, and always shown
 * to the user (a chip above the composer that opens the file): never silent.
 *
 * Nothing is read at activation: the first `current()` (when the panel shows) reads the files and starts watching
 * them; a change, a new or deleted file, a change of trust, of the setting or of the folders reads them again.
 */
import * as vscode from 'vscode';
import type { ProjectInstructionsText } from '../../core/systemContext';
import { decodeFileText } from '../../core/tools/textContent';
import { readProjectInstructionsSetting } from '../configuration';
import { readRegularFile } from '../images/boundedRead';
import { LinkGuard } from '../tools/linkGuard';
import { shownPath, workspaceFolders } from '../tools/workspaceUris';

/** The files read, relative to each workspace folder's top. */
export const INSTRUCTION_FILES: readonly (readonly string[])[] = [
  ['AGENTS.md'],
  ['.github', 'copilot-instructions.md'],
];
/** The most characters of one file sent; the rest is left out, and the chip says so. */
export const MAX_INSTRUCTION_CHARS = 16_000;
/** A larger file is not read at all (nor sent). */
const MAX_INSTRUCTION_BYTES = 1024 * 1024;
/** Changes that come together (a save, a checkout) are read once. */
const RELOAD_DELAY_MS = 200;

export interface ProjectInstructionsFile extends ProjectInstructionsText {
  readonly uri: vscode.Uri;
  /** The file is longer than `MAX_INSTRUCTION_CHARS`: only its beginning is sent. */
  readonly truncated: boolean;
}

export class ProjectInstructions implements vscode.Disposable {
  private loaded: Promise<ProjectInstructionsFile[]> | undefined;
  private latest: readonly ProjectInstructionsFile[] = [];
  private watchers: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<readonly ProjectInstructionsFile[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  /** The files read, whenever they change. */
  readonly onDidChange = this.changed.event;

  /** The instructions that go with the next request (read and watched from the first call on). */
  current(): Promise<readonly ProjectInstructionsFile[]> {
    this.start();
    this.loaded ??= this.read();
    return this.loaded;
  }

  /** What the last read found, without waiting (empty before the first read ends). */
  get known(): readonly ProjectInstructionsFile[] {
    return this.latest;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('gatewayChat.projectInstructions')) this.reload();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.reload();
      }),
    );
    this.watch();
  }

  /** One watcher per folder, for the instruction files only. */
  private watch(): void {
    this.watchers.forEach((watcher) => watcher.dispose());
    this.watchers = workspaceFolders().map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(folder, '{AGENTS.md,.github/copilot-instructions.md}'),
      );
      const reload = () => this.reload();
      return vscode.Disposable.from(
        watcher,
        watcher.onDidCreate(reload),
        watcher.onDidChange(reload),
        watcher.onDidDelete(reload),
      );
    });
  }

  private reload(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const next = this.read();
      this.loaded = next;
      void next.then((files) => {
        if (this.loaded === next) this.changed.fire(files);
      });
    }, RELOAD_DELAY_MS);
  }

  private async read(): Promise<ProjectInstructionsFile[]> {
    const files: ProjectInstructionsFile[] = [];
    if (vscode.workspace.isTrusted && readProjectInstructionsSetting()) {
      const guard = new LinkGuard();
      for (const folder of workspaceFolders()) {
        for (const segments of INSTRUCTION_FILES) {
          const file = await readInstructions(folder, segments, guard);
          if (file) files.push(file);
        }
      }
    }
    this.latest = files;
    return files;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watchers.forEach((watcher) => watcher.dispose());
    this.disposables.forEach((disposable) => disposable.dispose());
    this.changed.dispose();
  }
}

/** One instructions file's text, capped; undefined when it is missing, empty, binary, special or leads outside. */
async function readInstructions(
  folder: vscode.WorkspaceFolder,
  segments: readonly string[],
  guard: LinkGuard,
): Promise<ProjectInstructionsFile | undefined> {
  const uri = vscode.Uri.joinPath(folder.uri, ...segments);
  try {
    if (!(await guard.isInside(uri, folder.uri))) return undefined;
    const read = await readRegularFile(uri, MAX_INSTRUCTION_BYTES).then(undefined, () => undefined);
    if (read?.kind !== 'read') return undefined;
    const decoded = decodeFileText(read.bytes);
    if (decoded.kind !== 'text' || !decoded.text.trim()) return undefined;
    const truncated = decoded.text.length > MAX_INSTRUCTION_CHARS;
    const text = truncated ? `${decoded.text.slice(0, MAX_INSTRUCTION_CHARS)}\n[…]` : decoded.text;
    return { uri, path: shownPath(folder, segments.join('/')), text, truncated };
  } catch {
    return undefined;
  }
}
