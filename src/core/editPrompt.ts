/** The messages sent for an editor command (explain, refactor, fix…): pure text building, no editor access. */
import type { ChatMessage } from './chatTypes';

export type EditCommand = 'explain' | 'ask' | 'refactor' | 'fix' | 'document' | 'tests';

export interface PromptDiagnostic {
  /** 1-based line in the file. */
  readonly line: number;
  readonly severity: string;
  readonly message: string;
  readonly source?: string;
}

export interface EditPromptInput {
  readonly command: EditCommand;
  readonly languageId: string;
  /** The file's workspace-relative path (or its name when it has none). */
  readonly relativePath: string;
  /** The selected code (or the range used when nothing was selected). */
  readonly selection: string;
  /** 1-based first and last line of the selection, for the message. */
  readonly startLine?: number;
  readonly endLine?: number;
  /** Lines right before and after the selection (context only). */
  readonly before: string;
  readonly after: string;
  readonly diagnostics?: readonly PromptDiagnostic[];
  /** The user's own words: the question (ask) or what to change (refactor). */
  readonly instruction?: string;
  /** Why this range: "the function foo", "line 12" when nothing was selected. */
  readonly rangeNote?: string;
  /** A system prompt that replaces the built-in one (a setting); blank: built-in. */
  readonly systemPrompt?: string;
  /** A task text that replaces the built-in one for this command (a setting); blank: built-in. */
  readonly template?: string;
}

export interface EditPrompt {
  readonly system: string;
  readonly user: string;
  readonly messages: ChatMessage[];
}

/** Commands whose reply replaces the selection (one code block). */
export const EDITING_COMMANDS: readonly EditCommand[] = ['refactor', 'fix', 'document'];

const DEFAULT_SYSTEM =
  'You are a programming assistant inside the code editor VS Code. Be precise and brief. When asked for code, ' +
  'give exactly one fenced code block with the complete code and nothing else.';

const TASKS: Record<EditCommand, string> = {
  explain: 'Explain what the selected code does, step by step, and point out anything surprising.',
  ask: 'Answer the question about the selected code.',
  refactor: 'Rewrite the selected code as asked.',
  fix: 'Fix the problems in the selected code.',
  document: 'Add documentation comments to the selected code in the usual style of the language; change nothing else.',
  tests:
    'Write unit tests for the selected code, in the usual test framework of the language, as one complete test file.',
};

const REPLACE_RULE =
  'Reply with the complete replacement for the selected lines in a single fenced code block, with the same ' +
  'indentation, and nothing else: it replaces the selection as it is.';

/** A fence longer than any run of backticks in the text. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function fenced(text: string, languageId: string): string {
  const fence = fenceFor(text);
  return `${fence}${languageId}\n${text}\n${fence}`;
}

export function buildEditPrompt(input: EditPromptInput): EditPrompt {
  const system = input.systemPrompt?.trim() || DEFAULT_SYSTEM;
  const task = input.template?.trim() || TASKS[input.command];
  const lines =
    input.startLine !== undefined && input.endLine !== undefined
      ? input.startLine === input.endLine
        ? ` (line ${input.startLine})`
        : ` (lines ${input.startLine}–${input.endLine})`
      : '';
  const parts: string[] = [task];
  if (input.instruction?.trim())
    parts.push(`${input.command === 'ask' ? 'Question' : 'Request'}: ${input.instruction.trim()}`);
  parts.push(`File: ${input.relativePath} (language: ${input.languageId})`);
  if (input.rangeNote) parts.push(`Nothing was selected; using ${input.rangeNote}.`);
  if (input.before.length > 0)
    parts.push(`Code before the selection (context only):\n${fenced(input.before, input.languageId)}`);
  parts.push(`Selected code${lines}:\n${fenced(input.selection, input.languageId)}`);
  if (input.after.length > 0)
    parts.push(`Code after the selection (context only):\n${fenced(input.after, input.languageId)}`);
  if (input.diagnostics && input.diagnostics.length > 0) {
    const list = input.diagnostics.map(
      (d) => `- line ${d.line}, ${d.severity}${d.source ? ` (${d.source})` : ''}: ${d.message}`,
    );
    parts.push(`Problems reported in the selection:\n${list.join('\n')}`);
  }
  if (EDITING_COMMANDS.includes(input.command)) parts.push(REPLACE_RULE);
  if (input.command === 'tests') parts.push('Reply with the test file in a single fenced code block.');
  const user = parts.join('\n\n');
  return { system, user, messages: [{ role: 'user', content: user }] };
}

/** Up to `count` lines before line `start` and after line `end` (0-based, inclusive) of `lines`. */
export function surroundingLines(
  lines: readonly string[],
  start: number,
  end: number,
  count: number,
): { before: string; after: string } {
  const n = Math.max(0, Math.floor(count));
  return {
    before: lines.slice(Math.max(0, start - n), start).join('\n'),
    after: lines.slice(end + 1, end + 1 + n).join('\n'),
  };
}

export interface SelectionAttachment {
  readonly relativePath: string;
  readonly languageId: string;
  /** 1-based, inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  readonly code: string;
}

/** The selection as the composer receives it: where it is from, then the code in a fenced block. */
export function selectionBlock(input: SelectionAttachment): string {
  const lines =
    input.startLine === input.endLine ? `line ${input.startLine}` : `lines ${input.startLine}-${input.endLine}`;
  return `\`${input.relativePath}\` (${lines}):\n${fenced(input.code, input.languageId)}\n`;
}
