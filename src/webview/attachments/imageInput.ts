/**
 * The ways an image gets into the composer from the page itself: pasted (clipboard), dropped from the OS (File
 * objects) or from VS Code's Explorer (URIs, which only the host can read: they are posted as `attachUris`).
 * VS Code lets a drop reach a webview only while Shift is held.
 */
import { MAX_SOURCE_IMAGE_BYTES } from '../../shared/imageSniff';
import { MAX_DROPPED_URIS } from '../../shared/protocol';
import type { ImageSource } from './attachmentTray';

export interface ImageInputHandlers {
  attach(sources: ImageSource[]): void;
  attachUris(uris: string[]): void;
}

const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'];

export function listenForImages(composer: HTMLElement, dropZone: HTMLElement, handlers: ImageInputHandlers): void {
  composer.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    // Files on the clipboard are attached; plain text pastes as usual.
    event.preventDefault();
    void readFiles(files).then(handlers.attach);
  });
  dropZone.addEventListener('dragover', (event) => {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('drop', (event) => {
    const transfer = event.dataTransfer;
    if (!transfer || !carriesFiles(transfer)) return;
    event.preventDefault();
    const files = [...transfer.files];
    if (files.length > 0) {
      void readFiles(files).then(handlers.attach);
      return;
    }
    const uris = urisOf(transfer);
    if (uris.length > 0) handlers.attachUris(uris.slice(0, MAX_DROPPED_URIS));
  });
}

function carriesFiles(transfer: DataTransfer | null): boolean {
  return !!transfer && [...transfer.types].some((type) => type === 'Files' || URI_LIST_TYPES.includes(type));
}

function urisOf(transfer: DataTransfer): string[] {
  for (const type of URI_LIST_TYPES) {
    const list = transfer.getData(type);
    if (!list) continue;
    // text/uri-list: one URI a line, `#` lines are comments.
    const uris = list
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    if (uris.length > 0) return uris;
  }
  return [];
}

/** Reads the files, except those too large to attach: those are not read at all, only named with their size. */
async function readFiles(files: readonly File[]): Promise<ImageSource[]> {
  return Promise.all(
    files.map(async (file) => {
      const name = file.name || 'image';
      if (file.size > MAX_SOURCE_IMAGE_BYTES) return { bytes: new Uint8Array(0), name, unreadSize: file.size };
      return { bytes: new Uint8Array(await file.arrayBuffer()), name };
    }),
  );
}
