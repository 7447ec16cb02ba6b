// Lint rules, including the import limits that keep the four source folders apart (see CONTRIBUTING.md).
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ['error', { patterns }];
const noVscode = { group: ['vscode'], message: 'Only src/host may use the vscode API.' };
const noHost = {
  group: ['**/host/**', '**/host'],
  message: 'src/host is the VS Code layer: depend on it only from extension.ts.',
};
const noWebview = {
  group: ['**/webview/**', '**/webview'],
  message: 'The panel bundle is separate: share code through src/shared.',
};
const noCore = {
  group: ['**/core/**', '**/core'],
  message: 'The panel may not use src/core: it talks to the host through src/shared messages.',
};
const noNode = {
  group: ['node:*', 'fs', 'path', 'http', 'https', 'child_process', 'os'],
  message: 'No Node built-ins here: this code also runs in browsers.',
};
const noHttpStacks = {
  group: ['undici', 'node-fetch', 'axios'],
  message: 'Use the global fetch that VS Code configures (proxies, certificates).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "AssignmentExpression[left.property.name='innerHTML']",
          message: 'Never build HTML from strings: use DOM nodes and textContent.',
        },
        { selector: "AssignmentExpression[left.property.name='outerHTML']", message: 'Never build HTML from strings.' },
        {
          selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
          message: 'Never build HTML from strings.',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noVscode, noHost, noWebview, noNode, noHttpStacks]) },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noVscode, noHost, noWebview, noCore, noNode, noHttpStacks]) },
  },
  { files: ['src/host/**/*.ts'], rules: { 'no-restricted-imports': restrict([noWebview, noHttpStacks]) } },
  {
    files: ['src/webview/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([noVscode, noHost, noCore, noNode, noHttpStacks]) },
  },
);
