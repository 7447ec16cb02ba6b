/**
 * Cases of the hostile corpus that only the real VS Code can show: links from replies opened by the host, errors and
 * finish reasons in the words the user reads, special files dropped on the panel, a plain-http gateway on another
 * machine, and requests through the proxy of VS Code's `http.proxy` setting.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeGateway, sseReply, type RecordedRequest } from '../../support/fakeGateway';
import { makePng } from '../../support/pngFixture';
import { filesContaining } from '../../support/vscodeServer';
import {
  ask,
  clearNotifications,
  lastAssistantAllText,
  newChat,
  sel,
  setConfig,
  sleep,
  startChatSuite,
  TEST_API_KEY,
  until,
  useGateway,
  waitForLastAssistant,
  withTimeout,
} from './helpers';
import * as ui from './ui';

/** A server on `host` that only records what reaches it (stands for a link's target or another machine). */
async function recordingServer(host = '127.0.0.1'): Promise<{
  readonly origin: string;
  readonly port: number;
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The texts of every notification, read from the notification center (a warning raised while the user works in the
 * panel may not come up as a toast).
 */
async function allNotifications(): Promise<string[]> {
  await vscode.commands.executeCommand('notifications.showList');
  try {
    return await ui.notifications();
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

const lastNotice = async () => (await ui.panelTexts(sel.notice)).at(-1) ?? '';

describe('Hostile corpus in the real VS Code', function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  beforeEach(async () => {
    await setConfig('baseUrl', gateway.baseUrl);
    await newChat();
    await clearNotifications();
  });

  after(async () => {
    await gateway?.close();
  });

  it('[B7-5] a web link in a reply goes to the host, which opens it in a browser tab; the link shows where it goes', async () => {
    const target = await recordingServer();
    try {
      const url = `${target.origin}/docs/page?from=reply`;
      gateway.enqueue(sseReply([`The docs are at ${url} — and `, `<${target.origin}/autolink> too.`]));
      await ask('Where are the docs?');
      await waitForLastAssistant('done');
      const link = `${sel.assistantBody} .md-link`;
      assert.equal(await ui.count(link), 2);
      assert.equal(await ui.attribute(link, 'title'), url, 'the link does not show its full URL');
      assert.equal(await ui.attribute(link, 'href'), null, 'the link can be followed by the page itself');
      const tabsBefore = (await ui.openedTabs()).length;
      await sleep(300);
      assert.deepEqual(target.requests, [], 'the link was prefetched');
      await ui.click(link);
      // VS Code's opener (openExternal) opens it in a new tab: the address itself, or, as this VS Code runs as a
      // server, the same address forwarded through the server's port forwarding (/proxy/<port>/…).
      const opened = await until('a browser tab with the link', async () =>
        (await ui.openedTabs())
          .slice(tabsBefore)
          .find((tab) => tab === url || tab.endsWith(`/proxy/${target.port}/docs/page?from=reply`)),
      );
      assert.ok(opened);
    } finally {
      await target.close();
    }
  });

  it('[B7-4] a command: or vscode: link that reaches the host anyway is refused, with a warning, and nothing runs', async () => {
    gateway.enqueue(sseReply(['A reply to hold the links.']));
    await ask('Say something.');
    await waitForLastAssistant('done');
    const terminals = vscode.window.terminals.length;
    const settingsEditors = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).length;
    const tabs = settingsEditors();
    for (const href of [
      'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D',
      'command:workbench.action.openSettings',
      'vscode://gateway-chat.gateway-chat/run',
      'file:///etc/passwd',
    ]) {
      await clearNotifications();
      await ui.clickForgedLink(href);
      await until(`the warning about ${href}`, async () =>
        (await allNotifications()).some((text) => /only opens http, https and mailto links/.test(text)),
      );
    }
    await sleep(500);
    assert.equal(vscode.window.terminals.length, terminals, 'a terminal was opened');
    assert.equal(settingsEditors(), tabs, 'an editor was opened');
  });

  it("[B7-23] a 403 moderation refusal shows the gateway's message, the reasons, the flagged text and the provider", async () => {
    const before = gateway.chatRequests().length;
    gateway.enqueue({
      status: 403,
      headers: { 'content-type': 'application/json' },
      steps: [
        {
          kind: 'write',
          data: JSON.stringify({
            error: {
              code: 403,
              message: 'Your chosen model requires moderation and your input was flagged',
              metadata: { reasons: ['violence'], flagged_input: 'the flagged words', provider_name: 'OpenAI' },
            },
          }),
        },
      ],
    });
    await ask('A question a moderator dislikes.');
    await waitForLastAssistant('error');
    const text = await lastAssistantAllText();
    assert.match(text, /403/);
    assert.match(text, /your input was flagged/);
    assert.match(text, /Flagged for: violence/);
    assert.match(text, /Flagged text: “the flagged words”/);
    assert.match(text, /Provider: OpenAI/);
    assert.equal(gateway.chatRequests().length - before, 1, 'a 403 was retried');
  });

  it('[B7-25] a 400 context_length_exceeded says the conversation is too long and how to go on', async () => {
    const before = gateway.chatRequests().length;
    gateway.enqueue({
      status: 400,
      headers: { 'content-type': 'application/json' },
      steps: [
        {
          kind: 'write',
          data: JSON.stringify({
            error: {
              message:
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 130211 tokens.",
              type: 'invalid_request_error',
              param: 'messages',
              code: 'context_length_exceeded',
            },
          }),
        },
      ],
    });
    await ask('One question too many.');
    await waitForLastAssistant('error');
    const text = await lastAssistantAllText();
    assert.match(text, /too long for the model/);
    assert.match(text, /maximum context length is 128000 tokens/);
    assert.match(text, /New Chat/);
    assert.match(text, /delete earlier messages/);
    assert.equal(await ui.count(sel.errorAction('selectModel')), 1, 'no "Select Model" action');
    assert.equal(gateway.chatRequests().length - before, 1, 'the request was retried');
  });

  it('[B7-40] a reply cut by the token limit, stopped by a filter, asking for tools or ending oddly says why', async () => {
    const cases: [string, string[], RegExp][] = [
      ['length', ['Here are the steps: 1. Install'], /reached the token limit and was cut off/],
      ['content_filter', ['The battle scene opens with'], /content filter stopped the reply/],
      ['tool_calls', [], /said it would call a tool, but the gateway sent no tool call/],
      ['eos', ['Bonjour !'], /ended with finish reason "eos"/],
      ['insufficient_system_resource', ['Partial'], /ended with finish reason "insufficient_system_resource"/],
    ];
    for (const [finishReason, deltas, notice] of cases) {
      await newChat();
      gateway.enqueue(sseReply(deltas, { finishReason }));
      await ask(`Finish with ${finishReason}.`);
      const text = await waitForLastAssistant('done');
      assert.equal(text.trim(), deltas.join(''), finishReason);
      assert.match(await lastNotice(), notice, finishReason);
      if (finishReason === 'length') assert.equal(await ui.count('button[data-message-action="continue"]'), 1);
    }
  });

  it('[D11b] /dev/zero and a FIFO, dropped on the panel or attached, are refused at once by name; an image beside them is attached', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-chat-special-'));
    try {
      const fifo = path.join(dir, 'screenshot.png');
      execFileSync('mkfifo', [fifo]);
      const picture = path.join(dir, 'real picture.png');
      fs.writeFileSync(picture, makePng(40, 30));
      const uris = [vscode.Uri.file('/dev/zero'), vscode.Uri.file(fifo), vscode.Uri.file(picture)];
      const chip = '.attachment-chip';

      await ui.dropUrisOnPanel(uris.map((uri) => uri.toString()));
      const warning = await until('the warning naming the special files', async () =>
        (await allNotifications()).find((text) => /zero/.test(text) && /screenshot\.png/.test(text)),
      );
      assert.match(warning, /zero is not a regular file/);
      assert.match(warning, /screenshot\.png is not a regular file/);
      await ui.waitForCount(chip, 1, 20_000);
      await ui.click(`${chip} .attachment-remove`);
      await ui.waitForCount(chip, 0);

      await clearNotifications();
      const attached = vscode.commands.executeCommand('gatewayChat.attachImage', uris);
      await withTimeout(attached, 10_000, 'the attach command did not finish');
      assert.ok((await allNotifications()).some((text) => /zero is not a regular file/.test(text)));
      await ui.waitForCount(chip, 1, 20_000);
      await ui.click(`${chip} .attachment-remove`);
      await ui.waitForCount(chip, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A port of 127.0.0.1 nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** This machine's first IPv4 address that is not loopback (another machine, as far as a URL can tell). */
function nonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

describe('Plain http to another machine', function () {
  let remote: Awaited<ReturnType<typeof recordingServer>> | undefined;

  before(async function () {
    ui.requireUi(this);
    const address = nonLoopbackAddress();
    if (!address) this.skip();
    remote = await recordingServer(address);
  });

  after(async () => {
    await remote?.close();
  });

  it('[B7-20] a gateway at http:// on another machine is warned about before the key is sent, and gets no key meanwhile', async () => {
    assert.ok(remote);
    const baseUrl = `${remote.origin}/v1`;
    await useGateway(baseUrl);
    await newChat();
    await ask('Is this sent in the clear?');
    // The warning is a modal dialog, which VS Code refuses to show while tests run: the message is refused with its
    // text, which the extension's log records, and nothing goes out.
    const dir = process.env.GATEWAY_CHAT_LOGS_DIR;
    assert.ok(dir, 'GATEWAY_CHAT_LOGS_DIR is not set');
    await until(
      'the plain-http warning',
      () => filesContaining(dir, `${remote?.origin} uses plain http`).length > 0,
      15_000,
    );
    await sleep(500);
    assert.deepEqual(
      remote.requests.filter((request) => request.method === 'POST'),
      [],
      'a chat request went to the plain-http gateway',
    );
    for (const request of remote.requests) {
      assert.equal(request.headers.authorization, undefined, `${request.method} ${request.url} carried the key`);
      assert.ok(!JSON.stringify(request.headers).includes(TEST_API_KEY));
    }
  });
});

/**
 * An HTTP proxy on 127.0.0.1 that knows one `host:port` nobody else can reach: requests for it (tunnelled with
 * CONNECT, or sent in absolute form) go to `targetPort` on this machine. Without the proxy the name does not resolve.
 */
async function startProxy(
  hostAndPort: string,
  targetPort: number,
): Promise<{
  readonly url: string;
  readonly seen: string[];
  close(): Promise<void>;
}> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    const target = new URL(request.url ?? '/', 'http://invalid');
    seen.push(`${request.method} ${request.url}`);
    if (target.host !== hostAndPort) return void response.writeHead(502).end('unknown host');
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: request.method,
        path: `${target.pathname}${target.search}`,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${request.url}`);
    if (request.url !== hostAndPort) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("Requests through VS Code's http.proxy", function () {
  let gateway: FakeGateway;

  before(async function () {
    gateway = await startChatSuite(this);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await gateway?.close();
  });

  it('[B7-46] the chat request goes through the proxy set in http.proxy, to a gateway only the proxy can reach', async () => {
    // VS Code's proxy support sends localhost and 127.0.0.1 direct; a name under .localhost goes through the proxy,
    // is loopback as far as the key's safety goes (no plain-http warning), and resolves nowhere else. Its port is
    // closed here too: only the proxy, which maps the name to the gateway, can make the request arrive.
    const hostName = 'gateway-chat-proxy-test.localhost';
    const port = await closedPort();
    const proxy = await startProxy(`${hostName}:${port}`, gateway.port);
    try {
      await vscode.workspace.getConfiguration('http').update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      await useGateway(`http://${hostName}:${port}/v1`);
      await newChat();
      gateway.enqueue(sseReply(['Through ', 'the proxy.']));
      await ask('Which way did this go?');
      const request: RecordedRequest = await gateway.nextChatRequest(20_000);
      assert.match(await waitForLastAssistant('done'), /Through the proxy\./);
      assert.equal(request.headers.authorization, `Bearer ${TEST_API_KEY}`);
      assert.ok(
        proxy.seen.some((line) => line.includes(`${hostName}:${port}`)),
        `the proxy saw no request for the gateway: ${JSON.stringify(proxy.seen)}`,
      );
    } finally {
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
    }
  });
});
