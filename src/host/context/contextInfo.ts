/**
 * What the panel shows of the context that goes with the next message: the project instructions' chips, and the
 * estimate of the request's tokens (system prompt, instructions, the conversation) against the model's context
 * length. Cheap and synchronous (known values only), so it can follow every snapshot and turn.
 */
import type { Conversation, ConversationMessage } from '../../core/conversation';
import { buildSystemPrompt } from '../../core/systemContext';
import { estimateContextTokens } from '../../core/tokenEstimate';
import type { ContextInfo, MessageView } from '../../shared/protocol';
import type { ProjectInstructionsFile } from './projectInstructions';

export function contextInfoFor(
  conversation: Conversation,
  systemPrompt: string,
  instructions: readonly ProjectInstructionsFile[],
  contextLength: number | undefined,
): ContextInfo {
  const system = buildSystemPrompt(systemPrompt, instructions);
  const tokens = estimateContextTokens(system, conversation.contextMessages());
  return {
    projectInstructions: instructions.map((file) => ({
      path: file.path,
      chars: file.text.length,
      truncated: file.truncated,
    })),
    estimate: { tokens, ...(contextLength ? { contextLength } : {}) },
  };
}

/** A message's context chips and left-out count, for the panel (the text the model got stays in the host). */
export function contextViewOf(message: ConversationMessage): Pick<MessageView, 'context' | 'leftOut'> {
  const view: { -readonly [K in 'context' | 'leftOut']?: MessageView[K] } = {};
  if (message.context?.length)
    view.context = message.context.map(({ kind, label, path, range }) => ({
      kind,
      label,
      ...(path ? { path } : {}),
      ...(range ? { range } : {}),
    }));
  if (message.leftOut) view.leftOut = message.leftOut;
  return view;
}
