import { strict as assert } from 'node:assert';
import { languageIdFor } from '../../src/core/fenceLanguage';

describe('languageIdFor (a code block opened in a new editor)', () => {
  const known = new Set([
    'javascript',
    'typescript',
    'python',
    'shellscript',
    'plaintext',
    'go',
    'rust',
    'csharp',
    'cpp',
    'json',
  ]);

  it('maps markdown fence names to VS Code language ids, ignoring case and spaces', () => {
    assert.equal(languageIdFor('js', known), 'javascript');
    assert.equal(languageIdFor('TS', known), 'typescript');
    assert.equal(languageIdFor(' py ', known), 'python');
    assert.equal(languageIdFor('sh', known), 'shellscript');
    assert.equal(languageIdFor('bash', known), 'shellscript');
    assert.equal(languageIdFor('c#', known), 'csharp');
    assert.equal(languageIdFor('c++', known), 'cpp');
    assert.equal(languageIdFor('rs', known), 'rust');
  });

  it('keeps an id VS Code knows as it is', () => {
    assert.equal(languageIdFor('go', known), 'go');
    assert.equal(languageIdFor('json', known), 'json');
  });

  it('opens unknown or missing languages as plain text', () => {
    assert.equal(languageIdFor('klingon', known), 'plaintext');
    assert.equal(languageIdFor(undefined, known), 'plaintext');
    assert.equal(languageIdFor('', known), 'plaintext');
    // Known to the map but not installed in this VS Code.
    assert.equal(languageIdFor('rb', known), 'plaintext');
  });

  it('[D11d] reads no inherited property: a fence named __proto__ or constructor is a name like any other', () => {
    const asked: unknown[] = [];
    const recording = new (class extends Set<string> {
      override has(value: string): boolean {
        asked.push(value);
        return super.has(value);
      }
    })(['plaintext', '__proto__']);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const id = languageIdFor(name, recording);
      assert.equal(typeof id, 'string', name);
    }
    // Only names were looked up, never an object from Object.prototype.
    assert.ok(
      asked.every((value) => typeof value === 'string'),
      `looked up: ${asked.map((value) => typeof value).join(', ')}`,
    );
    // A language VS Code knows by that name is kept, as any other known id.
    assert.equal(languageIdFor('__proto__', recording), '__proto__');
    assert.equal(languageIdFor('constructor', recording), 'plaintext');
  });
});
