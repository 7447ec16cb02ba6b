/**
 * The panel's Content-Security-Policy. Scripts run only with the page's nonce; styles, fonts and images come only
 * from the extension (`source`, the webview's `cspSource`), images also from `data:`/`blob:` for the user's own
 * attachments. Nothing remote can load, and the page can open no connection, whatever a reply contains.
 * Shared so the browser tests load the panel under exactly the production policy.
 */
export function contentSecurityPolicy(source: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${source} data: blob:`,
    `style-src ${source}`,
    `font-src ${source}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}
