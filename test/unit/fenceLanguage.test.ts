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
});
