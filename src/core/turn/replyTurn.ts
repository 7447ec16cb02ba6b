/**
 * The reply-turn state machine: one closure, one state, explicit transitions (the shape of eventsource-parser's
 * `createParser`). It performs no I/O and reads no clock but the one it is given: the host feeds it inputs (stream
 * events, the end of a stream, Stop, the user's approvals, tool results) and performs the effects it returns
 * (requests, aborts, approval questions, tool runs, what to show and save). Chat, editor commands and VS Code's
 * native chat can share it because nothing here knows how any of them shows a reply.
 *
 *   idle → requesting → streaming → (done | error | interrupted)
 *                                 → awaitingApproval → runningTools → requesting …   (tool calls)
 *   Stop, in any phase before the end → stopped.
 *
 * Every tool call of a reply gets an answer in the record before the next request, in the order of the calls, so
 * the next request (and the next turn) is one the API accepts.
 */
import type { ChatEvent, ChatMessage, ToolCall } from '../chatTypes';
import type { ConversationMessage } from '../conversation';
import { addUsage, recordEvent, settleRound, startRound, streamStatus, type RoundRecord } from './roundRecord';
import {
  CANCELLED_ANSWER,
  DECLINED_ANSWER,
  DEFAULT_MAX_TOOL_RESULT_CHARS,
  NOT_RUN_ANSWER,
  capToolResult,
  checkCallArguments,
  failureAnswer,
  invalidArgumentsAnswer,
  roundLimitAnswer,
  unknownToolAnswer,
} from './toolAnswers';
import type {
  ApprovalDecision,
  ReplyTurnOptions,
  ToolOutcome,
  TurnEffect,
  TurnEndStatus,
  TurnInput,
  TurnNotice,
  TurnPhase,
} from './turnTypes';

export const DEFAULT_MAX_ROUNDS = 12;

export interface ReplyTurn {
  readonly phase: TurnPhase;
  /** The number of the current (or last) round: 0 before the start. */
  readonly round: number;
  /** The message of the current (or last) round. */
  readonly message: ConversationMessage | undefined;
  /**
   * Feeds one input and returns the effects to perform, in order. Inputs that no longer apply (a stream event
   * after Stop, a result for a cancelled call, a decision for a withdrawn question) change nothing and return [].
   */
  handle(input: TurnInput): TurnEffect[];
}

interface CallSlot {
  readonly call: ToolCall;
  args: unknown;
  stage: 'waiting' | 'allowed' | 'running' | 'answered';
}

type TurnState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'requesting' | 'streaming'; readonly round: RoundRecord }
  | { readonly phase: 'awaitingApproval' | 'runningTools'; readonly round: RoundRecord; readonly calls: CallSlot[] }
  | { readonly phase: TurnEndStatus; readonly round?: RoundRecord };

export function createReplyTurn(options: ReplyTurnOptions): ReplyTurn {
  const { transcript, toolbox, now } = options;
  const maxRounds = Math.max(1, Math.floor(options.maxRounds ?? DEFAULT_MAX_ROUNDS));
  const maxResultChars = Math.max(1, options.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS);
  const tools = toolbox?.definitions ?? [];
  /** Tools the user allowed "for this conversation" during this turn: not asked about again. */
  const allowedThisTurn = new Set<string>();
  const rounds: ConversationMessage[] = [];
  let state: TurnState = { phase: 'idle' };

  function handle(input: TurnInput): TurnEffect[] {
    switch (input.type) {
      case 'start':
        return start(input.continuation);
      case 'event':
        return onEvent(input.event);
      case 'streamEnded':
        return onStreamEnded();
      case 'stop':
        return onStop();
      case 'decision':
        return onDecision(input.callId, input.decision);
      case 'toolSucceeded': {
        const { content, capped } = capToolResult(input.content, maxResultChars);
        return onToolAnswered(input.callId, content, capped ? 'resultCapped' : 'result');
      }
      case 'toolFailed':
        // An error text can be as long as a result (a stack, a command's output): it is capped the same way.
        return onToolAnswered(
          input.callId,
          capToolResult(failureAnswer(input.message), maxResultChars).content,
          'failed',
        );
    }
  }

  function start(continuation: Extract<TurnInput, { type: 'start' }>['continuation']): TurnEffect[] {
    if (state.phase !== 'idle') throw new Error(`A reply turn starts once (it is ${state.phase}).`);
    if (!continuation) return beginRound(1, transcript.startAssistantMessage());
    const { reply, context } = continuation;
    // The text goes on; what is measured and reported is this attempt's.
    reply.status = 'streaming';
    delete reply.timing;
    delete reply.usage;
    return beginRound(1, reply, context);
  }

  function beginRound(number: number, message: ConversationMessage, context?: readonly ChatMessage[]): TurnEffect[] {
    const round = startRound(number, message, now());
    rounds.push(message);
    state = { phase: 'requesting', round };
    const messages = context ? [...context] : transcript.contextMessages();
    return [
      { type: 'roundStarted', round: number, message },
      { type: 'request', round: number, messages, tools },
    ];
  }

  function onEvent(event: ChatEvent): TurnEffect[] {
    if (state.phase !== 'requesting' && state.phase !== 'streaming') return [];
    const { effects, replyBegan } = recordEvent(state.round, event, now());
    if (replyBegan && state.phase === 'requesting') state = { phase: 'streaming', round: state.round };
    return effects;
  }

  function onStreamEnded(): TurnEffect[] {
    if (state.phase !== 'requesting' && state.phase !== 'streaming') return [];
    const { round } = state;
    const status = streamStatus(round);
    settleRound(round, status, now());
    const effects: TurnEffect[] = [{ type: 'roundEnded', message: round.message }];
    const calls = round.message.toolCalls ?? [];
    if (status !== 'done') return [...effects, ...endTurn(status, round)];
    if (calls.length === 0) {
      const askedForTools =
        round.message.finishReason === 'tool_calls' || round.message.finishReason === 'function_call';
      const notice: TurnNotice | undefined = !askedForTools
        ? undefined
        : { kind: tools.length === 0 ? 'toolCallsWithoutTools' : 'toolCallsMissing' };
      return [...effects, ...endTurn('done', round, notice)];
    }
    effects.push({ type: 'toolCallsReceived', messageId: round.message.id, calls });
    // Unanswered calls are left out of every later request (`contextMessages`), so the record stays valid.
    if (tools.length === 0) return [...effects, ...endTurn('done', round, { kind: 'toolCallsWithoutTools' })];
    const slots: CallSlot[] = calls.map((call) => ({ call, args: undefined, stage: 'allowed' }));
    if (round.number >= maxRounds) {
      for (const slot of slots) effects.push(answer(round, slot, roundLimitAnswer(maxRounds), 'notRun'));
      return [...effects, ...endTurn('done', round, { kind: 'roundLimit', maxRounds })];
    }
    for (const slot of slots) {
      const refusal = prepare(slot);
      if (refusal) effects.push(answer(round, slot, refusal.content, refusal.outcome));
    }
    const waiting = slots.filter((slot) => slot.stage === 'waiting');
    if (waiting.length === 0) return [...effects, ...runNext(round, slots)];
    state = { phase: 'awaitingApproval', round, calls: slots };
    const pending = waiting.map(({ call, args }) => ({ call, args }));
    return [...effects, { type: 'askApproval', messageId: round.message.id, calls: pending }];
  }

  /** Checks a call and decides whether it must be asked about; returns the answer when it cannot run at all. */
  function prepare(slot: CallSlot): { content: string; outcome: ToolOutcome } | undefined {
    const name = slot.call.function.name;
    if (!toolbox || !tools.some((tool) => tool.function.name === name))
      return { content: unknownToolAnswer(name, toolbox), outcome: 'unknownTool' };
    const checked = checkCallArguments(slot.call, toolbox);
    if (!checked.ok) return { content: invalidArgumentsAnswer(checked.problem), outcome: 'invalidArguments' };
    slot.args = checked.value;
    slot.stage = !allowedThisTurn.has(name) && toolbox.needsApproval(name, checked.value) ? 'waiting' : 'allowed';
    return undefined;
  }

  function onDecision(callId: string, decision: ApprovalDecision): TurnEffect[] {
    if (state.phase !== 'awaitingApproval') return [];
    const { round, calls } = state;
    const slot = calls.find((candidate) => candidate.call.id === callId && candidate.stage === 'waiting');
    if (!slot) return [];
    const effects: TurnEffect[] = [];
    if (decision === 'deny') effects.push(answer(round, slot, DECLINED_ANSWER, 'denied'));
    else {
      slot.stage = 'allowed';
      const name = slot.call.function.name;
      if (decision === 'allowForConversation' && !allowedThisTurn.has(name)) {
        allowedThisTurn.add(name);
        effects.push({ type: 'allowForConversation', toolName: name });
      }
    }
    if (calls.some((candidate) => candidate.stage === 'waiting')) return effects;
    return [...effects, ...runNext(round, calls)];
  }

  /** Runs the first allowed call, in the model's order; once every call is answered, the next round begins. */
  function runNext(round: RoundRecord, calls: CallSlot[]): TurnEffect[] {
    const next = calls.find((slot) => slot.stage === 'allowed');
    if (!next) return beginRound(round.number + 1, transcript.startAssistantMessage());
    next.stage = 'running';
    state = { phase: 'runningTools', round, calls };
    return [{ type: 'runTool', messageId: round.message.id, call: next.call, args: next.args }];
  }

  function onToolAnswered(callId: string, content: string, outcome: ToolOutcome): TurnEffect[] {
    if (state.phase !== 'runningTools') return [];
    const { round, calls } = state;
    const slot = calls.find((candidate) => candidate.call.id === callId && candidate.stage === 'running');
    if (!slot) return [];
    return [answer(round, slot, content, outcome), ...runNext(round, calls)];
  }

  function onStop(): TurnEffect[] {
    switch (state.phase) {
      case 'idle':
        return endTurn('stopped', undefined);
      case 'requesting':
      case 'streaming': {
        const { round } = state;
        settleRound(round, 'stopped', now());
        return [{ type: 'abort' }, { type: 'roundEnded', message: round.message }, ...endTurn('stopped', round)];
      }
      case 'awaitingApproval':
      case 'runningTools': {
        const { round, calls } = state;
        const messageId = round.message.id;
        const effects: TurnEffect[] = [];
        const waiting = calls.filter((slot) => slot.stage === 'waiting').map((slot) => slot.call.id);
        if (waiting.length > 0) effects.push({ type: 'withdrawApproval', messageId, callIds: waiting });
        const running = calls.find((slot) => slot.stage === 'running');
        if (running) effects.push({ type: 'cancelTool', messageId, callId: running.call.id });
        for (const slot of calls) {
          if (slot === running) effects.push(answer(round, slot, CANCELLED_ANSWER, 'cancelled'));
          else if (slot.stage !== 'answered') effects.push(answer(round, slot, NOT_RUN_ANSWER, 'notRun'));
        }
        round.message.status = 'stopped';
        return [...effects, ...endTurn('stopped', round)];
      }
      case 'done':
      case 'stopped':
      case 'error':
      case 'interrupted':
        return [];
    }
  }

  function answer(round: RoundRecord, slot: CallSlot, content: string, outcome: ToolOutcome): TurnEffect {
    transcript.addToolResult(round.message.id, slot.call.id, content, outcome);
    slot.stage = 'answered';
    return { type: 'toolAnswered', messageId: round.message.id, callId: slot.call.id, outcome, content };
  }

  function endTurn(status: TurnEndStatus, round: RoundRecord | undefined, notice?: TurnNotice): TurnEffect[] {
    state = { phase: status, ...(round ? { round } : {}) };
    const usage = addUsage(rounds);
    const error = status === 'error' || status === 'interrupted' ? round?.error : undefined;
    return [
      {
        type: 'turnEnded',
        status,
        rounds: rounds.length,
        ...(round ? { message: round.message } : {}),
        ...(error ? { error } : {}),
        ...(notice ? { notice } : {}),
        ...(usage ? { usage } : {}),
      },
    ];
  }

  return {
    get phase() {
      return state.phase;
    },
    get round() {
      return 'round' in state && state.round ? state.round.number : 0;
    },
    get message() {
      return 'round' in state ? state.round?.message : undefined;
    },
    handle,
  };
}
