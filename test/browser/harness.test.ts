// The browser harness must show the panel what the host would: the same strings as src/host/panelStrings.ts.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PANEL_STRING_KEYS } from '../../src/shared/panelStrings';
import { ENGLISH_STRINGS, REPO_ROOT } from '../support/panelPage';

describe('panel browser harness', () => {
  it('uses the English strings of src/host/panelStrings.ts (which needs vscode, so is read as text)', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'src', 'host', 'panelStrings.ts'), 'utf8');
    const fromHost: Record<string, string> = {};
    // Single-quoted, or double-quoted when the text has an apostrophe (Prettier's choice).
    const calls = /(\w+):\s*vscode\.l10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*,?\s*\)/g;
    for (const match of source.matchAll(calls)) {
      fromHost[match[1]] = (match[2] ?? match[3]).replace(/\\(.)/g, '$1');
    }
    assert.deepEqual(
      Object.keys(fromHost).sort(),
      [...PANEL_STRING_KEYS].sort(),
      'could not read every string of the host',
    );
    assert.deepEqual({ ...ENGLISH_STRINGS }, fromHost);
  });
});
