/**
 * Colours settled code blocks, off the critical path: blocks are queued when they can no longer change, and
 * highlighted in idle time by the highlighter script (dist/highlight.js), loaded with the page's nonce the first time
 * one is needed. The highlighter's tree becomes text nodes inside spans (`hl-<scope>` classes, coloured from the theme
 * in chat.css); the text of a block never changes, and blocks over `MAX_HIGHLIGHT_CHARS` stay plain.
 */
import type { HighlightNode, Highlighter } from './highlightTree';

export const MAX_HIGHLIGHT_CHARS = 50_000;
/** Set on a `code` element once its highlighting is applied. */
export const HIGHLIGHTED_ATTRIBUTE = 'data-highlighted';
const IDLE_TIMEOUT_MS = 200;
const BUDGET_MS = 8;

/** The panel's own script, while it runs for the first time: where the highlighter lives and the nonce to load it with. */
const panelScript =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement
    ? document.currentScript
    : null;

let loading: Promise<Highlighter | undefined> | undefined;

function loadHighlighter(): Promise<Highlighter | undefined> {
  loading ??= new Promise((resolve) => {
    if (window.gatewayChatHighlighter) return resolve(window.gatewayChatHighlighter);
    if (!panelScript?.src) return resolve(undefined);
    const script = document.createElement('script');
    script.nonce = panelScript.nonce ?? '';
    script.src = new URL('highlight.js', panelScript.src).href;
    script.addEventListener('load', () => resolve(window.gatewayChatHighlighter));
    script.addEventListener('error', () => resolve(undefined));
    document.head.append(script);
  });
  return loading;
}

const queue: HTMLElement[] = [];
let scheduled = false;

/** Queues the code blocks of settled nodes (top-level blocks of a reply) for highlighting. */
export function highlightSettled(nodes: Iterable<Node>): void {
  for (const node of nodes) {
    if (!(node instanceof Element)) continue;
    if (node.matches('pre > code[class^="language-"]')) queue.push(node as HTMLElement);
    for (const code of node.querySelectorAll<HTMLElement>('pre > code[class^="language-"]')) queue.push(code);
  }
  schedule();
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  const run = (deadline?: IdleDeadline) => {
    void loadHighlighter().then((highlighter) => {
      scheduled = false;
      if (!highlighter) {
        queue.length = 0;
        return;
      }
      const started = performance.now();
      const timeLeft = () =>
        deadline && !deadline.didTimeout ? deadline.timeRemaining() : BUDGET_MS - (performance.now() - started);
      while (queue.length > 0 && timeLeft() > 0) {
        const code = queue.shift();
        if (code) highlightCode(code, highlighter);
      }
      schedule();
    });
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
  else setTimeout(run, 0);
}

function highlightCode(code: HTMLElement, highlighter: Highlighter): void {
  if (!code.isConnected || code.hasAttribute(HIGHLIGHTED_ATTRIBUTE)) return;
  const language = /^language-(\S+)$/.exec(code.className)?.[1];
  const text = code.textContent ?? '';
  if (!language || text.length > MAX_HIGHLIGHT_CHARS || code.childElementCount > 0) return;
  const tree = highlighter.highlight(text, language);
  if (!tree) return;
  const fragment = document.createDocumentFragment();
  appendTree(tree, fragment);
  // Highlighting only wraps text: anything else is not applied.
  if (fragment.textContent !== text) return;
  code.replaceChildren(fragment);
  code.setAttribute(HIGHLIGHTED_ATTRIBUTE, '');
}

function appendTree(node: HighlightNode, parent: Node): void {
  for (const child of node.children) {
    if (typeof child === 'string') {
      parent.appendChild(document.createTextNode(child));
      continue;
    }
    const span = document.createElement('span');
    const classes = scopeClasses(child.scope);
    if (classes) span.className = classes;
    appendTree(child, span);
    parent.appendChild(span);
  }
}

/** `title.function` → `hl-title hl-title-function`; sub-language roots (`language:css`) get no class. */
function scopeClasses(scope: string | undefined): string {
  if (!scope || scope.startsWith('language:')) return '';
  const parts = scope.split('.').filter((part) => /^[A-Za-z_][\w-]*$/.test(part));
  if (parts.length === 0) return '';
  return parts.length > 1 ? `hl-${parts[0]} hl-${parts.join('-')}` : `hl-${parts[0]}`;
}
