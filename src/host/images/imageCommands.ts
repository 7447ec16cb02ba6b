import * as vscode from 'vscode';
import type { ExtensionLog } from '../log';
import {
  askAboutScreenshotText,
  ATTACH_IMAGE_COMMAND,
  attachFiles,
  pickImageFiles,
  screenshotImage,
  type ImagePanel,
} from './attachImages';

/**
 * `gatewayChat.attachImage` (a file picker; given `vscode.Uri[]` it attaches those files without asking, for
 * scripts and tests), `gatewayChat.attachScreenshot` and `gatewayChat.askAboutScreenshot`.
 */
export function registerImageCommands(panel: ImagePanel, log: ExtensionLog): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ATTACH_IMAGE_COMMAND, async (given?: unknown) => {
      const uris =
        Array.isArray(given) && given.length > 0 && given.every((item) => item instanceof vscode.Uri)
          ? (given as vscode.Uri[])
          : await pickImageFiles();
      if (uris?.length) await attachFiles(panel, uris);
    }),
    // Both return what happened ('captured', 'cancelled', 'failed' or 'noTool'), for scripts and tests.
    vscode.commands.registerCommand('gatewayChat.attachScreenshot', async () => {
      const outcome = await screenshotImage(log);
      if (outcome.kind === 'captured') await panel.attachImages([outcome.image]);
      return outcome.kind;
    }),
    vscode.commands.registerCommand('gatewayChat.askAboutScreenshot', async () => {
      const outcome = await screenshotImage(log);
      if (outcome.kind !== 'captured') return outcome.kind;
      const question = await askAboutScreenshotText();
      // Without a question the screenshot is still attached, for the user to ask in the panel.
      await panel.attachImages([outcome.image], question);
      return outcome.kind;
    }),
  ];
}
