/**
 * Estimated prompt tokens of chat messages, without a tokenizer: text by `estimateTextTokens` (about 4 characters a
 * token for Latin text, 1 a CJK character), images by OpenAI's published tile formula from their size and detail, and
 * a few tokens per message for its role and separators, as OpenAI's cookbook counts them. Used for the context meter,
 * for `fitContext`, and by anything else that needs a token count before the gateway reports one. Pure.
 */
import type { ChatMessage, ContentPart } from './chatTypes';
import { estimateImageTokens } from '../shared/imageSizing';
import { dataUrlHead, imageDimensions } from '../shared/imageSniff';
import { estimateTextTokens } from '../shared/tokenEstimate';

export { estimateImageTokens, estimateTextTokens };

/** The tokens each message costs besides its content (its role and the separators around it). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** The tokens every request costs besides its messages (the start of the reply). */
export const REQUEST_OVERHEAD_TOKENS = 3;
/** How many bytes of a data URL are decoded to find a JPEG's size (its frame header comes after its metadata). */
const IMAGE_HEAD_BYTES = 64 * 1024;
/** An image whose size cannot be read counts as a square image at `detail: high` (4 tiles). */
const UNKNOWN_IMAGE_SIZE = { width: 1024, height: 1024 };

/** An image part's tokens: its size read from the data URL's header (or given), then the tile formula. */
export function estimateImagePartTokens(
  image: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' },
  size?: { readonly width: number; readonly height: number },
): number {
  const detail = image.detail ?? 'auto';
  if (detail === 'low') return estimateImageTokens(UNKNOWN_IMAGE_SIZE, 'low');
  const head = size ? undefined : dataUrlHead(image.url, IMAGE_HEAD_BYTES);
  const known = size ?? (head ? imageDimensions(head.bytes) : undefined);
  return estimateImageTokens(known && known.width > 0 && known.height > 0 ? known : UNKNOWN_IMAGE_SIZE, detail);
}

function partTokens(part: ContentPart): number {
  return part.type === 'text' ? estimateTextTokens(part.text) : estimateImagePartTokens(part.image_url);
}

/** One message's estimated tokens: its content, its tool calls (name and arguments), and the overhead. */
export function estimateMessageTokens(message: ChatMessage): number {
  let tokens = MESSAGE_OVERHEAD_TOKENS;
  switch (message.role) {
    case 'system':
    case 'tool':
      tokens += estimateTextTokens(message.content);
      break;
    case 'user':
      tokens +=
        typeof message.content === 'string'
          ? estimateTextTokens(message.content)
          : message.content.reduce((sum, part) => sum + partTokens(part), 0);
      break;
    case 'assistant':
      tokens += estimateTextTokens(message.content ?? '');
      for (const call of message.tool_calls ?? [])
        tokens +=
          MESSAGE_OVERHEAD_TOKENS +
          estimateTextTokens(call.function.name) +
          estimateTextTokens(call.function.arguments);
      break;
  }
  return tokens;
}

/** The estimated prompt tokens of a request with these messages (the system prompt included when it is among them). */
export function estimateMessagesTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + estimateMessageTokens(message), REQUEST_OVERHEAD_TOKENS);
}

/** The estimate of a request: the system prompt (with project instructions) and the conversation's messages. */
export function estimateContextTokens(systemPrompt: string, messages: readonly ChatMessage[]): number {
  const system = systemPrompt.trim() ? estimateTextTokens(systemPrompt) + MESSAGE_OVERHEAD_TOKENS : 0;
  return system + estimateMessagesTokens(messages);
}
