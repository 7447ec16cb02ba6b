/**
 * Markdown fence languages that are not VS Code language ids, mapped to the id VS Code uses. Read only through
 * `Object.hasOwn`: the model writes the fence, and `__proto__` or `constructor` must find nothing inherited.
 */
const FENCE_LANGUAGES: Readonly<Record<string, string>> = {
  js: 'javascript',
  jsx: 'javascriptreact',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
  ts: 'typescript',
  tsx: 'typescriptreact',
  mts: 'typescript',
  py: 'python',
  python3: 'python',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  shell: 'shellscript',
  console: 'shellscript',
  ps1: 'powershell',
  pwsh: 'powershell',
  rb: 'ruby',
  rs: 'rust',
  kt: 'kotlin',
  cs: 'csharp',
  'c#': 'csharp',
  'f#': 'fsharp',
  fs: 'fsharp',
  cpp: 'cpp',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  h: 'c',
  golang: 'go',
  yml: 'yaml',
  md: 'markdown',
  html: 'html',
  htm: 'html',
  xml: 'xml',
  svg: 'xml',
  jsonc: 'jsonc',
  json5: 'jsonc',
  dockerfile: 'dockerfile',
  docker: 'dockerfile',
  make: 'makefile',
  mk: 'makefile',
  tex: 'latex',
  text: 'plaintext',
  txt: 'plaintext',
  plain: 'plaintext',
  diff: 'diff',
  patch: 'diff',
  sql: 'sql',
  vue: 'vue',
  objc: 'objective-c',
  'objective-c': 'objective-c',
  pl: 'perl',
  bat: 'bat',
  cmd: 'bat',
  ini: 'ini',
  toml: 'toml',
};

/**
 * The VS Code language id for a fence's language: a known alias, else the name itself when VS Code knows it, else
 * plain text. `known`: the ids VS Code has (`vscode.languages.getLanguages()`).
 */
export function languageIdFor(fence: string | undefined, known: ReadonlySet<string>): string {
  const name = (fence ?? '').trim().toLowerCase();
  if (!name) return 'plaintext';
  const mapped = Object.hasOwn(FENCE_LANGUAGES, name) ? FENCE_LANGUAGES[name] : name;
  return known.has(mapped) ? mapped : 'plaintext';
}
