// Model output is only ever text, and the production Content-Security-Policy holds in the real page.
import { strict as assert } from 'node:assert';
import {
  assistantMessage,
  snapshot,
  startCountingServer,
  usePanelHarness,
  userMessage,
  type LocalServer,
} from '../support/panelPage';

declare global {
  interface Window {
    __pwned?: unknown;
    __inline?: unknown;
    __withNonce?: unknown;
  }
}

/** Lets anything the page might have started (an image, a script) have its chance to run or load. */
const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tags the panel itself builds inside the conversation; anything else came from content. */
const PANEL_TAGS = ['ARTICLE', 'HEADER', 'SPAN', 'DIV', 'BUTTON', 'H2', 'P', 'A'];

describe('panel in Chromium: security', () => {
  const harness = usePanelHarness();
  let attacker: LocalServer;

  beforeEach(async () => {
    attacker = await startCountingServer();
  });
  afterEach(async () => {
    await attacker.close();
  });

  it('[B7-1][B7-2][B7-11] renders model output that looks like HTML or Markdown as literal text and loads nothing', () =>
    harness.withPanel({}, async (panel) => {
      const payloads = [
        '<img src=x onerror="window.__pwned=1">',
        '<script>window.__pwned=1</script>',
        `![x](${attacker.origin}/leak.png)`,
        `<img src="${attacker.origin}/direct.png">`,
        '<iframe src="javascript:window.__pwned=1"></iframe>',
        '<a href="javascript:window.__pwned=1">click</a> &lt;b&gt;entities&lt;/b&gt;',
      ];
      const reply = payloads.join('\n');
      await panel.send(
        snapshot(),
        { type: 'messageAdded', message: userMessage('u1', payloads[0]) },
        { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
      );
      // Split the payloads across deltas, mid-tag, as a stream would.
      for (let at = 0; at < reply.length; at += 7)
        await panel.send({ type: 'delta', messageId: 'a1', text: reply.slice(at, at + 7) });
      await panel.send({
        type: 'turnEnded',
        messageId: 'a1',
        status: 'error',
        model: payloads[1],
        finishReason: payloads[3],
        error: { title: payloads[0], detail: payloads[2], actions: ['retry'] },
      });
      // And the same again through a snapshot, as after a reload.
      await panel.send(
        { type: 'messageAdded', message: userMessage('u2', payloads[4]) },
        { type: 'messageAdded', message: assistantMessage('a2', reply, 'done', { model: payloads[5] }) },
      );
      await settle();

      // Replies are rendered as markdown: raw HTML stays text, entities are decoded, and the image is only a
      // placeholder that shows its alt text and its URL.
      const shown = reply
        .replace(`![x](${attacker.origin}/leak.png)`, `x${attacker.origin}/leak.png`)
        .replace('&lt;b&gt;entities&lt;/b&gt;', '<b>entities</b>');
      assert.equal(await panel.page.locator('.message[data-id="a1"] .message-body').textContent(), shown);
      assert.equal(await panel.page.locator('.message[data-id="a2"] .message-body').textContent(), shown);
      assert.equal(await panel.page.locator('.message[data-id="u1"] .message-body').textContent(), payloads[0]);
      assert.equal(await panel.page.locator('.message[data-id="a1"] .error-title').innerText(), payloads[0]);
      assert.equal(await panel.page.locator('.message[data-id="a1"] .error-detail').innerText(), payloads[2]);
      // The visible text, as a user would read it, contains the markup characters.
      assert.match(
        await panel.page.locator('.message[data-id="a1"] .message-body').innerText(),
        /<script>window\.__pwned=1<\/script>/,
      );

      const bodies = await panel.page.$$eval('.message-body', (elements) =>
        elements.map((element) => element.children.length),
      );
      assert.deepEqual(
        bodies,
        [0, 1, 0, 1],
        'a user message body has element children, or a reply is not one paragraph',
      );
      const placeholders = await panel.page.$$eval('.message-body .md-image', (elements) =>
        elements.map((element) => element.textContent),
      );
      assert.deepEqual(placeholders, [`x${attacker.origin}/leak.png`, `x${attacker.origin}/leak.png`]);
      const foreign = await panel.page.$$eval(
        '.conversation *',
        (elements, allowed) => elements.map((element) => element.tagName).filter((tag) => !allowed.includes(tag)),
        PANEL_TAGS,
      );
      assert.deepEqual(foreign, []);
      // The bare URL is linkified, but no element in the conversation has anything the browser would follow or load.
      assert.deepEqual(
        await panel.page.$$eval(
          '.conversation [href], .conversation [src], .conversation [style]',
          (elements) => elements.length,
        ),
        0,
      );
      assert.equal(await panel.page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(attacker.requests, []);
      assert.deepEqual(await panel.cspViolations(), [], 'something in the output tried to load or run');
    }));

  it('[B7-1] does not run an inline script that lacks the nonce (but does run one with it)', () =>
    harness.withPanel(
      { allowCspViolation: (violation) => violation.effectiveDirective === 'script-src-elem' },
      async (panel) => {
        await panel.page.evaluate((nonce) => {
          const rogue = document.createElement('script');
          rogue.textContent = 'window.__inline = 1';
          document.body.append(rogue);
          // The control: the same injection with the page's nonce runs, so the check above is not vacuous.
          const trusted = document.createElement('script');
          trusted.nonce = nonce;
          trusted.textContent = 'window.__withNonce = 1';
          document.body.append(trusted);
        }, panel.nonce);
        await settle(100);
        assert.equal(await panel.page.evaluate(() => window.__inline), undefined);
        assert.equal(await panel.page.evaluate(() => window.__withNonce), 1);
        const violations = await panel.cspViolations();
        assert.equal(violations.length, 1, JSON.stringify(violations));
        assert.equal(violations[0].effectiveDirective, 'script-src-elem');
      },
    ));

  it('[B7-11][B7-13] blocks an image or a request to another host even if the page tried to make one', () =>
    harness.withPanel(
      { allowCspViolation: (violation) => ['img-src', 'connect-src'].includes(violation.effectiveDirective) },
      async (panel) => {
        const fetchResult = await panel.page.evaluate(async (origin) => {
          const image = document.createElement('img');
          image.src = `${origin}/beacon.png`;
          document.body.append(image);
          try {
            await fetch(`${origin}/exfiltrate`);
            return 'fetched';
          } catch {
            return 'refused';
          }
        }, attacker.origin);
        await settle();
        assert.equal(fetchResult, 'refused');
        assert.deepEqual(attacker.requests, []);
        const directives = (await panel.cspViolations()).map((violation) => violation.effectiveDirective).sort();
        assert.deepEqual(directives, ['connect-src', 'img-src']);
      },
    ));

  it('runs a whole conversation with no CSP violation, the codicon font and the styles loaded', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot({ hasApiKey: false, configProblem: 'gatewayChat.baseUrl is not a valid URL.' }));
      await panel.send(
        snapshot(),
        { type: 'messageAdded', message: userMessage('u1', 'hi') },
        { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
        { type: 'delta', messageId: 'a1', text: 'Hello' },
        { type: 'turnEnded', messageId: 'a1', status: 'stopped', model: 'm', usage: { totalTokens: 3 } },
        { type: 'messageAdded', message: userMessage('u2', 'again') },
        { type: 'messageAdded', message: assistantMessage('a2', '', 'streaming') },
        {
          type: 'turnEnded',
          messageId: 'a2',
          status: 'error',
          error: { title: 'Failed', detail: 'x', actions: ['retry', 'showLog'] },
        },
      );
      await panel.page.locator('textarea#composer').pressSequentially('typed');
      await panel.page.keyboard.press('Enter');

      const fonts = await panel.page.evaluate(async () => {
        await document.fonts.ready;
        const list: { family: string; status: string }[] = [];
        document.fonts.forEach((font) => list.push({ family: font.family.replace(/["']/g, ''), status: font.status }));
        return list;
      });
      assert.deepEqual(
        fonts.filter((font) => font.family === 'codicon'),
        [{ family: 'codicon', status: 'loaded' }],
      );
      // The icon glyphs are drawn with that font.
      const iconFont = await panel.page.$eval(
        'button#send .codicon',
        (element) => getComputedStyle(element, '::before').fontFamily,
      );
      assert.match(iconFont, /codicon/);
      assert.equal(await panel.page.$eval('main.app', (element) => getComputedStyle(element).display), 'flex');
      assert.deepEqual(await panel.cspViolations(), []);
      assert.deepEqual(panel.failedRequests, []);
      const loaded = harness.current.assetServer.requests.map((request) => request.replace(/\?.*$/, ''));
      for (const file of [
        '/dist/webview.js',
        '/dist/webview.css',
        '/dist/codicons/codicon.css',
        '/dist/codicons/codicon.ttf',
      ]) {
        assert.ok(loaded.includes(file), `${file} was not loaded: ${loaded.join(', ')}`);
      }
    }));
});
