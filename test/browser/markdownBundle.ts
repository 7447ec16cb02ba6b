/**
 * The panel's markdown module (src/webview/markdown) bundled on its own and injected, with the page's nonce, into a
 * panel page under the production CSP, so tests can call the renderer directly: `window.__markdown`.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { PanelPage } from '../support/panelPage';
import { REPO_ROOT } from '../support/panelPage';

export interface MarkdownApi {
  /** Renders `text` in one go into a fresh element and returns its HTML. */
  oneShot(text: string): string;
  /** A streaming renderer into a fresh element. */
  create(): { append(text: string): void; flush(): void; html(): string };
}

declare global {
  interface Window {
    __markdown?: MarkdownApi;
  }
}

let bundle: Promise<string> | undefined;

export function markdownBundle(): Promise<string> {
  bundle ??= esbuild
    .build({
      stdin: {
        contents: `
          import { StreamingMarkdown, parseMarkdown, renderTokens } from './src/webview/markdown';
          window.__markdown = {
            oneShot(text) {
              const element = document.createElement('div');
              renderTokens(parseMarkdown(text), element);
              return element.innerHTML;
            },
            create() {
              const element = document.createElement('div');
              const markdown = new StreamingMarkdown(element);
              return { append: (text) => markdown.append(text), flush: () => markdown.flush(), html: () => element.innerHTML };
            },
          };`,
        resolveDir: REPO_ROOT,
        loader: 'ts',
        sourcefile: 'markdown-test-entry.ts',
      },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    })
    .then((result) => result.outputFiles[0].text);
  return bundle;
}

export async function injectMarkdown(panel: PanelPage): Promise<void> {
  const code = await markdownBundle();
  await panel.page.evaluate(
    ({ code, nonce }) => {
      const script = document.createElement('script');
      script.nonce = nonce;
      script.textContent = code;
      document.head.append(script);
    },
    { code, nonce: panel.nonce },
  );
  if (!(await panel.page.evaluate(() => window.__markdown !== undefined)))
    throw new Error('the markdown bundle did not load');
}

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'markdown');
