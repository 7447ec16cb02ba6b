import { strict as assert } from 'node:assert';
import { Conversation, type ContextItem } from '../../src/core/conversation';
import {
  MAX_CONTEXT_ITEM_CHARS,
  parseRecord,
  parseRecordText,
  recordToMarkdown,
  serializeRecord,
  toRecord,
} from '../../src/core/conversationRecord';

const times = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const file: ContextItem = {
  kind: 'file',
  label: '#file:src/a.ts:1-2',
  path: 'src/a.ts',
  range: { start: 1, end: 2 },
  text: 'src/a.ts (lines 1-2 of 9):\n1: const a = 1;\n2: export { a };',
};
const problems: ContextItem = { kind: 'problems', label: '#problems', text: 'No problems are reported.' };

describe('a user message with attached context', () => {
  it('sends each item as a text part with a header naming it, before the text and the images', () => {
    const conversation = new Conversation();
    conversation.addUserMessage('What is a?', [{ url: 'data:image/png;base64,AAAA', detail: 'low' }], [file, problems]);
    assert.deepEqual(conversation.contextMessages(), [
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: `[The user attached the file src/a.ts, lines 1-2 (#file:src/a.ts:1-2)]\n${file.text}`,
          },
          {
            type: 'text',
            text: '[The user attached the problems VS Code reports in the workspace (#problems)]\nNo problems are reported.',
          },
          { type: 'text', text: 'What is a?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
        ],
      },
    ]);
  });

  it('may have no text of its own; without context a message is sent as before', () => {
    const conversation = new Conversation();
    conversation.addUserMessage('', undefined, [{ kind: 'changes', label: '#changes', text: 'diff --git a/x b/x' }]);
    conversation.addUserMessage('plain', undefined, []);
    const [attached, plain] = conversation.contextMessages();
    assert.deepEqual(attached, {
      role: 'user',
      content: [
        {
          type: 'text',
          text: '[The user attached the git changes of the working tree (#changes)]\ndiff --git a/x b/x',
        },
      ],
    });
    assert.deepEqual(plain, { role: 'user', content: 'plain' });
    assert.equal(conversation.messages[1].context, undefined);
  });

  it('is saved and read back with its context; an edit keeps it', () => {
    const conversation = new Conversation();
    const message = conversation.addUserMessage('What is a?', undefined, [file, problems]);
    conversation.replaceText(message.id, 'What is a, really?');
    const parsed = parseRecordText(serializeRecord(toRecord(conversation, times)));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.record.messages[0].context, [file, problems]);
    assert.equal(parsed.record.messages[0].text, 'What is a, really?');
  });

  it('a record with hostile context items keeps only the valid ones, at most ten', () => {
    const valid = { kind: 'editors', label: '#editors', text: '1 editor is open:\nsrc/a.ts' };
    const result = parseRecord({
      version: 1,
      id: 'c-1',
      messages: [
        {
          id: 'u-1',
          role: 'user',
          text: 'hi',
          context: [
            valid,
            { kind: 'terminal', label: '#terminal', text: 'x' },
            { kind: 'file', label: '#file:../../etc/passwd', path: '../../etc/passwd', text: 'root:x:0:0' },
            { kind: 'file', label: '#file:/etc/passwd', path: '/etc/passwd', text: 'root:x:0:0' },
            { kind: 'file', label: '', text: 'no label' },
            { kind: 'file', label: '#file:a', path: 'a', text: 7 },
            { kind: 'file', label: '#file:a', path: 'a', range: { start: 9, end: 1 }, text: 'x' },
            { kind: 'problems', label: '#problems', text: 'x'.repeat(MAX_CONTEXT_ITEM_CHARS + 1) },
            null,
            'a string',
            ...Array.from({ length: 12 }, () => valid),
          ],
        },
        { id: 'a-1', role: 'assistant', text: 'hello', status: 'done', leftOut: 4, context: [valid] },
        { id: 'a-2', role: 'assistant', text: 'again', status: 'done', leftOut: -1 },
      ],
    });
    assert.ok(result.ok);
    const [user, reply, other] = result.record.messages;
    assert.equal(user.context?.length, 10);
    assert.ok(user.context?.every((item) => item.kind === 'editors'));
    assert.equal(reply.leftOut, 4);
    assert.equal(reply.context, undefined, 'a reply has no attached context');
    assert.equal(other.leftOut, undefined);
  });

  it('the Markdown export shows each item collapsed under its mention, fenced so its text cannot break out', () => {
    const conversation = new Conversation();
    const tricky: ContextItem = {
      kind: 'file',
      label: '#file:docs/<b>x</b>.md',
      path: 'docs/<b>x</b>.md',
      text: '1: ```js\n2: alert(1)\n3: ```',
    };
    conversation.addUserMessage('Explain', undefined, [tricky]);
    const markdown = recordToMarkdown(toRecord(conversation, times));
    assert.ok(
      markdown.includes(
        '<details><summary>#file:docs/ b x /b .md</summary>\n\n````text\n1: ```js\n2: alert(1)\n3: ```\n````\n\n</details>',
      ),
      markdown,
    );
    assert.ok(
      markdown.indexOf('</details>') < markdown.lastIndexOf('Explain'),
      'the context comes before the question',
    );
  });
});
