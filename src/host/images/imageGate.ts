import * as vscode from 'vscode';
import type { ImageAttachment } from '../../core/conversation';
import { dataUrlMatchesType } from '../../shared/imageSniff';
import type { OutgoingImage } from '../../shared/protocol';
import type { ChatConfiguration } from '../configuration';
import type { ModelCatalogService } from '../modelCatalogService';

/**
 * The images of a message about to be sent, checked again by the host: each one's bytes must be the type its data
 * URL declares. When the model catalog says the model takes no images, the user decides (send anyway, pick another
 * model, or cancel); when the catalog does not know the model, the message goes. Undefined: do not send (the panel
 * keeps the text and the images).
 */
export async function imagesToSend(
  images: readonly OutgoingImage[],
  config: ChatConfiguration,
  catalog: ModelCatalogService,
): Promise<ImageAttachment[] | undefined> {
  if (images.length === 0) return [];
  const forged = images.find((image) => !dataUrlMatchesType(image.url));
  if (forged) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        '{0} is not the kind of image it claims to be, so the message was not sent.',
        forged.name ?? vscode.l10n.t('An image'),
      ),
    );
    return undefined;
  }
  const entry = await catalog.entryFor(config.baseUrl, config.model);
  if (entry?.supportsImages === false) {
    const sendAnyway = vscode.l10n.t('Send Anyway');
    const selectModel = vscode.l10n.t('Select Model…');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Model {0} does not take images.', config.model),
      {
        modal: true,
        detail: vscode.l10n.t(
          'The model catalog of the gateway lists only text input for it. Choose a model that takes images, or send the message as it is.',
        ),
      },
      sendAnyway,
      selectModel,
    );
    if (choice === selectModel) {
      await catalog.pickModel();
      return undefined;
    }
    if (choice !== sendAnyway) return undefined;
  }
  return images.map(({ url, detail, width, height, name }) => ({
    url,
    detail,
    width,
    height,
    ...(name ? { name } : {}),
  }));
}
