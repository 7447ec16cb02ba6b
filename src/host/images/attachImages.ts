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
export async function attachFiles(panel: ImagePanel, uris: readonly vscode.Uri[], earlierProblems: readonly string[] = []): Promise<void> {
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
 * Captures an area of the screen and returns it as an image for the panel; tells the user when no capture tool can
 * run here (none installed, or VS Code runs remotely), offering the file picker instead.
 */
export async function screenshotImage(log: ExtensionLog): Promise<IncomingImage | undefined> {
  const result = vscode.env.remoteName ? ({ kind: 'noTool' } as const) : await captureScreenshot();
  switch (result.kind) {
    case 'captured': {
      log.info(`Screenshot captured with ${result.tool} (${result.bytes.length} bytes).`);
      const image = imageFromBytes(result.bytes, 'screenshot.png');
      if (typeof image === 'string') {
        void vscode.window.showErrorMessage(image);
        return undefined;
      }
      return image;
    }
    case 'cancelled':
      log.info(`Screenshot cancelled (${result.tool} wrote no image).`);
      return undefined;
    case 'failed':
      log.warn(`Screenshot with ${result.tool} failed: ${result.message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The screenshot with {0} failed: {1}', result.tool, result.message));
      return undefined;
    case 'noTool': {
      const choose = vscode.l10n.t('Choose File…');
      const message = vscode.env.remoteName
        ? vscode.l10n.t('Screenshots cannot be taken while VS Code runs remotely. Attach an image file instead.')
        : process.platform === 'linux'
          ? vscode.l10n.t('No screenshot tool was found. Install one of gnome-screenshot, spectacle, grim and slurp, scrot or ImageMagick, or attach an image file.')
          : vscode.l10n.t('No screenshot tool is available on this system. Attach an image file instead.');
      if ((await vscode.window.showWarningMessage(message, choose)) === choose) await vscode.commands.executeCommand(ATTACH_IMAGE_COMMAND);
      return undefined;
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
