/**
 * A reply to a fixed prompt, outside any conversation: an editor command's (`editPrompt.ts`). It is a reply turn like
 * the chat's — the same engine (`createReplyTurn`) run by the same driver (`TurnDriver`), so Stop, a failed or dropped
 * stream, retries and the end of the reply are handled the one way — over a transcript that holds only the prompt
 * and the reply, and without tools.
 */
import type { ChatMessage } from '../chatTypes';
import { Conversation, type ConversationMessage, type ToolOutcome } from '../conversation';
import type { GatewayError } from '../gatewayError';
import { createReplyTurn } from './replyTurn';
import { TurnDriver, type TurnPorts } from './turnDriver';
import type { TurnEndStatus, TurnTranscript } from './turnTypes';

/** The prompt's messages, then the rounds of the reply to it; nothing is saved. */
export class PromptTranscript implements TurnTranscript {
  private readonly prompt: readonly ChatMessage[];
  /** The reply's rounds, recorded (and sent back) the way a conversation records them. */
  private readonly rounds = new Conversation();

  constructor(prompt: readonly ChatMessage[]) {
    this.prompt = prompt.map((message) => ({ ...message }));
  }

  startAssistantMessage(): ConversationMessage {
    return this.rounds.startAssistantMessage();
  }

  addToolResult(messageId: string, toolCallId: string, content: string, outcome?: ToolOutcome): void {
    this.rounds.addToolResult(messageId, toolCallId, content, outcome);
  }

  /** The prompt, then every settled round with its calls' results. */
  contextMessages(): ChatMessage[] {
    return [...this.prompt, ...this.rounds.contextMessages()];
  }
}

export interface PromptReply {
  readonly status: TurnEndStatus;
  /** The reply as far as it got: a failed, dropped or stopped stream keeps what came. */
  readonly text: string;
  readonly finishReason?: string;
  /** Why the reply failed or broke off (never set when it was stopped). */
  readonly error?: GatewayError;
}

export interface PromptReplyOptions {
  readonly messages: readonly ChatMessage[];
  /** Sends the request (the requester's port); its events end when the reply does. */
  readonly stream: TurnPorts['stream'];
  /** Words for a failure the stream threw instead of reporting it (redacted by the host). */
  readonly describeFailure: (error: unknown) => string;
  /** The whole reply so far, each time it grows. */
  readonly onText: (text: string) => void;
  /** Stop: the request is aborted and the reply ends `stopped`, with its text so far. */
  readonly signal: AbortSignal;
  readonly now: () => number;
}

/** Streams the reply to `messages` and resolves once it has ended, however it ended. */
export async function streamPromptReply(options: PromptReplyOptions): Promise<PromptReply> {
  const { signal, onText } = options;
  const engine = createReplyTurn({ transcript: new PromptTranscript(options.messages), now: options.now });
  let reply: ConversationMessage | undefined;
  const driver = new TurnDriver(engine, {
    stream: options.stream,
    runTool: () => Promise.reject(new Error('A prompt reply offers no tools.')),
    describeFailure: options.describeFailure,
    show: (effect) => {
      if (effect.type === 'roundStarted') reply = effect.message;
      else if (effect.type === 'text' && reply?.id === effect.messageId) onText(reply.text);
    },
  });
  const stop = () => driver.stop();
  signal.addEventListener('abort', stop);
  if (signal.aborted) driver.stop();
  try {
    const ended = await driver.run({ type: 'start' });
    const finishReason = ended.message?.finishReason;
    return {
      status: ended.status,
      text: ended.message?.text ?? '',
      ...(finishReason ? { finishReason } : {}),
      ...(ended.error ? { error: ended.error } : {}),
    };
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
