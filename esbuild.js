// Builds the two bundles: the extension host (Node, CommonJS) and the chat panel (browser, IIFE).
// Usage: node esbuild.js [--watch] [--production]
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the shape of VS Code's `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/** The panel's icon font ships from the package, not a CDN: copy it beside the bundle. */
const copyCodicons = {
  name: 'copy-codicons',
  setup(build) {
    build.onEnd(() => {
      const from = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
      const to = path.join(__dirname, 'dist', 'codicons');
      fs.mkdirSync(to, { recursive: true });
      for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, file), path.join(to, file));
    });
  },
};

/** The extension must use VS Code's own (proxy-aware) fetch, never a bundled HTTP stack. */
const forbidUndici = {
  name: 'forbid-undici',
  setup(build) {
    build.onResolve({ filter: /^(undici|node-fetch|axios)$/ }, (args) => ({
      errors: [{ text: `"${args.path}" must not be bundled: use the global fetch that VS Code configures` }],
    }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: watch ? 'silent' : 'warning',
  legalComments: production ? 'none' : 'inline',
};

async function main() {
  const contexts = await Promise.all([
    esbuild.context({
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      external: ['vscode'],
      plugins: watch ? [forbidUndici, problemMatcher] : [forbidUndici],
    }),
    esbuild.context({
      ...common,
      // The highlighter is its own script, loaded by the panel the first time a code block needs it.
      entryPoints: { webview: 'src/webview/main.ts', highlight: 'src/webview/markdown/highlight.ts' },
      outdir: 'dist',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      loader: { '.css': 'css' },
      plugins: watch ? [copyCodicons, problemMatcher] : [copyCodicons],
    }),
  ]);
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    return;
  }
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
