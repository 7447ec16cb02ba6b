import type { EditPrompt } from '../../core/editPrompt';
import { streamPromptReply, type PromptReply } from '../../core/turn/promptTurn';
import type { ExtensionLog } from '../log';
import type { GatewayReady, GatewayRequester } from '../turn/gatewayRequester';

export interface EditDeps {
  readonly requester: GatewayRequester;
  readonly log: ExtensionLog;
}

/**
 * One reply outside the chat conversation (an inline edit, generated tests): the command's prompt, with its own
 * system prompt, sent through the same requester as the chat and streamed as a reply turn (`streamPromptReply`);
 * `onText` gets the whole reply so far each time it grows. `signal` is Stop.
 */
export async function streamEditReply(
  deps: EditDeps,
  ready: GatewayReady,
  prompt: EditPrompt,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<PromptReply> {
  const { log } = deps;
  const gateway = await deps.requester.prepare(ready, { systemPrompt: prompt.system });
  return streamPromptReply({
    messages: prompt.messages,
    stream: gateway.stream,
    describeFailure: (error) => {
      log.error(`Unexpected failure while streaming an edit: ${String(error)}`);
      return log.redactor.redact(String(error));
    },
    onText,
    signal,
    now: Date.now,
  });
}
