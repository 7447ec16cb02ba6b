import { strict as assert } from 'node:assert';
import {
  describeLegacyKeyStep,
  isKeyEntry,
  keyEntryFor,
  keyOriginOf,
  LEGACY_KEY_ENTRY,
  migrateLegacyKey,
  planLegacyKeyMigration,
  type KeyEntries,
} from '../../src/core/gatewayKeys';

/** SecretStorage as a map, recording what was written. */
class MemoryEntries implements KeyEntries {
  readonly values = new Map<string, string>();
  failStore = false;
  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name, value);
  }
  get(entry: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(entry));
  }
  store(entry: string, value: string): Promise<void> {
    if (!this.failStore) this.values.set(entry, value);
    return Promise.resolve();
  }
  delete(entry: string): Promise<void> {
    this.values.delete(entry);
    return Promise.resolve();
  }
}

describe('one API key per gateway', () => {
  it('[B7-20] keys a gateway by the origin of its base URL: scheme, host and port, whatever the path', () => {
    assert.equal(keyOriginOf('https://openrouter.ai/api/v1'), 'https://openrouter.ai');
    assert.equal(keyOriginOf('https://openrouter.ai/other/path?x=1'), 'https://openrouter.ai');
    assert.equal(keyOriginOf('  https://API.Ofox.AI:443/v1/ '), 'https://api.ofox.ai');
    assert.equal(keyOriginOf('http://localhost:11434/v1'), 'http://localhost:11434');
    assert.equal(keyOriginOf('http://[::1]:1234/v1'), 'http://[::1]:1234');
    assert.equal(keyOriginOf('http://2130706433:8000/v1'), 'http://127.0.0.1:8000');
  });

  it('[B7-20] gives different gateways different entries', () => {
    const entries = [
      'https://openrouter.ai/api/v1',
      'https://api.ofox.ai/v1',
      'http://openrouter.ai/api/v1',
      'https://openrouter.ai:8443/api/v1',
      'https://openrouter.ai.evil.example/api/v1',
      'http://localhost:11434/v1',
      'http://127.0.0.1:11434/v1',
      'http://127.0.0.1:1234/v1',
    ].map(keyEntryFor);
    assert.equal(new Set(entries).size, entries.length, entries.join('\n'));
    for (const entry of entries) assert.ok(entry && isKeyEntry(entry) && entry !== LEGACY_KEY_ENTRY, entry);
    assert.equal(keyEntryFor('https://openrouter.ai/api/v1'), keyEntryFor('https://OPENROUTER.ai:443/v2'));
  });

  it('has no entry for a base URL that names no http(s) gateway', () => {
    for (const url of ['', 'not a url', 'ftp://example.com/v1', 'file:///etc/passwd', 'javascript:alert(1)']) {
      assert.equal(keyOriginOf(url), undefined, url);
      assert.equal(keyEntryFor(url), undefined, url);
    }
  });

  it('recognises its own entries and the single entry of earlier versions, nothing else', () => {
    assert.equal(isKeyEntry(LEGACY_KEY_ENTRY), true);
    assert.equal(isKeyEntry('gatewayChat.apiKey:https://openrouter.ai'), true);
    assert.equal(isKeyEntry('gatewayChat.apiKeyBackup'), false);
    assert.equal(isKeyEntry('other.apiKey'), false);
  });
});

describe('moving the single key of earlier versions', () => {
  const openrouter = 'https://openrouter.ai/api/v1';

  it('plans nothing without an old key, waits without a gateway address, moves otherwise', () => {
    assert.deepEqual(planLegacyKeyMigration(undefined, openrouter, undefined), { kind: 'none' });
    assert.deepEqual(planLegacyKeyMigration('', openrouter, undefined), { kind: 'none' });
    assert.deepEqual(planLegacyKeyMigration('sk-old', 'nonsense', undefined), { kind: 'wait' });
    assert.deepEqual(planLegacyKeyMigration('sk-old', openrouter, undefined), {
      kind: 'move',
      entry: 'gatewayChat.apiKey:https://openrouter.ai',
      origin: 'https://openrouter.ai',
    });
    assert.deepEqual(planLegacyKeyMigration('sk-old', openrouter, 'sk-new'), {
      kind: 'drop',
      origin: 'https://openrouter.ai',
      sameKey: false,
    });
    assert.deepEqual(planLegacyKeyMigration('sk-old', openrouter, 'sk-old'), {
      kind: 'drop',
      origin: 'https://openrouter.ai',
      sameKey: true,
    });
  });

  it('moves the old key to the configured gateway only, then deletes the old entry', async () => {
    const entries = new MemoryEntries({ [LEGACY_KEY_ENTRY]: 'sk-old' });
    const step = await migrateLegacyKey(entries, openrouter);
    assert.equal(step.kind, 'move');
    assert.deepEqual([...entries.values], [['gatewayChat.apiKey:https://openrouter.ai', 'sk-old']]);
    // Done once: nothing more happens, and another gateway gets nothing.
    assert.deepEqual(await migrateLegacyKey(entries, 'https://api.ofox.ai/v1'), { kind: 'none' });
    assert.equal(entries.values.get(keyEntryFor('https://api.ofox.ai/v1') ?? ''), undefined);
  });

  it('keeps a key the gateway already has', async () => {
    const entries = new MemoryEntries({
      [LEGACY_KEY_ENTRY]: 'sk-old',
      'gatewayChat.apiKey:https://openrouter.ai': 'sk-new',
    });
    const step = await migrateLegacyKey(entries, openrouter);
    assert.deepEqual(step, { kind: 'drop', origin: 'https://openrouter.ai', sameKey: false });
    assert.deepEqual([...entries.values], [['gatewayChat.apiKey:https://openrouter.ai', 'sk-new']]);
  });

  it('loses nothing when the base URL names no gateway yet, or the key could not be stored', async () => {
    const entries = new MemoryEntries({ [LEGACY_KEY_ENTRY]: 'sk-old' });
    assert.deepEqual(await migrateLegacyKey(entries, 'not a url'), { kind: 'wait' });
    assert.deepEqual([...entries.values], [[LEGACY_KEY_ENTRY, 'sk-old']]);

    entries.failStore = true;
    await assert.rejects(migrateLegacyKey(entries, openrouter), /could not be stored for https:\/\/openrouter\.ai/);
    assert.deepEqual([...entries.values], [[LEGACY_KEY_ENTRY, 'sk-old']]);
  });

  it('says in the log what happened, naming the gateway and never the key', () => {
    assert.equal(describeLegacyKeyStep({ kind: 'none' }), undefined);
    const steps = [
      planLegacyKeyMigration('sk-secret', openrouter, undefined),
      planLegacyKeyMigration('sk-secret', openrouter, 'sk-other'),
      planLegacyKeyMigration('sk-secret', openrouter, 'sk-secret'),
      planLegacyKeyMigration('sk-secret', '', undefined),
    ];
    for (const step of steps) {
      const line = describeLegacyKeyStep(step) ?? '';
      assert.match(line, /earlier version/, JSON.stringify(step));
      if (step.kind !== 'wait') assert.match(line, /https:\/\/openrouter\.ai/);
      assert.equal(line.includes('sk-'), false, line);
    }
  });
});
