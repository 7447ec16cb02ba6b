import * as vscode from 'vscode';
import type { ExtensionLog } from '../log';
import { askAboutScreenshotText, ATTACH_IMAGE_COMMAND, attachFiles, pickImageFiles, screenshotImage, type ImagePanel } from './attachImages';

/**
 * `gatewayChat.attachImage` (a file picker; given `vscode.Uri[]` it attaches those files without asking, for
 * scripts and tests), `gatewayChat.attachScreenshot` and `gatewayChat.askAboutScreenshot`.
 */
export function registerImageCommands(panel: ImagePanel, log: ExtensionLog): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ATTACH_IMAGE_COMMAND, async (given?: unknown) => {
      const uris = Array.isArray(given) && given.length > 0 && given.every((item) => item instanceof vscode.Uri) ? (given as vscode.Uri[]) : await pickImageFiles();
      if (uris?.length) await attachFiles(panel, uris);
    }),
    vscode.commands.registerCommand('gatewayChat.attachScreenshot', async () => {
      const image = await screenshotImage(log);
      if (image) await panel.attachImages([image]);
    }),
    vscode.commands.registerCommand('gatewayChat.askAboutScreenshot', async () => {
      const image = await screenshotImage(log);
      if (!image) return;
      const question = await askAboutScreenshotText();
      // Without a question the screenshot is still attached, for the user to ask in the panel.
      await panel.attachImages([image], question);
    }),
  ];
}
