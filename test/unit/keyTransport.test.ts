import { strict as assert } from 'node:assert';
import { isLoopbackHost, originOf, sendsKeyInClear } from '../../src/core/keyTransport';

describe('where the API key may travel', () => {
  it('[B7-20] flags plain http to another machine', () => {
    for (const url of [
      'http://gateway.example.com/v1',
      'http://192.168.1.20:11434/v1',
      'http://10.0.0.5/v1',
      'HTTP://Example.COM/v1',
    ]) {
      assert.equal(sendsKeyInClear(url), true, url);
    }
  });

  it('[B7-20] accepts https anywhere and http to this computer', () => {
    for (const url of [
      'https://api.ofox.ai/v1',
      'https://192.168.1.20/v1',
      'http://localhost:11434/v1',
      'http://127.0.0.1:1234/v1',
      'http://127.1.2.3/v1',
      'http://[::1]:8000/v1',
      'http://ollama.localhost/v1',
      'http://2130706433/v1',
    ]) {
      assert.equal(sendsKeyInClear(url), false, url);
    }
  });

  it('[B7-20] is not fooled by look-alike hosts', () => {
    for (const host of ['127.0.0.1.evil.example', 'localhost.evil.example', 'evil-localhost', '128.0.0.1', '::2']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
    assert.equal(sendsKeyInClear('http://127.0.0.1.evil.example/v1'), true);
  });

  it('remembers decisions per origin', () => {
    assert.equal(originOf('http://Gateway.Example.com:8080/v1/chat'), 'http://gateway.example.com:8080');
    assert.equal(originOf('not a url'), 'not a url');
  });
});
