/**
 * The tool messages the model reads when a call could not run as asked, and the size cap of a result. Every call gets
 * an answer, because the API refuses an assistant message whose calls are not all answered, and because a model that
 * is told why (declined, bad arguments, no such tool) can go on instead of ending the turn.
 */
import type { ToolCall } from '../chatTypes';
import type { ArgumentCheckResult, TurnToolbox } from './turnTypes';

export const DEFAULT_MAX_TOOL_RESULT_CHARS = 50_000;

export const DECLINED_ANSWER = 'The user declined this tool call, so it was not run. Do not retry it unchanged.';
export const CANCELLED_ANSWER = 'The user stopped the reply while this tool call was running; its result is unknown.';
export const NOT_RUN_ANSWER = 'The user stopped the reply before this tool call ran, so it was not run.';

export function roundLimitAnswer(maxRounds: number): string {
  return `Not run: this reply reached its limit of ${maxRounds} rounds of tool calls. Answer with what you have.`;
}

export function unknownToolAnswer(name: string, toolbox: TurnToolbox | undefined): string {
  const names = (toolbox?.definitions ?? []).map((tool) => tool.function.name);
  const available = names.length > 0 ? ` The tools are: ${names.join(', ')}.` : ' No tools are available.';
  return `Error: there is no tool named ${JSON.stringify(name)}.${available}`;
}

export function failureAnswer(message: string): string {
  return `Error: the tool failed: ${message.trim() || 'no reason given.'}`;
}

export function invalidArgumentsAnswer(problem: string): string {
  return `Error: invalid arguments, so the tool was not run. ${problem}`;
}

/**
 * Parses a call's JSON arguments and has the toolbox check them. An empty string is `{}`: several gateways send
 * that for a tool without parameters.
 */
export function checkCallArguments(call: ToolCall, toolbox: TurnToolbox): ArgumentCheckResult {
  const text = call.function.arguments;
  let args: unknown;
  if (text.trim() === '') args = {};
  else {
    try {
      args = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: `The arguments are not valid JSON (${reason}). Send one JSON object.` };
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return { ok: false, problem: 'The arguments must be a JSON object.' };
  return toolbox.checkArguments ? toolbox.checkArguments(call.function.name, args) : { ok: true, value: args };
}

/**
 * Cuts a result longer than `maxChars` (never inside a surrogate pair) and appends a note, so both the model and
 * the user reading the record see that something is missing and how much.
 */
export function capToolResult(
  content: string,
  maxChars: number,
): { readonly content: string; readonly capped: boolean } {
  if (content.length <= maxChars) return { content, capped: false };
  let end = Math.max(0, maxChars);
  const last = content.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const note = `[Result cut: ${content.length} characters, only the first ${end} were sent.]`;
  return { content: `${content.slice(0, end)}\n\n${note}`, capped: true };
}
