import { strict as assert } from 'node:assert';
import {
  backoffDelayMs,
  isQuotaExhausted,
  isRetryableNetworkError,
  isRetryableResponse,
  networkErrorCodes,
  planRetry,
  serverRetryDelayMs,
  systemClock,
} from '../../src/core/retryPolicy';

const headers = (values: Record<string, string> = {}) => new Headers(values);

/** How Node's fetch reports a connection failure: a TypeError whose `cause` carries the code. */
function fetchFailure(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
  return new TypeError('fetch failed', { cause });
}

describe('retry policy', () => {
  it('[B7-30] retries 408, 409, 429 and 5xx, and nothing else', () => {
    const retryable = [400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504].filter((status) =>
      isRetryableResponse(status, headers()),
    );
    assert.deepEqual(retryable, [408, 409, 429, 500, 502, 503, 504]);
  });

  it('[B7-29] lets x-should-retry win over the status', () => {
    assert.equal(isRetryableResponse(503, headers({ 'x-should-retry': 'false' })), false);
    assert.equal(isRetryableResponse(400, headers({ 'x-should-retry': 'true' })), true);
    assert.equal(isRetryableResponse(503, headers({ 'x-should-retry': 'maybe' })), true);
  });

  it('[B7-28] never retries a 429 that means the quota or credit is exhausted', () => {
    assert.equal(isRetryableResponse(429, headers(), { codes: ['insufficient_quota'] }), false);
    assert.equal(
      isRetryableResponse(429, headers({ 'x-should-retry': 'true' }), { codes: ['insufficient_quota'] }),
      false,
    );
    assert.equal(isRetryableResponse(429, headers(), { codes: [undefined, 'credit_balance_exhausted'] }), false);
    assert.equal(
      isRetryableResponse(429, headers(), {
        message: 'You exceeded your current quota, please check your plan and billing details.',
      }),
      false,
    );
    assert.equal(
      isRetryableResponse(429, headers(), { codes: ['rate_limit_exceeded'], message: 'Rate limit reached' }),
      true,
    );
    // Gemini says "quota" for plain rate limits: only codes and OpenAI's exact wording count.
    assert.equal(isQuotaExhausted(['RESOURCE_EXHAUSTED'], 'Resource has been exhausted (e.g. check quota).'), false);
  });

  it('[B7-27] reads retry-after-ms, then Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(serverRetryDelayMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now), 1500);
    assert.equal(serverRetryDelayMs(headers({ 'retry-after': '2' }), now), 2000);
    assert.equal(serverRetryDelayMs(headers({ 'retry-after': '0.5' }), now), 500);
    assert.equal(serverRetryDelayMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now), 3000);
    assert.equal(serverRetryDelayMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now), 0);
    assert.equal(serverRetryDelayMs(headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(serverRetryDelayMs(headers({ 'retry-after-ms': 'x', 'retry-after': '1' }), now), 1000);
    assert.equal(serverRetryDelayMs(headers(), now), undefined);
  });

  it('[B7-30] backs off exponentially up to 8 s, with at most 25 % jitter taken off', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 0)),
      [500, 1000, 2000, 4000, 8000, 8000],
    );
    assert.equal(backoffDelayMs(0, 0.999999), 375);
    assert.equal(backoffDelayMs(4, 1), 6000);
  });

  it('[B7-27] plans at most maxRetries retries, waits what the server asked, and does not wait out long waits', () => {
    const random = () => 0;
    assert.deepEqual(planRetry({ retriesDone: 0, retryable: true }, {}, random), { action: 'retry', delayMs: 500 });
    assert.deepEqual(planRetry({ retriesDone: 1, retryable: true }, {}, random), { action: 'retry', delayMs: 1000 });
    assert.deepEqual(planRetry({ retriesDone: 2, retryable: true }, {}, random), {
      action: 'giveUp',
      why: 'exhausted',
    });
    assert.deepEqual(planRetry({ retriesDone: 0, retryable: true }, { maxRetries: 0 }, random), {
      action: 'giveUp',
      why: 'exhausted',
    });
    assert.deepEqual(planRetry({ retriesDone: 0, retryable: true, serverDelayMs: 2000 }, {}, random), {
      action: 'retry',
      delayMs: 2000,
    });
    assert.deepEqual(planRetry({ retriesDone: 0, retryable: true, serverDelayMs: 3_600_000 }, {}, random), {
      action: 'giveUp',
      why: 'tooLong',
      retryAfterMs: 3_600_000,
    });
    assert.deepEqual(
      planRetry({ retriesDone: 0, retryable: true, serverDelayMs: 5000 }, { maxRetryDelayMs: 1000 }, random),
      {
        action: 'giveUp',
        why: 'tooLong',
        retryAfterMs: 5000,
      },
    );
    assert.deepEqual(planRetry({ retriesDone: 2, retryable: true, serverDelayMs: 2000 }, {}, random), {
      action: 'giveUp',
      why: 'exhausted',
      retryAfterMs: 2000,
    });
    assert.deepEqual(planRetry({ retriesDone: 0, retryable: false }, {}, random), {
      action: 'giveUp',
      why: 'notRetryable',
    });
  });

  it('[D6] retries only connections that never opened: not a reset, a closed socket or a bare failure, which may come after the gateway has the request', () => {
    for (const code of ['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']) {
      assert.equal(isRetryableNetworkError(fetchFailure(code)), true, code);
    }
    // Node says which system call failed: a connect that timed out never sent anything, a read that did may have.
    const during = (syscall: string) =>
      new TypeError('fetch failed', {
        cause: Object.assign(new Error(`${syscall} ETIMEDOUT`), { code: 'ETIMEDOUT', syscall }),
      });
    assert.equal(isRetryableNetworkError(during('connect')), true, 'connect ETIMEDOUT');
    assert.equal(isRetryableNetworkError(during('read')), false, 'read ETIMEDOUT');
    for (const code of [
      'ECONNRESET',
      'EPIPE',
      'ECONNABORTED',
      'UND_ERR_SOCKET',
      'UND_ERR_CLOSED',
      'UND_ERR_HEADERS_TIMEOUT',
      'ENOTFOUND',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      assert.equal(isRetryableNetworkError(fetchFailure(code)), false, code);
    }
    // A browser's bare "Failed to fetch" says nothing: the gateway may have the request.
    assert.equal(isRetryableNetworkError(new TypeError('Failed to fetch')), false);
    const aggregate = new TypeError('fetch failed', {
      cause: Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]), {
        code: undefined,
      }),
    });
    assert.deepEqual(networkErrorCodes(aggregate), ['ECONNREFUSED']);
    assert.equal(isRetryableNetworkError(aggregate), true, 'refused on every address');
  });

  it('has a sleep that an abort ends at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await sleeping;
    assert.ok(Date.now() - started < 5000);
    await systemClock.sleep(60_000, controller.signal); // already aborted: returns at once
  });
});
