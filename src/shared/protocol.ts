/**
 * The messages between the extension host and the chat panel, one union per direction.
 * The host owns the conversation; the panel is a projection of the last snapshot plus the deltas since.
 */

export type TurnStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/** Things the panel can ask the host to do for the user (from an error's buttons, a banner, the model chip). */
export type PanelAction = 'setApiKey' | 'openSettings' | 'retry' | 'showLog' | 'selectModel';

export interface ErrorView {
  readonly title: string;
  readonly detail: string;
  readonly actions: readonly PanelAction[];
}

export interface UsageView {
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly totalTokens?: number;
  readonly cachedTokens?: number;
  readonly reasoningTokens?: number;
}

export interface MessageView {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly status: TurnStatus;
  /** The model that produced an assistant reply, as the gateway reported it. */
  readonly model?: string;
  readonly finishReason?: string;
  readonly usage?: UsageView;
  readonly error?: ErrorView;
  /** The model's reasoning, shown apart from the reply. */
  readonly reasoning?: string;
  /** What is happening to the turn right now (a retry being waited out, say), or why it ended early. */
  readonly notice?: string;
}

export interface PanelState {
  readonly conversationId: string;
  readonly messages: readonly MessageView[];
  readonly hasApiKey: boolean;
  readonly streaming: boolean;
  readonly model: string;
  /** A configuration problem that stops sending, already worded for the user. */
  readonly configProblem?: string;
  /** Which key sends (`gatewayChat.sendWith`): Enter (Shift+Enter for a new line), or Ctrl/Cmd+Enter. */
  readonly sendWith: SendWith;
}

export type SendWith = 'enter' | 'ctrlEnter';

export type HostToWebview =
  | { readonly type: 'snapshot'; readonly state: PanelState }
  | { readonly type: 'messageAdded'; readonly message: MessageView }
  | { readonly type: 'delta'; readonly messageId: string; readonly text: string }
  | { readonly type: 'reasoningDelta'; readonly messageId: string; readonly text: string }
  | { readonly type: 'notice'; readonly messageId: string; readonly text: string }
  | {
      readonly type: 'turnEnded';
      readonly messageId: string;
      readonly status: Exclude<TurnStatus, 'streaming'>;
      readonly model?: string;
      readonly finishReason?: string;
      readonly usage?: UsageView;
      readonly error?: ErrorView;
      readonly notice?: string;
    }
  | { readonly type: 'focusComposer' };

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'send'; readonly text: string }
  | { readonly type: 'stop' }
  | { readonly type: 'newChat' }
  | { readonly type: 'runAction'; readonly action: PanelAction }
  /** A link in a reply was clicked. The host opens it only after checking its scheme (see `isOpenableLink`). */
  | { readonly type: 'openLink'; readonly href: string };

export const MAX_PROMPT_LENGTH = 1_000_000;
export const MAX_LINK_LENGTH = 8192;

/** The only links the host opens from model output: web pages and mail. Never `command:`, `vscode:`, `file:`… */
export function isOpenableLink(href: string): boolean {
  if (href.length > MAX_LINK_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:';
}

const PANEL_ACTIONS: ReadonlySet<string> = new Set<PanelAction>(['setApiKey', 'openSettings', 'retry', 'showLog', 'selectModel']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a message from the panel. The panel is a web page that renders model output, so nothing it sends is
 * trusted: anything that is not exactly one of the known shapes is refused.
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  const keys = Object.keys(value);
  const only = (...allowed: string[]) => keys.every((key) => key === 'type' || allowed.includes(key));
  switch (value.type) {
    case 'ready':
    case 'stop':
    case 'newChat':
      return only() ? { type: value.type } : undefined;
    case 'send':
      return only('text') &&
        typeof value.text === 'string' &&
        value.text.trim().length > 0 &&
        value.text.length <= MAX_PROMPT_LENGTH
        ? { type: 'send', text: value.text }
        : undefined;
    case 'openLink':
      return only('href') && typeof value.href === 'string' && value.href.length <= MAX_LINK_LENGTH
        ? { type: 'openLink', href: value.href }
        : undefined;
    case 'runAction':
      return only('action') && typeof value.action === 'string' && PANEL_ACTIONS.has(value.action)
        ? { type: 'runAction', action: value.action as PanelAction }
        : undefined;
    default:
      return undefined;
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
