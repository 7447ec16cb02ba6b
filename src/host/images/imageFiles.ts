import * as vscode from 'vscode';
import {
  bytesToBase64,
  formatBytes,
  looksLikeSvg,
  MAX_SOURCE_IMAGE_BYTES,
  SNIFF_LENGTH,
  sniffImageType,
} from '../../shared/imageSniff';
import type { IncomingImage } from '../../shared/protocol';
import { readRegularFile } from './boundedRead';

/** The largest file read for the panel to prepare; the panel scales it down before anything is sent. */
export const MAX_IMAGE_FILE_BYTES = MAX_SOURCE_IMAGE_BYTES;
/** Schemes of files a workspace can read (local, remote, user data); anything else dropped on the panel is refused. */
const READABLE_SCHEMES = new Set(['file', 'vscode-remote', 'vscode-userdata', 'vscode-vfs', 'untitled']);

export interface ReadImages {
  readonly images: IncomingImage[];
  /** One line per refused file, naming it and saying why. */
  readonly problems: string[];
}

/** Parses the URIs the panel posted (dropped from the Explorer); unparseable ones and other schemes are refused. */
export function parseDroppedUris(raw: readonly string[]): { uris: vscode.Uri[]; problems: string[] } {
  const uris: vscode.Uri[] = [];
  const problems: string[] = [];
  for (const text of raw) {
    let uri: vscode.Uri | undefined;
    try {
      uri = vscode.Uri.parse(text, true);
    } catch {
      uri = undefined;
    }
    if (!uri || !READABLE_SCHEMES.has(uri.scheme)) {
      problems.push(
        vscode.l10n.t('{0}: only files of the workspace or this computer can be attached.', text.slice(0, 200)),
      );
      continue;
    }
    uris.push(uri);
  }
  return { uris, problems };
}

/**
 * Reads image files for the panel: each must be a regular file (not a folder, a device or a pipe) of at most
 * `MAX_IMAGE_FILE_BYTES`, checked before it is read and read no further than that; then its content must be PNG,
 * JPEG, GIF or WebP.
 */
export async function readImageFiles(uris: readonly vscode.Uri[]): Promise<ReadImages> {
  const images: IncomingImage[] = [];
  const problems: string[] = [];
  for (const uri of uris) {
    const name = uri.path.split('/').pop() || uri.toString();
    try {
      const read = await readRegularFile(uri, MAX_IMAGE_FILE_BYTES);
      switch (read.kind) {
        case 'folder':
          problems.push(vscode.l10n.t('{0} is a folder, not an image.', name));
          continue;
        case 'special':
          problems.push(
            vscode.l10n.t('{0} is not a regular file (a device, a pipe or a socket), so it cannot be attached.', name),
          );
          continue;
        case 'tooLarge':
          problems.push(
            vscode.l10n.t(
              '{0} is too large to attach ({1}; the limit is {2}).',
              name,
              formatBytes(read.size),
              formatBytes(MAX_IMAGE_FILE_BYTES),
            ),
          );
          continue;
        case 'read': {
          const image = imageFromBytes(read.bytes, name);
          if (typeof image === 'string') problems.push(image);
          else images.push(image);
        }
      }
    } catch (error) {
      problems.push(
        vscode.l10n.t('{0} could not be read: {1}', name, error instanceof Error ? error.message : String(error)),
      );
    }
  }
  return { images, problems };
}

/** The image as a data URL of its real type, or why it is refused. */
export function imageFromBytes(bytes: Uint8Array, name: string): IncomingImage | string {
  const mime = sniffImageType(bytes.subarray(0, SNIFF_LENGTH));
  if (!mime) {
    return looksLikeSvg(bytes)
      ? vscode.l10n.t('{0} is an SVG image. SVG is never attached: export it as PNG first.', name)
      : vscode.l10n.t(
          '{0} is not a PNG, JPEG, GIF or WebP image (checked by its content), so it cannot be attached.',
          name,
        );
  }
  return { url: `data:${mime};base64,${bytesToBase64(bytes)}`, name };
}
