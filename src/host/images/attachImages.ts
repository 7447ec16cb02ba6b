import * as vscode from 'vscode';
import type { IncomingImage } from '../../shared/protocol';
import type { ExtensionLog } from '../log';
import { imageFromBytes, readImageFiles } from './imageFiles';
import { captureScreenshot } from './screenshot';

/** Where read images go: the chat panel, brought into sight (they are prepared and shown as chips there). */
export interface ImagePanel {
  attachImages(images: readonly IncomingImage[], thenSend?: string): Promise<void>;
}

export const ATTACH_IMAGE_COMMAND = 'gatewayChat.attachImage';

/** Reads the files and attaches the images among them; the others are named in one warning. */
export async function attachFiles(
  panel: ImagePanel,
  uris: readonly vscode.Uri[],
  earlierProblems: readonly string[] = [],
): Promise<void> {
  const { images, problems } = await readImageFiles(uris);
  const all = [...earlierProblems, ...problems];
  if (all.length > 0) void vscode.window.showWarningMessage(all.join('\n'));
  if (images.length > 0) await panel.attachImages(images);
}

/** The file picker (several images at once). */
export async function pickImageFiles(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: vscode.l10n.t('Attach'),
    title: vscode.l10n.t('Attach Images'),
    filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'gif', 'webp'] },
  });
}

/**
 * Remote windows whose extension host runs on another machine than the user's screen: no capture tool there can
 * see it. (A server on the user's own machine opened in a browser is not one of them.)
 */
const REMOTE_KINDS = new Set([
  'ssh-remote',
  'wsl',
  'dev-container',
  'attached-container',
  'codespaces',
  'tunnel',
  'k8s-container',
]);

function runsRemotely(): boolean {
  return vscode.env.remoteName !== undefined && REMOTE_KINDS.has(vscode.env.remoteName);
}

export type ScreenshotOutcome =
  { readonly kind: 'captured'; readonly image: IncomingImage } | { readonly kind: 'cancelled' | 'failed' | 'noTool' };

/**
 * Captures an area of the screen and returns it as an image for the panel; tells the user when no capture tool can
 * run here (none installed, or VS Code runs remotely), offering the file picker instead (without waiting for the
 * answer).
 */
export async function screenshotImage(log: ExtensionLog): Promise<ScreenshotOutcome> {
  const result = runsRemotely() ? ({ kind: 'noTool' } as const) : await captureScreenshot();
  switch (result.kind) {
    case 'captured': {
      log.info(`Screenshot captured with ${result.tool} (${result.bytes.length} bytes).`);
      const image = imageFromBytes(result.bytes, 'screenshot.png');
      if (typeof image === 'string') {
        void vscode.window.showErrorMessage(image);
        return { kind: 'failed' };
      }
      return { kind: 'captured', image };
    }
    case 'cancelled':
      log.info(`Screenshot cancelled (${result.tool} wrote no image).`);
      return { kind: 'cancelled' };
    case 'failed':
      log.warn(`Screenshot with ${result.tool} failed: ${result.message}`);
      void vscode.window.showErrorMessage(
        vscode.l10n.t('The screenshot with {0} failed: {1}', result.tool, result.message),
      );
      return { kind: 'failed' };
    case 'noTool': {
      const choose = vscode.l10n.t('Choose File…');
      const message = runsRemotely()
        ? vscode.l10n.t('Screenshots cannot be taken while VS Code runs remotely. Attach an image file instead.')
        : process.platform === 'linux'
          ? vscode.l10n.t(
              'No screenshot tool was found. Install one of gnome-screenshot, spectacle, grim and slurp, scrot or ImageMagick, or attach an image file.',
            )
          : vscode.l10n.t('No screenshot tool is available on this system. Attach an image file instead.');
      log.info('No screenshot tool found on PATH.');
      void vscode.window.showWarningMessage(message, choose).then((choice) => {
        if (choice === choose) void vscode.commands.executeCommand(ATTACH_IMAGE_COMMAND);
      });
      return { kind: 'noTool' };
    }
  }
}

/** The question and the current selection (as a fenced block), for Ask About a Screenshot. */
export async function askAboutScreenshotText(): Promise<string | undefined> {
  const question = await vscode.window.showInputBox({
    title: vscode.l10n.t('Ask About the Screenshot'),
    prompt: vscode.l10n.t('What do you want to know about the screenshot?'),
    placeHolder: vscode.l10n.t('e.g. Why is this dialog showing an error?'),
    ignoreFocusOut: true,
  });
  if (!question?.trim()) return undefined;
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  if (!selected.trim()) return question;
  const fence = selected.includes('```') ? '````' : '```';
  return `${question}\n\n${fence}${editor?.document.languageId ?? ''}\n${selected}\n${fence}`;
}
