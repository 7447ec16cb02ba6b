import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const readJson = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The English strings passed to `vscode.l10n.t('…')` in the source, unescaped as JavaScript would. */
function runtimeStrings(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/l10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
      found.add((match[1] ?? match[2]).replace(/\\(.)/g, '$1'));
    }
  }
  return found;
}

describe('localization', () => {
  it('translates every runtime string into Japanese, with the same placeholders', () => {
    const japanese = readJson('l10n/bundle.l10n.ja.json');
    const strings = runtimeStrings();
    assert.ok(strings.size > 20, `found only ${strings.size} strings: is the pattern still right?`);
    const missing = [...strings].filter((text) => typeof japanese[text] !== 'string');
    assert.deepEqual(missing, [], 'strings without a Japanese translation');
    for (const text of strings) {
      const placeholders = (value: string) => (value.match(/\{\d+\}/g) ?? []).sort().join();
      assert.equal(placeholders(japanese[text] as string), placeholders(text), `placeholders differ for "${text}"`);
    }
    const stale = Object.keys(japanese).filter((text) => !strings.has(text));
    assert.deepEqual(stale, [], 'translations of strings the code no longer uses');
  });

  it('has an English and a Japanese text for every %key% of package.json', () => {
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const keys = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((match) => match[1]));
    const english = readJson('package.nls.json');
    const japanese = readJson('package.nls.ja.json');
    for (const key of keys) {
      assert.equal(typeof english[key], 'string', `package.nls.json lacks ${key}`);
      assert.equal(typeof japanese[key], 'string', `package.nls.ja.json lacks ${key}`);
    }
    assert.deepEqual(Object.keys(japanese).sort(), Object.keys(english).sort());
  });
});
