import { strict as assert } from 'node:assert';
import {
  buildRequestHeaders,
  formatDuration,
  isAuthLikeHeaderName,
  readBodyBounded,
  redactorFor,
  urlForLog,
  Watchdog,
} from '../../src/core/gatewayHttp';
import { recordingLogger } from './clientHelpers';

describe('gateway HTTP plumbing', () => {
  it('logs URLs without user info or query values', () => {
    assert.equal(
      urlForLog('https://user:pa55word@api.test:8443/v1/chat/completions?key=abc'),
      'https://api.test:8443/v1/chat/completions?…',
    );
    assert.equal(urlForLog('http://127.0.0.1:9/v1/models'), 'http://127.0.0.1:9/v1/models');
    assert.equal(urlForLog('::'), '(invalid URL)');
  });

  it('builds headers: the client’s own win, protected and invalid extra headers are skipped by name only', () => {
    const logger = recordingLogger();
    const headers = buildRequestHeaders(
      { 'Content-Type': 'application/json', Authorization: 'Bearer real-key-123456' },
      {
        Accept: 'text/event-stream',
        AUTHORIZATION: 'Bearer fake-999999',
        'content-length': '5',
        Host: 'evil.test',
        'X-Ok': 'fine',
        'Bad Name': 'v',
        'X-Crlf': 'a\r\nInjected: yes',
      },
      logger,
    );
    assert.equal(headers.get('authorization'), 'Bearer real-key-123456');
    assert.equal(headers.get('content-type'), 'application/json');
    assert.equal(headers.get('accept'), 'text/event-stream');
    assert.equal(headers.get('x-ok'), 'fine');
    assert.equal(headers.get('host'), null);
    assert.equal(headers.get('content-length'), null);
    assert.equal(headers.get('injected'), null);
    const log = logger.lines.join('\n');
    assert.match(log, /"AUTHORIZATION"/);
    assert.match(log, /"Host"/);
    assert.match(log, /not a valid HTTP header/);
    assert.ok(!log.includes('fake-999999') && !log.includes('evil.test') && !log.includes('Injected'), log);
  });

  it('[B7-19] treats credential-like header names as secrets', () => {
    for (const name of [
      'api-key',
      'X-Api-Key',
      'x-goog-api-key',
      'Cookie',
      'X-Auth-Token',
      'Proxy-Authorization',
      'X-Session-Id',
      'X-Client-Secret',
    ]) {
      assert.equal(isAuthLikeHeaderName(name), true, name);
    }
    for (const name of ['X-Title', 'HTTP-Referer', 'User-Agent', 'OpenAI-Organization'])
      assert.equal(isAuthLikeHeaderName(name), false, name);
    const redactor = redactorFor('sk-live-abcdef123456', {
      'api-key': 'azure-0123456789',
      'X-Title': 'Gateway Chat',
      'X-Token': 'Bearer tok-abcdefgh',
    });
    assert.equal(
      redactor.redact('sk-live-abcdef123456 azure-0123456789 tok-abcdefgh Gateway Chat'),
      '[REDACTED] [REDACTED] [REDACTED] Gateway Chat',
    );
  });

  it('formats durations for messages', () => {
    assert.deepEqual([50, 999, 1000, 1500, 30_000, 120_000].map(formatDuration), [
      '50 ms',
      '999 ms',
      '1 s',
      '1.5 s',
      '30 s',
      '120 s',
    ]);
  });

  it('idle watchdog: fires only after the quiet time while a read waits, and aborts the controller', async () => {
    const controller = new AbortController();
    const watchdog = new Watchdog(controller, undefined, 40);
    let idled = 0;
    watchdog.startIdle(() => idled++);
    // Busy (not reading) for longer than the limit: not idle.
    await new Promise((resolve) => setTimeout(resolve, 70));
    assert.equal(watchdog.fired, undefined);
    watchdog.readStarted();
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.deepEqual(watchdog.fired, { phase: 'idle', ms: 40 });
    assert.equal(idled, 1);
    assert.equal(controller.signal.aborted, true);
    watchdog.clear();
  });

  it('reads a body up to a limit and reports a break with what it read', async () => {
    const bytes = new TextEncoder().encode('héllo wörld');
    const cut = await readBodyBounded(new Response(bytes), 7);
    assert.equal(cut.truncated, true);
    assert.equal(cut.bytes, 7);
    assert.equal(cut.text, 'héllo ');
    const whole = await readBodyBounded(new Response(bytes), 1000);
    assert.deepEqual(whole, { text: 'héllo wörld', bytes: bytes.length, truncated: false });
    let sent = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('part'));
        } else controller.error(new Error('socket hang up'));
      },
    });
    const failed = await readBodyBounded(new Response(broken), 1000);
    assert.equal(failed.text, 'part');
    assert.ok(failed.failure instanceof Error);
  });
});
