import { strict as assert } from 'node:assert';
import { Redactor, redactPatterns } from '../../src/core/redact';

const KEY = 'ofx-9f8e7d6c5b4a39281706abcdef';

function redactorWithKey(): Redactor {
  const redactor = new Redactor();
  redactor.addSecret(KEY);
  return redactor;
}

describe('Redactor', () => {
  it('[B7-18] removes a registered key wherever it appears in a message', () => {
    const redactor = redactorWithKey();
    for (const text of [
      `Using key ${KEY} for api.ofox.ai`,
      `key=${KEY}&model=x`,
      `${KEY}${KEY}`,
      `Error: Incorrect API key provided: ${KEY}.`,
      `https://api.example.test/v1?key=${KEY}`,
    ]) {
      const redacted = redactor.redact(text);
      assert.ok(!redacted.includes(KEY), redacted);
      assert.ok(!redacted.includes(KEY.slice(0, 12)), `no long prefix of the key survives: ${redacted}`);
      assert.match(redacted, /REDACTED/);
    }
  });

  it('[B7-18] masks Authorization headers, whatever the key', () => {
    const redactor = redactorWithKey();
    for (const line of [
      `Authorization: Bearer ${KEY}`,
      'Authorization: Bearer sk-proj-AbCdEf0123456789AbCdEf0123456789',
      'authorization: bearer some.opaque.token-value',
      '{"Authorization":"Bearer abcdefghijklmnop"}',
      'Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==',
    ]) {
      const redacted = redactor.redact(line);
      assert.match(redacted, /\[REDACTED\]/, line);
      assert.doesNotMatch(redacted, /sk-proj-AbCd|some\.opaque|abcdefghijklmnop|dXNlcjpw/, redacted);
    }
    assert.equal(redactor.redact(`Authorization: Bearer ${KEY}`), 'Authorization: Bearer [REDACTED]');
  });

  it('masks bearer tokens in free text but leaves the word "Bearer" in prose alone', () => {
    const redactor = new Redactor();
    for (const token of [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      'ya29.a0AfH6SMBx',
      'opaqueopaqueopaqueopaqueopaque',
    ]) {
      assert.equal(
        redactor.redact(`sent Bearer ${token} to the gateway`),
        'sent Bearer [REDACTED] to the gateway',
        token,
      );
    }
    for (const prose of [
      'The gateway wants Bearer authentication.',
      'Use bearer tokens, not cookies.',
      'Bearer authorization-header missing',
    ]) {
      assert.equal(redactor.redact(prose), prose);
    }
  });

  it('[B7-19] masks api keys in JSON and header form', () => {
    const redactor = new Redactor();
    for (const text of [
      '{"api_key":"my-secret-value-123"}',
      '{"api_key": "my-secret-value-123", "model": "m"}',
      'x-api-key: my-secret-value-123',
      "apiKey='my-secret-value-123'",
      'api-key=my-secret-value-123',
    ]) {
      const redacted = redactor.redact(text);
      assert.ok(!redacted.includes('my-secret-value-123'), redacted);
    }
    assert.equal(redactor.redact('{"api_key":"abc12345","model":"m"}'), '{"api_key":"[REDACTED]","model":"m"}');
  });

  it('[B7-18] masks sk- keys it was never told about', () => {
    for (const key of [
      'sk-1234567890abcdef',
      'sk-proj-AbCdEf_0123456789',
      'sk-or-v1-0123456789abcdef',
      'sk-ant-api03-xyzXYZ0123',
    ]) {
      const redacted = redactPatterns(`The key ${key} was rejected`);
      assert.ok(!redacted.includes(key), redacted);
      assert.equal(redacted, 'The key sk-[REDACTED] was rejected');
    }
  });

  it('leaves ordinary text alone', () => {
    const redactor = redactorWithKey();
    for (const text of [
      'Hello, world! Here is a Python function:\n\ndef add(a, b):\n    return a + b',
      'The task-based approach uses a skeleton key-value store.',
      'HTTP 401 from api.ofox.ai: Invalid authorization header',
      'Missing API key. Set one with "Gateway Chat: Set API Key".',
      'Ask the sk-8 runner',
      'こんにちは 👋 — ünïcödé',
      '',
    ]) {
      assert.equal(redactor.redact(text), text);
    }
  });

  it('[D5][B7-18] masks any 8 characters of a registered key: a partial echo, a cut-off quote, a key wrapped in invisible characters', () => {
    const redactor = redactorWithKey();
    const tail = KEY.slice(-12);
    for (const text of [
      `Incorrect API key provided: ofx-9f8e****${tail}.`,
      `invalid key ${KEY.slice(4, 16)}…`,
      `TypeError: Headers.set: "Bearer ${KEY}\u0000" is an invalid header value.`,
      `value was ${KEY.slice(0, 20)}\u200B${KEY.slice(20)}`,
      `"${KEY.slice(2, 11)}"`,
    ]) {
      const redacted = redactor.redact(text);
      for (let start = 0; start + 8 <= KEY.length; start++) {
        assert.ok(!redacted.includes(KEY.slice(start, start + 8)), `"${KEY.slice(start, start + 8)}" in ${redacted}`);
      }
      assert.match(redacted, /REDACTED/);
    }
    // The part every key of its kind starts with says nothing about this key: a gateway's hint stays readable.
    const openAi = new Redactor();
    openAi.addSecret('sk-proj-Xy7bQ2nR8sT4vW1zA5cD9eF3gH6');
    assert.equal(
      openAi.redact('Incorrect API key provided: sk-proj-****gH6.'),
      'Incorrect API key provided: sk-proj-****gH6.',
    );
    // Nor do the words of a header secret: only its pieces with a digit, a capital or another sign count.
    const header = new Redactor();
    header.addSecret('team-organization-token-2024');
    const prose = 'Rate limit reached in organization org-x';
    assert.equal(header.redact(prose), prose);
    assert.equal(header.redact('token was n-token-2024'), 'token was [REDACTED]');
  });

  it('[D5] knows a key stored with invisible characters also without them', () => {
    const redactor = new Redactor();
    redactor.addSecret(`${KEY}\u200B`);
    assert.equal(redactor.redact(`key ${KEY} refused`), 'key [REDACTED] refused');
    assert.equal(redactor.redact(`key \uFEFF${KEY}\u200B refused`), 'key \uFEFF[REDACTED] refused');
    redactor.removeSecret(`${KEY}\u200B`);
    assert.equal(redactor.redact(`key ${KEY.slice(0, 10)}`), `key ${KEY.slice(0, 10)}`);
  });

  it('[D5] masks a bearer token with characters no word has, whatever precedes it', () => {
    for (const text of [
      'sent Bearer sk-abc\u200B to the gateway',
      'Cannot send "Bearer ab\uFEFFcd"',
      'Bearer toküen',
    ]) {
      assert.match(redactPatterns(text), /Bearer \[REDACTED\]/, text);
      assert.doesNotMatch(redactPatterns(text), /abc|ab.cd|toküen/, text);
    }
  });

  it('ignores very short secrets and forgets removed ones', () => {
    const redactor = new Redactor();
    redactor.addSecret('abc');
    assert.equal(redactor.redact('abc abc'), 'abc abc');
    redactor.addSecret(KEY);
    redactor.removeSecret(KEY);
    assert.equal(redactor.redact(`value ${KEY}`), `value ${KEY}`);
    redactor.addSecret(undefined);
    assert.equal(redactor.redact('nothing'), 'nothing');
  });
});
