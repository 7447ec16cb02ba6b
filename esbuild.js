// Builds the bundles: the extension host for Node (desktop, remote) and for a web worker (VS Code for the Web), both
// CommonJS, and the chat panel (browser, IIFE).
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

/**
 * In the web build a module `name.ts` with a sibling `name.web.ts` is replaced by it: the few things that need Node
 * (running the screenshot tools) have a web-worker variant that says they are not available.
 */
const webVariants = {
  name: 'web-variants',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const variant = path.resolve(args.resolveDir, `${args.path}.web.ts`);
      return fs.existsSync(variant) ? { path: variant } : undefined;
    });
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

/**
 * The extension host bundle. `web` runs in VS Code for the Web's worker, where there is no Node: the same code, which
 * only uses what both have (the `vscode` API, fetch, Web Crypto), built for the browser platform.
 */
function extensionBuild(host) {
  const web = host === 'web';
  return {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: web ? 'dist/web/extension.js' : 'dist/extension.js',
    platform: web ? 'browser' : 'node',
    format: 'cjs',
    target: web ? 'es2022' : 'node18',
    external: ['vscode'],
    plugins: [forbidUndici, ...(web ? [webVariants] : []), ...(watch ? [problemMatcher] : [])],
  };
}

async function main() {
  const contexts = await Promise.all([
    esbuild.context(extensionBuild('node')),
    esbuild.context(extensionBuild('web')),
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

module.exports = { extensionBuild };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
