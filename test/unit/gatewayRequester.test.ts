import { strict as assert } from 'node:assert';
import { checkBeforeSending, type PreflightChecks } from '../../src/core/turn/gatewayPreflight';
import { gatewaySnapshotFor, type GatewaySettings } from '../../src/core/turn/turnRequest';

interface Settings {
  readonly baseUrl: string;
  readonly problem?: string;
}

/** The checks with the answers given; records what was asked, in order. */
function checks(
  config: Settings,
  answers: { key?: string; maySend?: boolean; onConsent?: () => void; signal?: AbortSignal } = {},
) {
  const asked: string[] = [];
  const given: PreflightChecks<Settings> = {
    config,
    keyFor: async (baseUrl) => {
      asked.push(`key ${baseUrl}`);
      return answers.key;
    },
    maySendTo: async (baseUrl) => {
      asked.push(`consent ${baseUrl}`);
      answers.onConsent?.();
      return answers.maySend ?? true;
    },
    ...(answers.signal ? { signal: answers.signal } : {}),
  };
  return { given, asked };
}

describe('the checks before a request goes out (checkBeforeSending)', () => {
  it('a setting that cannot be used refuses first: no key is read, nothing is asked', async () => {
    const { given, asked } = checks(
      { baseUrl: 'https://api.example.com/v1', problem: 'gatewayChat.temperature: not a number' },
      { key: 'sk-1' },
    );
    assert.deepEqual(await checkBeforeSending(given), {
      kind: 'configProblem',
      problem: 'gatewayChat.temperature: not a number',
    });
    assert.deepEqual(asked, []);
  });

  it('without a key, names the gateway the key belongs to and asks nothing more', async () => {
    const { given, asked } = checks({ baseUrl: 'https://api.example.com/v1' });
    assert.deepEqual(await checkBeforeSending(given), { kind: 'noKey', gateway: 'https://api.example.com' });
    assert.deepEqual(asked, ['key https://api.example.com/v1']);
  });

  it('a gateway the user does not allow the key to travel to in clear gets nothing', async () => {
    const { given, asked } = checks({ baseUrl: 'http://10.0.0.2:8080/v1' }, { key: 'sk-1', maySend: false });
    assert.deepEqual(await checkBeforeSending(given), { kind: 'declined' });
    assert.deepEqual(asked, ['key http://10.0.0.2:8080/v1', 'consent http://10.0.0.2:8080/v1']);
  });

  it('Stop while the user was asked ends the checks as stopped', async () => {
    const stop = new AbortController();
    const { given } = checks(
      { baseUrl: 'http://10.0.0.2:8080/v1' },
      { key: 'sk-1', signal: stop.signal, onConsent: () => stop.abort() },
    );
    assert.deepEqual(await checkBeforeSending(given), { kind: 'stopped' });
  });

  it('ready: the settings as read, with the key of the gateway they name', async () => {
    const config = { baseUrl: 'https://api.example.com/v1' };
    const { given } = checks(config, { key: 'sk-1' });
    const outcome = await checkBeforeSending(given);
    assert.deepEqual(outcome, { kind: 'ready', config, apiKey: 'sk-1' });
    assert.equal(outcome.kind === 'ready' && outcome.config, config);
  });
});

const SETTINGS: GatewaySettings = {
  model: 'openai/gpt-4o',
  systemPrompt: 'You are helpful.',
  parameters: { temperature: 0.2 },
  extraBody: {},
  tools: { toolChoice: 'auto' },
};

describe('the snapshot a turn is sent with (gatewaySnapshotFor)', () => {
  it('takes the settings; tool choice "auto" is left to the API, any other choice is sent', () => {
    const { snapshot, ignoredParameters } = gatewaySnapshotFor(SETTINGS, undefined);
    assert.deepEqual(snapshot, {
      model: 'openai/gpt-4o',
      systemPrompt: 'You are helpful.',
      parameters: { temperature: 0.2 },
      modelProfile: { maxTokensField: 'max_tokens', supportsTemperature: true },
      extraBody: {},
    });
    assert.deepEqual(ignoredParameters, []);
    const chosen = gatewaySnapshotFor(
      { ...SETTINGS, provider: { routing: 'cost' }, tools: { toolChoice: 'required', parallelToolCalls: false } },
      undefined,
    ).snapshot;
    assert.deepEqual(
      [chosen.toolChoice, chosen.parallelToolCalls, chosen.provider],
      ['required', false, { routing: 'cost' }],
    );
  });

  it('an editor command’s own system prompt replaces the setting’s', () => {
    const { snapshot } = gatewaySnapshotFor(SETTINGS, undefined, { systemPrompt: 'Reply with one code block.' });
    assert.equal(snapshot.systemPrompt, 'Reply with one code block.');
  });

  it('the model’s request shape comes from its catalog entry and the user’s override; what it does not take is named', () => {
    const entry = { supportedParameters: ['max_completion_tokens', 'tools'] };
    const fromCatalog = gatewaySnapshotFor(SETTINGS, entry);
    assert.equal(fromCatalog.snapshot.modelProfile.maxTokensField, 'max_completion_tokens');
    assert.equal(fromCatalog.snapshot.modelProfile.supportsTemperature, false);
    assert.deepEqual(fromCatalog.ignoredParameters, ['temperature']);
    const overridden = gatewaySnapshotFor({ ...SETTINGS, modelOverride: { supportsTemperature: true } }, entry);
    assert.deepEqual(overridden.ignoredParameters, []);
  });
});
