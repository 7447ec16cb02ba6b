/**
 * The one markdown-it instance of the panel: CommonMark + GFM tables and strikethrough, bare URLs linkified, raw HTML
 * off (it stays text), bounded nesting. Only its tokens are used: `render.ts` builds DOM nodes from them.
 */
import MarkdownIt from 'markdown-it';

type Parser = ReturnType<typeof MarkdownIt>;
export type Token = ReturnType<Parser['parse']>[number];

/** Deeper nesting than this is not parsed further (pathological input such as 10,000 nested `>`). */
const MAX_NESTING = 40;

let instance: Parser | undefined;

function markdownIt(): Parser {
  instance ??= new MarkdownIt('default', {
    html: false,
    linkify: true,
    typographer: false,
    breaks: false,
    maxNesting: MAX_NESTING,
  });
  return instance;
}

export function parseMarkdown(text: string): Token[] {
  return markdownIt().parse(text, {});
}

/**
 * Text for which rendering a later part alone may not be the same as rendering the whole: link reference definitions
 * (also inside block quotes and list items, and footnote-like `[^x]:`), carriage returns, and lines that look like
 * HTML. Such a reply is fully rendered on every update from then on.
 */
const NOT_INCREMENTAL = /\r|^(?:[ \t>]|(?:[*+-]|\d{1,9}[.)])[ \t])*\[(?:[^\]\\\n]|\\.)*\]:|^ {0,3}<[A-Za-z!?/]/m;

export function needsFullRender(text: string): boolean {
  return NOT_INCREMENTAL.test(text);
}
