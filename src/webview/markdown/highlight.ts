/**
 * The syntax highlighter: highlight.js's core with common languages, built as its own script (dist/highlight.js) that
 * the panel loads the first time a settled code block needs it. highlight.js's output goes into a tree of strings
 * and scope names (a custom emitter): its HTML rendering is never used.
 */
// eslint-disable-next-line no-restricted-imports -- highlight.js's own core module, not src/core
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import type { HighlightNode } from './highlightTree';

/** Collects highlight.js's scopes and text as a tree. */
class TreeEmitter {
  readonly root: HighlightNode = { children: [] };
  private readonly stack: HighlightNode[] = [this.root];

  constructor(_options: unknown) {}

  private get top(): HighlightNode {
    return this.stack[this.stack.length - 1];
  }

  addText(text: string): void {
    if (text) this.top.children.push(text);
  }

  startScope(scope: string): void {
    const node: HighlightNode = { scope, children: [] };
    this.top.children.push(node);
    this.stack.push(node);
  }

  endScope(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  /** highlight.js calls these too (the names of its own token tree). */
  openNode(scope: string): void {
    this.startScope(scope);
  }

  closeNode(): void {
    this.endScope();
  }

  __addSublanguage(emitter: TreeEmitter, name: string): void {
    const node = emitter.root;
    if (name) node.scope = `language:${name}`;
    this.top.children.push(node);
  }

  finalize(): void {
    this.stack.length = 1;
  }

  /** Never used for the panel: text only ever becomes text nodes. */
  toHTML(): string {
    return '';
  }
}

const languages = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
hljs.configure({ __emitter: TreeEmitter });

window.gatewayChatHighlighter = {
  highlight(code, language) {
    if (!hljs.getLanguage(language)) return undefined;
    const emitter = hljs.highlight(code, { language, ignoreIllegals: true })._emitter;
    return emitter instanceof TreeEmitter ? emitter.root : undefined;
  },
};
