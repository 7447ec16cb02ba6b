/**
 * markdown-it tokens → DOM nodes, through an allowlist of elements. Text only ever becomes text nodes; no string is
 * ever parsed as HTML. Links get no navigable `href` (the URL is kept in `data-href`; a click is posted to the host),
 * and images never load: they become a placeholder that shows the alt text and the full URL.
 */
import { isOpenableLink } from '../../shared/protocol';
import { appendVisibleText, setInvisibleCharactersLabel } from './invisibleCharacters';
import type { Token } from './parser';

/** The elements model output may produce, keyed by markdown-it's tag names. */
const ALLOWED_TAGS: ReadonlySet<string> = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'em',
  'strong',
  's',
  'hr',
  'br',
]);

const LANGUAGE = /^[A-Za-z0-9_+#.-]{1,32}$/;
const ALIGNMENT = /^text-align:(left|center|right)$/;

export const COPY_BUTTON_CLASS = 'md-copy';

/** Words the renderer puts on controls; the panel sets them once from its translated strings. */
/** A code block's buttons: `button.md-code-action[data-code-action=…]` in `.md-code-actions`, first child of the `pre`. */
export const CODE_ACTION_CLASS = 'md-code-action';
export const CODE_ACTIONS = ['copy', 'insert', 'newEditor', 'apply'] as const;
export type CodeActionName = (typeof CODE_ACTIONS)[number];

const labels = {
  copyCode: 'Copy code',
  insertCode: 'Insert at cursor',
  newEditorCode: 'Open in new editor',
  applyCode: 'Apply to selection',
};
const ACTION_ICONS: Record<CodeActionName, string> = {
  copy: 'copy',
  insert: 'insert',
  newEditor: 'go-to-file',
  apply: 'git-pull-request-go-to-changes',
};

export function setRendererLabels(translated: {
  readonly copyCode: string;
  readonly insertCode: string;
  readonly newEditorCode: string;
  readonly applyCode: string;
  readonly invisibleCharacters: string;
}): void {
  labels.copyCode = translated.copyCode;
  labels.insertCode = translated.insertCode;
  labels.newEditorCode = translated.newEditorCode;
  labels.applyCode = translated.applyCode;
  setInvisibleCharactersLabel(translated.invisibleCharacters);
}
export const LINK_CLASS = 'md-link';

/** Appends the rendering of `tokens` (a sequence of whole top-level blocks) to `target`. */
export function renderTokens(tokens: readonly Token[], target: Node): void {
  const stack: Node[] = [target];
  const top = () => stack[stack.length - 1];
  for (const token of tokens) {
    if (token.nesting === -1) {
      if (token.hidden) continue;
      if (stack.length > 1) stack.pop();
      continue;
    }
    if (token.nesting === 1) {
      if (token.hidden) continue;
      const element = openElement(token);
      top().appendChild(element);
      stack.push(element);
      continue;
    }
    renderLeaf(token, top());
  }
}

function openElement(token: Token): HTMLElement {
  if (token.type === 'link_open') return linkElement(String(token.attrGet('href') ?? ''));
  const element = document.createElement(ALLOWED_TAGS.has(token.tag) ? token.tag : 'div');
  if (token.type === 'ordered_list_open') {
    const start = Number(token.attrGet('start') ?? '1');
    if (Number.isSafeInteger(start) && start !== 1) element.setAttribute('start', String(start));
  } else if (token.type === 'th_open' || token.type === 'td_open') {
    const align = ALIGNMENT.exec(String(token.attrGet('style') ?? ''));
    if (align) element.className = `align-${align[1]}`;
  }
  return element;
}

function linkElement(href: string): HTMLElement {
  if (!isOpenableLink(href)) {
    // Not a web or mail link: its text only, not clickable.
    const span = document.createElement('span');
    span.className = 'md-link-disabled';
    return span;
  }
  const link = document.createElement('a');
  link.className = LINK_CLASS;
  link.dataset.href = href;
  link.title = href;
  link.tabIndex = 0;
  link.setAttribute('role', 'link');
  return link;
}

function renderLeaf(token: Token, parent: Node): void {
  switch (token.type) {
    case 'inline':
      renderTokens(token.children ?? [], parent);
      return;
    case 'text':
    case 'html_inline':
    case 'html_block':
      appendVisibleText(parent, token.content);
      return;
    case 'softbreak':
      parent.appendChild(document.createTextNode('\n'));
      return;
    case 'hardbreak':
      parent.appendChild(document.createElement('br'));
      return;
    case 'hr':
      parent.appendChild(document.createElement('hr'));
      return;
    case 'code_inline': {
      const code = document.createElement('code');
      appendVisibleText(code, token.content);
      parent.appendChild(code);
      return;
    }
    case 'code_block':
    case 'fence':
      parent.appendChild(codeBlock(token.content, token.type === 'fence' ? token.info : ''));
      return;
    case 'image':
      parent.appendChild(imagePlaceholder(token));
      return;
    default:
      if (token.content) appendVisibleText(parent, token.content);
  }
}

function codeBlock(content: string, info: string): HTMLElement {
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  const language = info.trim().split(/\s+/, 1)[0] ?? '';
  if (LANGUAGE.test(language)) {
    code.className = `language-${language}`;
    pre.dataset.language = language;
  }
  appendVisibleText(code, content);
  const actions = document.createElement('div');
  actions.className = 'md-code-actions';
  for (const action of CODE_ACTIONS) actions.append(codeActionButton(action));
  pre.append(actions, code);
  return pre;
}

function codeActionButton(action: CodeActionName): HTMLButtonElement {
  const label = {
    copy: labels.copyCode,
    insert: labels.insertCode,
    newEditor: labels.newEditorCode,
    apply: labels.applyCode,
  }[action];
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `${CODE_ACTION_CLASS} codicon codicon-${ACTION_ICONS[action]}`;
  if (action === 'copy') button.classList.add(COPY_BUTTON_CLASS);
  button.dataset.codeAction = action;
  button.title = label;
  button.setAttribute('aria-label', label);
  return button;
}

function imagePlaceholder(token: Token): HTMLElement {
  const alt = (token.children ?? []).map(plainText).join('');
  const placeholder = document.createElement('span');
  placeholder.className = 'md-image';
  const icon = document.createElement('span');
  icon.className = 'codicon codicon-file-media';
  icon.setAttribute('aria-hidden', 'true');
  const altText = document.createElement('span');
  altText.className = 'md-image-alt';
  appendVisibleText(altText, alt);
  const url = document.createElement('span');
  url.className = 'md-image-url';
  url.textContent = String(token.attrGet('src') ?? '');
  placeholder.append(icon, altText, url);
  return placeholder;
}

function plainText(token: Token): string {
  if (token.type === 'softbreak' || token.type === 'hardbreak') return ' ';
  if (token.children) return token.children.map(plainText).join('');
  return token.type === 'image' ? '' : token.content;
}
