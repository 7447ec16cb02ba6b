/**
 * How a reply's tool calls look in the panel: built from the record (the calls and their answers) plus what is
 * happening now (a call waiting for the user, a call running), so a snapshot and the live updates show the same.
 */
import type { ConversationMessage } from '../../core/conversation';
import {
  MAX_TOOL_RESULT_VIEW_CHARS,
  type ToolCallStage,
  type ToolCallView,
  type ToolKind,
} from '../../shared/protocol';

export interface ToolCallLabel {
  readonly title: string;
  readonly kind: ToolKind;
}

/** What happens to the calls of the turn that runs: stages of unanswered calls and the titles worked out so far. */
export class LiveToolCalls {
  private readonly stages = new Map<string, Exclude<ToolCallStage, 'answered' | 'forming'>>();
  private readonly labels = new Map<string, ToolCallLabel>();

  setStage(callId: string, stage: Exclude<ToolCallStage, 'answered' | 'forming'>): void {
    this.stages.set(callId, stage);
  }

  label(callId: string, label: ToolCallLabel): void {
    this.labels.set(callId, label);
  }

  labelOf(callId: string): ToolCallLabel | undefined {
    return this.labels.get(callId);
  }

  stageOf(callId: string): ToolCallStage | undefined {
    return this.stages.get(callId);
  }

  clear(): void {
    this.stages.clear();
  }
}

/** The views of `message`'s calls, in the model's order; undefined when it made none. */
export function toolCallViews(message: ConversationMessage, live?: LiveToolCalls): ToolCallView[] | undefined {
  const calls = message.toolCalls ?? [];
  if (calls.length === 0) return undefined;
  return calls.map((call, index) => {
    const answer = message.toolResults?.find((result) => result.toolCallId === call.id);
    const label =
      live?.labelOf(call.id) ??
      (answer?.title !== undefined && answer.kind ? { title: answer.title, kind: answer.kind } : undefined);
    const base = {
      id: call.id,
      index,
      name: call.function.name,
      arguments: call.function.arguments,
      ...(label ? { title: label.title, kind: label.kind } : {}),
    };
    if (!answer) {
      // A call nobody answered in a finished reply (a record from before tools ran, a reply that was stopped) never ran.
      const stage = live?.stageOf(call.id);
      return stage ? { ...base, stage } : { ...base, stage: 'answered', outcome: 'notRun' };
    }
    const shown = answer.content.slice(0, MAX_TOOL_RESULT_VIEW_CHARS);
    return {
      ...base,
      stage: 'answered',
      outcome: answer.outcome ?? 'result',
      result: shown,
      ...(shown.length < answer.content.length ? { resultChars: answer.content.length } : {}),
    };
  });
}
