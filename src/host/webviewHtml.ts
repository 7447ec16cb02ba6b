import * as vscode from 'vscode';
import { panelHtml } from '../shared/panelHtml';
import { panelStrings } from './panelStrings';

/** `extraRoots`: folders the panel may load files from besides the extension's own (the stored images). */
export function webviewOptions(
  extensionUri: vscode.Uri,
  extraRoots: readonly vscode.Uri[] = [],
): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
      ...extraRoots,
    ],
  };
}

/** The panel's page for this webview, with a fresh nonce. */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return panelHtml({
    language: vscode.env.language,
    assetSource: webview.cspSource,
    nonce: createNonce(),
    asset: (...path) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', ...path)).toString(),
    strings: panelStrings(),
  });
}

function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
