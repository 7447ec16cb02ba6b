import { contentSecurityPolicy } from './contentSecurityPolicy';
import type { PanelStrings } from './panelStrings';

export interface PanelHtmlOptions {
  /** The page's language (VS Code's display language). */
  readonly language: string;
  /** Where styles, fonts and images may come from (the webview's `cspSource`). */
  readonly assetSource: string;
  /** A fresh random value per page load: only scripts carrying it run. */
  readonly nonce: string;
  /** The URL of a file of the built `dist/` folder, e.g. `asset('codicons', 'codicon.css')`. */
  readonly asset: (...path: string[]) => string;
  readonly strings: PanelStrings;
}

/**
 * The chat panel's page: the bundle, its styles and the translated strings, under the strict CSP. One template for
 * the extension and for the browser tests, so the tests load exactly the page users get.
 */
export function panelHtml(options: PanelHtmlOptions): string {
  const { asset, nonce } = options;
  const csp = contentSecurityPolicy(options.assetSource, nonce);
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(options.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(asset('codicons', 'codicon.css'))}">
<link rel="stylesheet" href="${escapeAttribute(asset('webview.css'))}">
<title>Gateway Chat</title>
</head>
<body data-strings="${escapeAttribute(JSON.stringify(options.strings))}">
<script nonce="${nonce}" src="${escapeAttribute(asset('webview.js'))}"></script>
</body>
</html>`;
}

export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
