/**
 * The vocabulary of a reply turn: what the host feeds the turn engine (`TurnInput`), what the engine asks the host to
 * do (`TurnEffect`), and what it needs from the host up front (`ReplyTurnOptions`). A turn is everything between the
 * user's message and the end of the reply: one request per round, and between rounds the tool calls of the last one.
 */
import type { ChatEvent, ChatMessage, ToolCall, ToolDefinition, Usage } from '../chatTypes';
import type { ConversationMessage, ReplyStatus, ToolOutcome } from '../conversation';
import type { GatewayError } from '../gatewayError';

export type TurnPhase =
  /** Created, not started. */
  | 'idle'
  /** A round's request is out; nothing of its reply has arrived (retries happen here). */
  | 'requesting'
  /** A round's reply is arriving. */
  | 'streaming'
  /** The last reply asked for tool calls that the user has to allow or deny. */
  | 'awaitingApproval'
  /** Allowed tool calls run, one at a time, in the order the model made them. */
  | 'runningTools'
  | TurnEndStatus;

/** How a turn ended; the last round's message has the same status. */
export type TurnEndStatus = Exclude<ReplyStatus, 'streaming'>;

export type ApprovalDecision = 'allowOnce' | 'allowForConversation' | 'deny';

export type { ToolOutcome } from '../conversation';

/** Something the user should be told about how the turn ended, besides its status. */
export type TurnNotice =
  /** The model kept calling tools for `maxRounds` rounds; its last calls were not run. */
  | { readonly kind: 'roundLimit'; readonly maxRounds: number }
  /** The model asked for tool calls although none were offered (nothing could run). */
  | { readonly kind: 'toolCallsWithoutTools' }
  /** The reply ended with finish reason `tool_calls` but no call arrived. */
  | { readonly kind: 'toolCallsMissing' };

/** A tool call the user is asked about, with its checked arguments (what the approval card describes). */
export interface PendingToolCall {
  readonly call: ToolCall;
  readonly args: unknown;
}

export type TurnInput =
  /** Starts round 1: a new reply, or `continuation` (an existing reply that goes on, sent with its own context). */
  | {
      readonly type: 'start';
      readonly continuation?: { readonly reply: ConversationMessage; readonly context: readonly ChatMessage[] };
    }
  /** One event of the current round's stream. */
  | { readonly type: 'event'; readonly event: ChatEvent }
  /** The current round's stream is over, however it ended (fed once the event loop ends, also after an abort). */
  | { readonly type: 'streamEnded' }
  /** The user pressed Stop (or the conversation went away). Works in every phase. */
  | { readonly type: 'stop' }
  /** The user's answer to an `askApproval` for one call. */
  | { readonly type: 'decision'; readonly callId: string; readonly decision: ApprovalDecision }
  /** A `runTool` finished with this result text. */
  | { readonly type: 'toolSucceeded'; readonly callId: string; readonly content: string }
  /** A `runTool` threw; `message` is its error text, already redacted by the host. */
  | { readonly type: 'toolFailed'; readonly callId: string; readonly message: string };

/**
 * What the host does for the engine. Effects come in the order to perform them. Messages are the records in the
 * transcript (the engine has already changed them); ids are given so the host can address the panel.
 */
export type TurnEffect =
  /** A new reply bubble: round `round` streams into `message` (round 1 of a continuation reuses the reply). */
  | { readonly type: 'roundStarted'; readonly round: number; readonly message: ConversationMessage }
  /** Send this round's request (build it with `buildTurnRequest`) and feed its events back. */
  | {
      readonly type: 'request';
      readonly round: number;
      readonly messages: readonly ChatMessage[];
      readonly tools: readonly ToolDefinition[];
    }
  /** Abort the request in flight. */
  | { readonly type: 'abort' }
  | { readonly type: 'text'; readonly messageId: string; readonly text: string }
  | { readonly type: 'reasoning'; readonly messageId: string; readonly text: string }
  /** The request failed before the reply began and is sent again (a notice until `retryOver`). */
  | {
      readonly type: 'retrying';
      readonly messageId: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  /** The request went out and nothing of the reply has come for a while (a notice until `retryOver`). */
  | { readonly type: 'waiting'; readonly messageId: string }
  | { readonly type: 'retryOver'; readonly messageId: string }
  /** A tool call taking shape while the reply streams (to show it as it forms). */
  | {
      readonly type: 'toolCallForming';
      readonly messageId: string;
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  /** The round's reply ended with these calls (complete; recorded in the message's `toolCalls`). */
  | { readonly type: 'toolCallsReceived'; readonly messageId: string; readonly calls: readonly ToolCall[] }
  /** Ask the user about each of these calls; answer each with a `decision`. */
  | { readonly type: 'askApproval'; readonly messageId: string; readonly calls: readonly PendingToolCall[] }
  /** Stop came while these calls waited for the user: take the questions away. */
  | { readonly type: 'withdrawApproval'; readonly messageId: string; readonly callIds: readonly string[] }
  /** The user allowed this tool for the rest of the conversation: remember it for later turns. */
  | { readonly type: 'allowForConversation'; readonly toolName: string }
  /** Run this call with its checked arguments; answer with `toolSucceeded` or `toolFailed`. */
  | { readonly type: 'runTool'; readonly messageId: string; readonly call: ToolCall; readonly args: unknown }
  /** Stop came while this call ran: cancel it (its answer is already recorded; a late result is ignored). */
  | { readonly type: 'cancelTool'; readonly messageId: string; readonly callId: string }
  /** A call got its answer (recorded in the message's `toolResults`; `content` is exactly what the model reads). */
  | {
      readonly type: 'toolAnswered';
      readonly messageId: string;
      readonly callId: string;
      readonly outcome: ToolOutcome;
      readonly content: string;
    }
  /** A round's reply is complete and recorded (save it). */
  | { readonly type: 'roundEnded'; readonly message: ConversationMessage }
  /** The turn is over. `message` is the last round's (none when stopped before starting). */
  | {
      readonly type: 'turnEnded';
      readonly status: TurnEndStatus;
      readonly rounds: number;
      readonly message?: ConversationMessage;
      readonly error?: GatewayError;
      readonly notice?: TurnNotice;
      /** The usage of every round added up, when any round reported usage. */
      readonly usage?: Usage;
    };

/** Where a turn records its rounds: a `Conversation` is one. */
export interface TurnTranscript {
  startAssistantMessage(): ConversationMessage;
  addToolResult(messageId: string, toolCallId: string, content: string, outcome?: ToolOutcome): void;
  /** The context of the next request: every settled message, with each call followed by its result. */
  contextMessages(): ChatMessage[];
}

export type ArgumentCheckResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** The tools of a turn, as the host offers them. */
export interface TurnToolbox {
  /** Sent with every request; none means no tools are offered (and a call that comes anyway is not run). */
  readonly definitions: readonly ToolDefinition[];
  /** Checks a call's parsed JSON arguments; without it, any JSON object is accepted as it is. */
  checkArguments?(name: string, args: unknown): ArgumentCheckResult;
  /** Whether the user must allow this call first (the host's policy: settings and earlier allowances). */
  needsApproval(name: string, args: unknown): boolean;
}

export interface ReplyTurnOptions {
  readonly transcript: TurnTranscript;
  readonly toolbox?: TurnToolbox;
  /** Requests per turn at most (default 12): a model that keeps calling tools is stopped there. */
  readonly maxRounds?: number;
  /** Characters of one tool result sent at most (default 50,000); a longer one is cut, with a note. */
  readonly maxToolResultChars?: number;
  /** The clock for the reply timing (milliseconds); the engine never reads time any other way. */
  readonly now: () => number;
}
