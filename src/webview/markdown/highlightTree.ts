/**
 * What the lazily loaded highlighter (highlight.ts, built on its own as dist/highlight.js) hands the panel: a tree of
 * plain strings and named scopes, never HTML. The panel turns it into text nodes and spans (codeHighlighting.ts).
 */
export interface HighlightNode {
  /** highlight.js's scope name, e.g. `keyword` or `title.function`; none for the root. */
  scope?: string;
  readonly children: (string | HighlightNode)[];
}

export interface Highlighter {
  /** The tree of `code` in `language` (a name or an alias), or undefined for a language it does not know. */
  highlight(code: string, language: string): HighlightNode | undefined;
}

declare global {
  interface Window {
    /** Set by dist/highlight.js when it has loaded. */
    gatewayChatHighlighter?: Highlighter;
  }
}
