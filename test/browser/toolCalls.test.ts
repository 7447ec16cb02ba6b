// The model's tool calls in a reply, and the cards that ask the user to allow one, as the user sees and uses them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApprovalView, HostToWebview, ToolCallView, WebviewToHost } from '../../src/shared/protocol';
import {
  assistantMessage,
  DARK_THEME,
  REPO_ROOT,
  snapshot,
  startCountingServer,
  usePanelHarness,
  userMessage,
  type PanelPage,
} from '../support/panelPage';
import { frames, longConversation } from './scrolling.test';

/** Where the screenshots go; approval-command.png and approval-edit.png are the README's, copied to media/screenshots/. */
const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

declare global {
  interface Window {
    __pwned?: unknown;
    __argumentsNode?: Node | null;
  }
}

const row = (panel: PanelPage, messageId: string, index = 0) =>
  panel.page.locator(`.message[data-id="${messageId}"] .tool-call[data-index="${index}"]`);
const card = (panel: PanelPage, callId: string) => panel.page.locator(`.approval-card[data-call-id="${callId}"]`);
const liveRegion = (panel: PanelPage) => panel.page.locator('main.app > [aria-live="polite"]');

async function decisions(panel: PanelPage): Promise<WebviewToHost[]> {
  return (await panel.posted()).filter((message) => message.type === 'toolDecision');
}

/** What a collapsed row shows: its icon, its title, and its stage (spinner label or badge). */
function summaryOf(panel: PanelPage, messageId: string, index = 0) {
  return row(panel, messageId, index).evaluate((element) => {
    const summary = element.querySelector('summary');
    const kindIcon = summary?.querySelectorAll('.codicon')[1];
    return {
      icon: Array.from(kindIcon?.classList ?? [])
        .find((name) => name !== 'codicon')
        ?.replace('codicon-', ''),
      title: summary?.querySelector('.tool-call-title')?.textContent,
      spinner: summary?.querySelector('.tool-call-stage .codicon-loading.codicon-modifier-spin') !== null,
      stage: summary?.querySelector('.tool-call-stage')?.textContent,
    };
  });
}

/** The text of the opened row's arguments and result blocks. */
function detailOf(panel: PanelPage, messageId: string, index = 0) {
  return row(panel, messageId, index).evaluate((element) => {
    const blocks = Array.from(element.querySelectorAll('.tool-call-section')).filter(
      (section) => !(section as HTMLElement).hidden,
    );
    return blocks.map((section) => ({
      label: section.querySelector('.tool-call-label')?.textContent,
      text: section.querySelector('pre')?.textContent,
      note: section.querySelector('.tool-call-note')?.textContent,
    }));
  });
}

const commandApproval: ApprovalView = {
  callId: 'call_cmd',
  toolName: 'run_in_terminal',
  kind: 'command',
  title: 'Run a command in the terminal',
  detail: 'npm test',
  canAllowForConversation: false,
};

const EDIT_PREVIEW = [
  '--- a/src/greeting.ts',
  '+++ b/src/greeting.ts',
  '@@ -1,7 +1,8 @@',
  ' export function greet(name: string): string {',
  "-  return 'Hello ' + name;",
  '+  const trimmed = name.trim();',
  "+  return `Hello, ${trimmed || 'world'}!`;",
  ' }',
  ' ',
  ' export function farewell(name: string): string {',
  "   return 'Goodbye ' + name;",
  ' }',
].join('\n');

const editApproval: ApprovalView = {
  callId: 'call_edit',
  toolName: 'propose_edit',
  kind: 'edit',
  title: 'Edit src/greeting.ts',
  detail: 'src/greeting.ts',
  preview: EDIT_PREVIEW,
  canAllowForConversation: false,
};

const readApproval: ApprovalView = {
  callId: 'call_read',
  toolName: 'read_file',
  kind: 'read',
  title: 'Read src/app.ts',
  detail: 'src/app.ts',
  canAllowForConversation: true,
};

function call(index: number, overrides: Partial<ToolCallView> = {}): ToolCallView {
  return {
    id: `call_${index}`,
    index,
    name: 'read_file',
    arguments: '{"path":"src/app.ts"}',
    stage: 'answered',
    outcome: 'result',
    title: 'Read src/app.ts',
    kind: 'read',
    ...overrides,
  };
}

/** A turn whose first reply asks for a tool call: the user's question, then the reply streaming with it. */
async function startTurn(panel: PanelPage, ...more: HostToWebview[]): Promise<void> {
  await panel.send(
    snapshot({ streaming: true }),
    { type: 'messageAdded', message: userMessage('u1', 'Run the tests') },
    { type: 'messageAdded', message: assistantMessage('a1', '', 'streaming') },
    { type: 'delta', messageId: 'a1', text: 'I will run them.' },
    ...more,
  );
}

/** The reply's call `callId` waits for the user: its row says so and its card is asked. */
function waitingFor(approval: ApprovalView, index = 0): HostToWebview[] {
  return [
    { type: 'roundEnded', messageId: 'a1', status: 'done', finishReason: 'tool_calls' },
    {
      type: 'toolCallUpdated',
      messageId: 'a1',
      call: call(index, {
        id: approval.callId,
        name: approval.toolName,
        kind: approval.kind,
        title: approval.title,
        stage: 'waiting',
        outcome: undefined,
        arguments: '{}',
      }),
    },
    { type: 'approvalRequested', messageId: 'a1', approvals: [approval] },
  ];
}

const activeElement = (panel: PanelPage) =>
  panel.page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    return {
      tag: active?.tagName,
      id: active?.id,
      decision: active?.dataset.decision,
      text: active?.textContent,
    };
  });

describe('panel in Chromium: tool calls and approvals', () => {
  const harness = usePanelHarness();

  before(() => fs.mkdirSync(SCREENSHOTS, { recursive: true }));

  it('forms a tool call row from deltas: the name, then the arguments as they grow, pretty-printed once complete', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, {
        type: 'toolCallDelta',
        messageId: 'a1',
        index: 0,
        id: 'call_1',
        name: 'read_file',
        argumentsDelta: '{"pa',
      });
      assert.deepEqual(await summaryOf(panel, 'a1'), {
        icon: 'tools',
        title: 'read_file…',
        spinner: true,
        stage: 'Preparing',
      });
      // Collapsed by default; opened, the arguments as written so far.
      assert.equal(await row(panel, 'a1').getAttribute('open'), null);
      await row(panel, 'a1').locator('summary').click();
      assert.deepEqual(await detailOf(panel, 'a1'), [{ label: 'Arguments', text: '{"pa', note: undefined }]);

      // Each delta is appended to the same text node: nothing is rendered again.
      await panel.page.evaluate(() => {
        window.__argumentsNode = document.querySelector('.tool-call pre code')?.firstChild;
      });
      await panel.send(
        { type: 'toolCallDelta', messageId: 'a1', index: 0, argumentsDelta: 'th": "src/' },
        { type: 'toolCallDelta', messageId: 'a1', index: 0, argumentsDelta: 'app.ts", "startLine": 1}' },
      );
      assert.equal(
        await panel.page.evaluate(() => {
          const code = document.querySelector('.tool-call pre code');
          return code?.childNodes.length === 1 && code.firstChild === window.__argumentsNode;
        }),
        true,
        'the arguments were rendered again instead of appended to',
      );
      assert.equal((await detailOf(panel, 'a1'))[0].text, '{"path": "src/app.ts", "startLine": 1}');

      // Complete: the host's title and kind, the arguments pretty-printed; then it runs and is answered.
      const complete = call(0, {
        id: 'call_1',
        arguments: '{"path": "src/app.ts", "startLine": 1}',
        stage: 'running',
        outcome: undefined,
        title: 'Read src/app.ts, from line 1',
      });
      await panel.send({ type: 'toolCallUpdated', messageId: 'a1', call: complete });
      assert.deepEqual(await summaryOf(panel, 'a1'), {
        icon: 'eye',
        title: 'Read src/app.ts, from line 1',
        spinner: true,
        stage: 'Running',
      });
      assert.deepEqual(await detailOf(panel, 'a1'), [
        { label: 'Arguments', text: '{\n  "path": "src/app.ts",\n  "startLine": 1\n}', note: undefined },
      ]);
      await panel.send({
        type: 'toolCallUpdated',
        messageId: 'a1',
        call: { ...complete, stage: 'answered', outcome: 'result', result: 'export const app = 1;\n' },
      });
      assert.deepEqual(await summaryOf(panel, 'a1'), {
        icon: 'eye',
        title: 'Read src/app.ts, from line 1',
        spinner: false,
        stage: 'Done',
      });
      assert.deepEqual((await detailOf(panel, 'a1'))[1], {
        label: 'Result',
        text: 'export const app = 1;\n',
        note: undefined,
      });
      // The row stayed open through the updates.
      assert.equal(await row(panel, 'a1').evaluate((element) => (element as HTMLDetailsElement).open), true);
    }));

  it('reads rounds of one turn as one answer: the round goes on without a second header, and "tool_calls" is not repeated', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, {
        type: 'toolCallDelta',
        messageId: 'a1',
        index: 0,
        id: 'call_1',
        name: 'read_file',
        argumentsDelta: '{"path":"src/app.ts"}',
      });
      await panel.send(
        { type: 'roundEnded', messageId: 'a1', status: 'done', finishReason: 'tool_calls', model: 'openai/gpt-4o' },
        { type: 'toolCallUpdated', messageId: 'a1', call: call(0, { result: 'text' }) },
        { type: 'messageAdded', message: assistantMessage('a2', '', 'streaming') },
        { type: 'delta', messageId: 'a2', text: 'The file exports one constant.' },
      );
      // The turn goes on: Stop is still there.
      assert.equal(await panel.page.isVisible('button#stop'), true);
      assert.equal(await panel.page.locator('.message[data-id="a1"] .message-footer').textContent(), 'openai/gpt-4o');
      const headerShown = (id: string) =>
        panel.page
          .locator(`.message[data-id="${id}"] .message-header > span:not(.message-toolbar)`)
          .first()
          .isVisible();
      assert.equal(await headerShown('a1'), true);
      assert.equal(await headerShown('a2'), false, 'the second round repeats the "Assistant" header');
      const gap = await panel.page.evaluate(() => {
        const first = document.querySelector('.message[data-id="a1"]')?.getBoundingClientRect();
        const second = document.querySelector('.message[data-id="a2"] .message-body')?.getBoundingClientRect();
        return second && first ? second.top - first.bottom : undefined;
      });
      assert.ok(gap !== undefined && gap < 12, `the rounds are ${gap}px apart`);
      // Its toolbar is still there for the keyboard.
      assert.equal(await panel.page.locator('.message[data-id="a2"] [data-message-action="copy"]').count(), 1);
    }));

  it('shows the outcome of each call as a badge, and an icon for what the tool does', () =>
    harness.withPanel({}, async (panel) => {
      const calls: ToolCallView[] = [
        call(0, { outcome: 'result' }),
        call(1, { outcome: 'resultCapped', kind: 'command', title: 'Run npm test' }),
        call(2, { outcome: 'failed', kind: 'edit', title: 'Edit src/app.ts' }),
        call(3, { outcome: 'denied', kind: 'create', title: 'Create src/new.ts' }),
        call(4, { outcome: 'invalidArguments', kind: 'external', title: 'Search the web' }),
        call(5, { outcome: 'unknownTool', kind: undefined, title: undefined, name: 'make_coffee' }),
        call(6, { outcome: 'cancelled' }),
        call(7, { outcome: 'notRun' }),
        call(8, { stage: 'waiting', outcome: undefined }),
        call(9, { stage: 'running', outcome: undefined }),
      ];
      await panel.send(
        snapshot({
          messages: [userMessage('u1', 'Go'), assistantMessage('a1', 'Working on it.', 'done', { toolCalls: calls })],
        }),
      );
      const shown = [];
      for (const { index } of calls) shown.push(await summaryOf(panel, 'a1', index));
      assert.deepEqual(
        shown.map(({ icon, title, stage }) => [icon, title, stage]),
        [
          ['eye', 'Read src/app.ts', 'Done'],
          ['terminal', 'Run npm test', 'Result cut'],
          ['edit', 'Edit src/app.ts', 'Failed'],
          ['new-file', 'Create src/new.ts', 'Declined'],
          ['tools', 'Search the web', 'Invalid arguments'],
          ['tools', 'make_coffee', 'No such tool'],
          ['eye', 'Read src/app.ts', 'Cancelled'],
          ['eye', 'Read src/app.ts', 'Not run'],
          ['eye', 'Read src/app.ts', 'Waiting for approval'],
          ['eye', 'Read src/app.ts', 'Running'],
        ],
      );
      assert.deepEqual(
        shown.map(({ spinner }) => spinner),
        [false, false, false, false, false, false, false, false, false, true],
      );
    }));

  it('[B7-1][B7-2] shows arguments, results and titles that look like HTML or Markdown as literal text, creating no element', async () => {
    const attacker = await startCountingServer();
    try {
      await harness.withPanel({}, async (panel) => {
        const hostile = [
          '<img src=x onerror="window.__pwned=1">',
          `<img src="${attacker.origin}/leak.png">`,
          '<script>window.__pwned=1</script>',
          '**bold** _em_ [link](https://example.com) ![x](' + attacker.origin + '/md.png)',
          '# Heading',
        ].join('\n');
        await startTurn(panel, {
          type: 'toolCallDelta',
          messageId: 'a1',
          index: 0,
          id: 'call_1',
          name: '<b>read_file</b>',
          argumentsDelta: JSON.stringify({ path: hostile }),
        });
        await row(panel, 'a1').locator('summary').click();
        await panel.send({
          type: 'toolCallUpdated',
          messageId: 'a1',
          call: call(0, {
            name: '<b>read_file</b>',
            title: '<img src=x onerror="window.__pwned=1"> **Read**',
            arguments: JSON.stringify({ path: hostile }),
            result: hostile,
          }),
        });
        await panel.send({
          type: 'approvalRequested',
          messageId: 'a1',
          approvals: [{ ...commandApproval, title: '<b>Run</b> **this**', detail: hostile, preview: hostile }],
        });
        await new Promise((resolve) => setTimeout(resolve, 300));

        assert.equal((await summaryOf(panel, 'a1')).title, '<img src=x onerror="window.__pwned=1"> **Read**');
        const [args, result] = await detailOf(panel, 'a1');
        assert.equal(args.text, JSON.stringify({ path: hostile }, null, 2));
        assert.equal(result.text, hostile);
        assert.equal(await card(panel, 'call_cmd').locator('.approval-title').textContent(), '<b>Run</b> **this**');
        assert.equal(await card(panel, 'call_cmd').locator('.approval-detail').textContent(), hostile);
        assert.equal(await card(panel, 'call_cmd').locator('.approval-preview').textContent(), hostile);
        // Only the elements the panel builds itself: no image, script, link, bold or heading came from the text.
        const tags = await panel.page.$$eval('.message-tools *', (elements) => [
          ...new Set(elements.map((element) => element.tagName)),
        ]);
        assert.deepEqual(
          tags.filter((tag) => !['DIV', 'DETAILS', 'SUMMARY', 'SPAN', 'PRE', 'CODE', 'BUTTON'].includes(tag)),
          [],
        );
        assert.equal(await panel.page.locator('.message-tools [src], .message-tools [href]').count(), 0);
        assert.equal(await panel.page.evaluate(() => window.__pwned), undefined);
        assert.deepEqual(attacker.requests, []);
        assert.deepEqual(await panel.cspViolations(), []);
      });
    } finally {
      await attacker.close();
    }
  });

  it('[B7-8] shows bidi overrides and zero-width characters of a command visibly on its approval card', () =>
    harness.withPanel({}, async (panel) => {
      // Reads as "rm -rf ./cache" … but the override turns what follows around.
      const command = 'echo safe \u202Ehsab | lru\u200B';
      await startTurn(panel, ...waitingFor({ ...commandApproval, detail: command }));
      const markers = await card(panel, 'call_cmd')
        .locator('.approval-detail .md-invisible')
        .evaluateAll((elements) => elements.map((element) => (element as HTMLElement).dataset.label));
      assert.deepEqual(markers, ['⟨U+202E⟩', '⟨U+200B⟩']);
      // The text itself is kept as it is (a copy gets exactly the command).
      assert.equal(await card(panel, 'call_cmd').locator('.approval-detail').textContent(), command);
    }));

  it('says when a result is only the beginning of what the model read', () =>
    harness.withPanel({}, async (panel) => {
      const result = 'x'.repeat(4000);
      await panel.send(
        snapshot({
          messages: [
            assistantMessage('a1', '', 'done', {
              toolCalls: [call(0, { outcome: 'resultCapped', result, resultChars: 12345 })],
            }),
          ],
        }),
      );
      await row(panel, 'a1').locator('summary').click();
      assert.deepEqual((await detailOf(panel, 'a1'))[1], {
        label: 'Result',
        text: result,
        note: 'Showing the first 4,000 of 12,345 characters',
      });
    }));

  it('shows an approval card that is reached and used from the keyboard: Tab to the buttons, Enter and Space decide', () =>
    harness.withPanel({}, async (panel) => {
      // The composer has focus and is empty: the card's first button takes the focus.
      assert.equal((await activeElement(panel)).id, 'composer');
      await startTurn(panel, ...waitingFor(commandApproval));
      const cmd = card(panel, 'call_cmd');
      assert.equal(await cmd.locator('.approval-title').textContent(), 'Run a command in the terminal');
      assert.equal(await cmd.locator('.approval-detail').textContent(), 'npm test');
      // Never "for this conversation" for a command.
      assert.deepEqual(await cmd.locator('button').allTextContents(), ['Allow once', 'Deny']);
      assert.equal((await activeElement(panel)).decision, 'allowOnce');
      await panel.page.keyboard.press('Tab');
      assert.equal((await activeElement(panel)).decision, 'deny');
      await panel.page.keyboard.press('Shift+Tab');
      assert.equal((await activeElement(panel)).decision, 'allowOnce');
      // Escape is not a decision.
      await panel.page.keyboard.press('Escape');
      assert.deepEqual(await decisions(panel), []);
      await panel.page.keyboard.press('Tab');
      await panel.page.keyboard.press('Enter');
      assert.deepEqual(await decisions(panel), [
        { type: 'toolDecision', messageId: 'a1', callId: 'call_cmd', decision: 'deny' },
      ]);
      assert.equal(await cmd.locator('.approval-status').textContent(), 'Declined');
      assert.deepEqual(
        await cmd
          .locator('button')
          .evaluateAll((buttons) => buttons.map((button) => (button as HTMLButtonElement).disabled)),
        [true, true],
      );
      // Focus stays on the card, not lost to the page.
      assert.equal(await cmd.evaluate((element) => element === document.activeElement), true);

      // A read the user may allow for the conversation: Tab from its first button, then Space.
      await panel.send(...waitingFor(readApproval, 1));
      const read = card(panel, 'call_read');
      assert.deepEqual(await read.locator('button').allTextContents(), [
        'Allow once',
        'Allow for this conversation',
        'Deny',
      ]);
      assert.equal((await activeElement(panel)).text, 'Allow once');
      await panel.page.keyboard.press('Tab');
      assert.equal((await activeElement(panel)).decision, 'allowForConversation');
      await panel.page.keyboard.press('Space');
      assert.deepEqual((await decisions(panel)).at(-1), {
        type: 'toolDecision',
        messageId: 'a1',
        callId: 'call_read',
        decision: 'allowForConversation',
      });
      assert.equal(await read.locator('.approval-status').textContent(), 'Allowed');
    }));

  it('sends one decision for a double click; the card says "Allowed" until the call runs, then goes', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, ...waitingFor(commandApproval));
      await card(panel, 'call_cmd').locator('button[data-decision="allowOnce"]').dblclick();
      assert.deepEqual(await decisions(panel), [
        { type: 'toolDecision', messageId: 'a1', callId: 'call_cmd', decision: 'allowOnce' },
      ]);
      assert.equal(await card(panel, 'call_cmd').locator('.approval-status').textContent(), 'Allowed');
      await panel.page.locator('button[data-decision="deny"]').click({ force: true });
      assert.equal((await decisions(panel)).length, 1, 'a second decision went out');

      await panel.send({
        type: 'toolCallUpdated',
        messageId: 'a1',
        call: call(0, { id: 'call_cmd', kind: 'command', title: 'Run npm test', stage: 'running', outcome: undefined }),
      });
      assert.equal(await panel.page.locator('.approval-card').count(), 0);
      assert.deepEqual(await summaryOf(panel, 'a1'), {
        icon: 'terminal',
        title: 'Run npm test',
        spinner: true,
        stage: 'Running',
      });
      // The card had focus: it goes to the call's row.
      assert.equal(
        await row(panel, 'a1')
          .locator('summary')
          .evaluate((element) => element === document.activeElement),
        true,
      );
    }));

  it('announces a card to screen readers and gives it an accessible name', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, ...waitingFor(commandApproval));
      assert.equal(
        await liveRegion(panel).textContent(),
        'Gateway Chat asks: Run a command in the terminal: npm test. Allow once or Deny.',
      );
      const group = panel.page.getByRole('group', { name: 'Approval needed: Run a command in the terminal' });
      assert.equal(await group.count(), 1);
      assert.equal(
        await group.getAttribute('aria-describedby').then((id) => panel.page.locator(`#${id}`).textContent()),
        'npm test',
      );
      assert.equal(await group.getByRole('button', { name: 'Allow once' }).count(), 1);

      await panel.send(...waitingFor(readApproval, 1));
      assert.equal(
        await liveRegion(panel).textContent(),
        'Gateway Chat asks: Read src/app.ts: src/app.ts. Allow once, Allow for this conversation, or Deny.',
      );
      // The diff preview is a scrollable region with a name, reachable from the keyboard.
      await panel.send({ type: 'approvalRequested', messageId: 'a1', approvals: [editApproval] });
      const preview = panel.page.getByRole('region', { name: 'Preview of the change' });
      assert.equal(await preview.getAttribute('tabindex'), '0');
    }));

  it('removes the cards the host withdraws (Stop came), without a decision', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, ...waitingFor(commandApproval), ...waitingFor(readApproval, 1));
      assert.equal(await panel.page.locator('.approval-card').count(), 2);
      await panel.send({ type: 'approvalWithdrawn', messageId: 'a1', callIds: ['call_cmd', 'call_read'] });
      assert.equal(await panel.page.locator('.approval-card').count(), 0);
      assert.deepEqual(await decisions(panel), []);
    }));

  it('restores tool calls and the open approval cards from a snapshot, and a decision there goes to the host', () =>
    harness.withPanel({}, async (panel) => {
      await panel.send(
        snapshot({
          streaming: true,
          messages: [
            userMessage('u1', 'Fix the greeting'),
            assistantMessage('a1', 'Let me read it first.', 'done', {
              finishReason: 'tool_calls',
              toolCalls: [call(0, { result: 'export function greet…' })],
            }),
            assistantMessage('a2', 'Here is the change.', 'done', {
              toolCalls: [
                call(0, {
                  id: 'call_edit',
                  name: 'propose_edit',
                  kind: 'edit',
                  title: 'Edit src/greeting.ts',
                  stage: 'waiting',
                  outcome: undefined,
                }),
              ],
              approvals: [editApproval],
            }),
          ],
        }),
      );
      assert.deepEqual((await summaryOf(panel, 'a1')).stage, 'Done');
      assert.deepEqual((await summaryOf(panel, 'a2')).stage, 'Waiting for approval');
      // "tool_calls" is not repeated under a reply that shows its calls.
      assert.equal(await panel.page.locator('.message[data-id="a1"] .message-footer').textContent(), '');
      const edit = card(panel, 'call_edit');
      assert.equal(await edit.locator('.approval-title').textContent(), 'Edit src/greeting.ts');
      const lines = await edit
        .locator('.approval-preview .diff-line')
        .evaluateAll((elements) =>
          elements.map((element) => [element.className, element.textContent?.split('\n').length]),
        );
      assert.deepEqual(lines, [
        ['diff-line diff-meta', 2],
        ['diff-line diff-hunk', 1],
        ['diff-line', 1],
        ['diff-line diff-removed', 1],
        ['diff-line diff-added', 2],
        ['diff-line', 5],
      ]);
      await edit.locator('button[data-decision="allowOnce"]').click();
      assert.deepEqual(await decisions(panel), [
        { type: 'toolDecision', messageId: 'a2', callId: 'call_edit', decision: 'allowOnce' },
      ]);
      // A snapshot of the same conversation while the host has not answered yet keeps the card decided.
      await panel.send(
        snapshot({
          streaming: true,
          messages: [
            userMessage('u1', 'Fix the greeting'),
            assistantMessage('a2', 'Here is the change.', 'done', { approvals: [editApproval] }),
          ],
        }),
      );
      assert.equal(await card(panel, 'call_edit').locator('.approval-status').textContent(), 'Allowed');
    }));

  it('keeps the tool calls and approvals that changed while their message was out of the page, and shows them when it comes back', () =>
    harness.withPanel({ viewport: { width: 360, height: 480 } }, async (panel) => {
      const messages = longConversation(80);
      // The second message of 80 is not in the page (only the latest 40 are).
      messages[1] = assistantMessage('a1', 'Reading.', 'done', {
        toolCalls: [call(0, { stage: 'running', outcome: undefined })],
      });
      await panel.send(snapshot({ messages }));
      await frames(panel);
      assert.equal(await panel.page.locator('.message[data-id="a1"]').count(), 0);
      await panel.send(
        { type: 'toolCallDelta', messageId: 'a1', index: 1, id: 'call_1', name: 'list_folder', argumentsDelta: '{}' },
        { type: 'toolCallUpdated', messageId: 'a1', call: call(0, { result: 'the text of app.ts' }) },
        { type: 'approvalRequested', messageId: 'a1', approvals: [readApproval, commandApproval] },
        { type: 'approvalWithdrawn', messageId: 'a1', callIds: ['call_cmd'] },
      );
      await panel.page.click('.earlier-messages button');
      await frames(panel);
      assert.deepEqual(await summaryOf(panel, 'a1', 0), {
        icon: 'eye',
        title: 'Read src/app.ts',
        spinner: false,
        stage: 'Done',
      });
      assert.equal((await summaryOf(panel, 'a1', 1)).title, 'list_folder…');
      await row(panel, 'a1').locator('summary').click();
      assert.equal((await detailOf(panel, 'a1'))[1].text, 'the text of app.ts');
      // The open question is there; the withdrawn one did not come back.
      assert.equal(await card(panel, 'call_read').count(), 1);
      assert.equal(await card(panel, 'call_cmd').count(), 0);
    }));

  it('never takes the keys of a message being typed: the card appears without focus while the composer has text', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel);
      await panel.page.locator('textarea#composer').pressSequentially('Also check');
      await panel.send(...waitingFor(commandApproval));
      assert.equal((await activeElement(panel)).id, 'composer');
      await panel.page.keyboard.type(' the lint');
      assert.equal(await panel.page.inputValue('textarea#composer'), 'Also check the lint');
      assert.deepEqual(await decisions(panel), []);
      // The card is there, and the user can get to it.
      await card(panel, 'call_cmd').locator('button[data-decision="allowOnce"]').focus();
      await panel.page.keyboard.press('Enter');
      assert.equal((await decisions(panel)).length, 1);
    }));

  it('sends the keys of a sentence begun on the focused Allow button back to the composer', () =>
    harness.withPanel({}, async (panel) => {
      await startTurn(panel, ...waitingFor(commandApproval));
      assert.equal((await activeElement(panel)).decision, 'allowOnce');
      // A capital letter: Shift first, then the letter.
      await panel.page.keyboard.press('Shift+W');
      await panel.page.keyboard.type('ait, not yet');
      assert.equal((await activeElement(panel)).id, 'composer');
      assert.equal(await panel.page.inputValue('textarea#composer'), 'Wait, not yet');
      assert.deepEqual(await decisions(panel), []);
    }));

  it('shows approval cards in a dark sidebar (screenshots: approval-command.png, approval-edit.png)', () =>
    harness.withPanel({ theme: DARK_THEME, viewport: { width: 360, height: 560 } }, async (panel) => {
      const fits = async () => {
        assert.equal(await panel.page.locator('.approval-card button[data-decision="allowOnce"]').count(), 1);
        const overflow = await panel.page.evaluate(() => ({
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          cards: Array.from(document.querySelectorAll('.approval-card, .tool-call')).map(
            (element) => element.scrollWidth - element.clientWidth,
          ),
        }));
        assert.deepEqual(overflow.page, 0, 'the page scrolls sideways');
        assert.deepEqual(
          overflow.cards.filter((value) => value > 0),
          [],
          'a card or row overflows',
        );
      };
      await panel.send(
        snapshot({
          streaming: true,
          messages: [
            userMessage('u1', 'Do the tests pass?'),
            assistantMessage('a1', 'Let me look at the test setup first.', 'done', {
              finishReason: 'tool_calls',
              model: 'openai/gpt-4o',
              toolCalls: [call(0, { title: 'Read package.json', arguments: '{"path":"package.json"}', result: '{}' })],
            }),
            assistantMessage('a2', 'The tests run with `npm test`. I will run them.', 'done', {
              finishReason: 'tool_calls',
              toolCalls: [
                call(0, {
                  id: 'call_cmd',
                  name: 'run_in_terminal',
                  kind: 'command',
                  title: 'Run a command in the terminal',
                  arguments: '{"command":"npm test"}',
                  stage: 'waiting',
                  outcome: undefined,
                }),
              ],
              approvals: [commandApproval],
            }),
          ],
        }),
      );
      await panel.page.evaluate(() => document.fonts.ready);
      await frames(panel);
      await fits();
      await panel.page.screenshot({ path: path.join(SCREENSHOTS, 'approval-command.png') });

      await panel.send(
        snapshot({
          streaming: true,
          messages: [
            userMessage('u1', 'Greet with a comma, and "world" when the name is empty.'),
            assistantMessage('a1', 'I will change `greet` in src/greeting.ts.', 'done', {
              finishReason: 'tool_calls',
              toolCalls: [
                call(0, { title: 'Read src/greeting.ts', arguments: '{"path":"src/greeting.ts"}', result: '…' }),
                call(1, {
                  id: 'call_edit',
                  name: 'propose_edit',
                  kind: 'edit',
                  title: 'Edit src/greeting.ts',
                  stage: 'waiting',
                  outcome: undefined,
                }),
              ],
              approvals: [editApproval],
            }),
          ],
        }),
      );
      await frames(panel);
      await fits();
      await panel.page.screenshot({ path: path.join(SCREENSHOTS, 'approval-edit.png') });
      // Narrower still, nothing leaves the panel (the preview scrolls in its own box).
      await panel.page.setViewportSize({ width: 240, height: 560 });
      await frames(panel);
      await fits();
    }));
});
