import * as assert from 'node:assert/strict';
import { kindForStatus, summarizeErrorText } from '../../src/core/gatewayError';

describe('gateway error bodies', () => {
  it("keeps the gateway's own message and its code, numeric codes included", () => {
    assert.deepEqual(summarizeErrorText('{"error":{"message":"Insufficient credits","code":402}}'), {
      message: 'Insufficient credits',
      code: '402',
    });
    assert.deepEqual(summarizeErrorText('{"error":{"message":"Slow down","type":"rate_limit_error"}}'), {
      message: 'Slow down',
      code: 'rate_limit_error',
    });
    assert.deepEqual(summarizeErrorText('{"object":"error","message":"bad model","code":400}'), {
      message: 'bad model',
      code: '400',
    });
  });

  it('never echoes an HTML page, and shortens long plain text', () => {
    assert.equal(summarizeErrorText('<!DOCTYPE html><html><body>Sign in to the proxy</body></html>').message, '');
    const long = 'x'.repeat(1000);
    assert.equal(summarizeErrorText(long).message.length, 301);
    assert.equal(summarizeErrorText('  Bad Gateway \n').message, 'Bad Gateway');
  });

  it('maps statuses to kinds the panel explains', () => {
    const kinds = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 503].map(
      (status) => `${status}:${kindForStatus(status)}`,
    );
    assert.deepEqual(kinds, [
      '400:badRequest',
      '401:unauthorized',
      '402:paymentRequired',
      '403:forbidden',
      '404:notFound',
      '408:badRequest',
      '413:badRequest',
      '422:badRequest',
      '429:rateLimited',
      '500:serverError',
      '503:serverError',
    ]);
  });
});
