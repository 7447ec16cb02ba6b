/**
 * The messages between the extension host and the chat panel, one union per direction.
 * The host owns the conversation; the panel is a projection of the last snapshot plus the deltas since.
 */
import {
  isPlausibleWorkspacePath,
  MAX_FILE_QUERY_LENGTH,
  parseContextRefs,
  parseLineRange,
  type ContextKind,
  type ContextRef,
  type FileMatch,
  type LineRange,
} from './contextRefs';

export type { ContextKind, ContextRef, FileMatch, LineRange } from './contextRefs';

export type TurnStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/** Things the panel can ask the host to do for the user (from an error's buttons, a banner, the model chip). */
export type PanelAction = 'setApiKey' | 'openSettings' | 'retry' | 'showLog' | 'selectModel';

export interface ErrorView {
  readonly title: string;
  readonly detail: string;
  readonly actions: readonly PanelAction[];
}

/** What the user can do to one message of the conversation (from its toolbar). */
export type MessageAction = 'copy' | 'regenerate' | 'delete' | 'continue';

/** What the user can do with a code block of a reply. `apply` goes through the inline-diff review of the editor. */
export type CodeBlockAction = 'copy' | 'insert' | 'newEditor' | 'apply';

export type ImageDetail = 'auto' | 'low' | 'high';

/** An image of a user message, as the panel shows it (a thumbnail) and as it was sent. */
export interface ImageView {
  /** A `data:image/(png|jpeg|gif|webp);base64,…` URL; or, with `key`, the webview address of the stored file. */
  readonly url: string;
  /**
   * Set when the host has the image stored (`<sha256>.<ext>`): the panel then loads it from the storage folder (as
   * a webview resource, so a snapshot does not carry its bytes again) and asks the host for it to attach it again.
   */
  readonly key?: string;
  readonly detail?: ImageDetail;
  readonly width?: number;
  readonly height?: number;
  readonly name?: string;
}

/** An image the panel has prepared (checked, downscaled, re-encoded) and sends with a message. */
export interface OutgoingImage {
  readonly url: string;
  readonly detail: ImageDetail;
  readonly width: number;
  readonly height: number;
  readonly name?: string;
}

/** An image file read by the host (file picker, screenshot, a file dropped from the Explorer), for the panel to prepare. */
export interface IncomingImage {
  readonly url: string;
  readonly name: string;
}

/** The limits an image must fit before it is sent (`gatewayChat.images.*`). */
export interface ImageLimits {
  /** The longest side, in pixels; larger images are downscaled (never upscaled). */
  readonly maxLongSide: number;
  /** The short side for `detail: high`, in pixels. */
  readonly maxShortSideHigh: number;
  /** The most bytes one prepared image may take. */
  readonly maxBytes: number;
  /** The most images one message may carry. */
  readonly maxCount: number;
}

/** How long a reply took: to its first token, and in all (milliseconds). */
export interface TimingView {
  readonly firstTokenMs?: number;
  readonly totalMs?: number;
}

export interface UsageView {
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly totalTokens?: number;
  readonly cachedTokens?: number;
  readonly reasoningTokens?: number;
}

/** Where a tool call of a reply is: taking shape in the stream, waiting for the user, running, or answered. */
export type ToolCallStage = 'forming' | 'waiting' | 'running' | 'answered';

/** Why a tool call got the answer it got (the same words as the turn engine's `ToolOutcome`). */
export type ToolOutcomeView =
  'result' | 'resultCapped' | 'failed' | 'denied' | 'invalidArguments' | 'unknownTool' | 'cancelled' | 'notRun';

/** What a tool does, for its icon and how the approval card words it. */
export type ToolKind = 'read' | 'edit' | 'create' | 'command' | 'external';

/** The most characters of a tool result the panel is sent (the model may have read more: see `resultChars`). */
export const MAX_TOOL_RESULT_VIEW_CHARS = 4000;

/** A tool call of an assistant reply, as the panel shows it (collapsed: its title; open: arguments and result). */
export interface ToolCallView {
  /** The call's id (empty while it forms and the gateway has not sent one yet). */
  readonly id: string;
  /** Its place among the reply's calls (0-based), which is how the stream addresses it while it forms. */
  readonly index: number;
  readonly name: string;
  /** The arguments as the model wrote them (JSON text, possibly still incomplete while forming). */
  readonly arguments: string;
  /** What the call does, in plain words ("Read src/app.ts, lines 1–40"), once it is complete. */
  readonly title?: string;
  readonly kind?: ToolKind;
  readonly stage: ToolCallStage;
  readonly outcome?: ToolOutcomeView;
  /** The answer the model read, up to `MAX_TOOL_RESULT_VIEW_CHARS`. */
  readonly result?: string;
  /** The whole answer's length when `result` is only its beginning. */
  readonly resultChars?: number;
}

/** A tool call the user is asked to allow, described in plain words. */
export interface ApprovalView {
  readonly callId: string;
  readonly toolName: string;
  readonly kind: ToolKind;
  /** What will happen ("Edit src/app.ts", "Run a command in the terminal"). */
  readonly title: string;
  /** The exact thing: the command line, the file's path, the tool's input. */
  readonly detail?: string;
  /** A unified diff of a proposed edit or the start of a new file (shown as code). */
  readonly preview?: string;
  /** Whether "Allow for this conversation" is offered (never for commands and edits). */
  readonly canAllowForConversation: boolean;
}

export type ApprovalDecisionView = 'allowOnce' | 'allowForConversation' | 'deny';

/** How one reply (a round of a turn, or the whole turn) ended, for its footer. */
export interface ReplyEnd {
  readonly messageId: string;
  readonly status: Exclude<TurnStatus, 'streaming'>;
  readonly model?: string;
  readonly finishReason?: string;
  readonly usage?: UsageView;
  readonly error?: ErrorView;
  readonly notice?: string;
  readonly timing?: TimingView;
  /** How many earlier messages this reply's request left out (too long for the model's context). */
  readonly leftOut?: number;
}

/** Something the user attached to a sent message as context, as its chip shows it (the text stays in the host). */
export interface ContextItemView {
  readonly kind: ContextKind;
  /** The mention that named it, resolved: `#file:src/a.ts:10-40`, `#selection:src/b.ts:3-7`, `#problems`. */
  readonly label: string;
  /** The workspace-relative file it came from (a file, or the selection's file), for the chip to open. */
  readonly path?: string;
  readonly range?: LineRange;
}

/** A project instructions file (`AGENTS.md`…) sent as system context, for its chip above the composer. */
export interface InstructionsView {
  /** Workspace-relative, as the chip shows it and opens it. */
  readonly path: string;
  /** The characters sent. */
  readonly chars: number;
  /** Set when the file is longer than what is sent (only its beginning is). */
  readonly truncated: boolean;
}

/** What the host knows of the next request's size, for the context meter (the panel adds its draft). */
export interface ContextEstimateView {
  /** Estimated tokens of the system prompt, the project instructions and the conversation sent as context. */
  readonly tokens: number;
  /** The model's context length from the gateway's catalog, when it says. */
  readonly contextLength?: number;
}

/** The context that goes with every message of the chat: project instructions and the estimate of what is sent. */
export interface ContextInfo {
  readonly projectInstructions: readonly InstructionsView[];
  readonly estimate: ContextEstimateView;
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
  /** A user message's images. */
  readonly images?: readonly ImageView[];
  /** An assistant reply's timing. */
  readonly timing?: TimingView;
  /** The tool calls an assistant reply made, in order, with their answers. */
  readonly toolCalls?: readonly ToolCallView[];
  /** Calls of this reply waiting for the user's decision (restored by a snapshot while the question is open). */
  readonly approvals?: readonly ApprovalView[];
  /** What the user attached to a user message as context. */
  readonly context?: readonly ContextItemView[];
  /** How many earlier messages were left out of this reply's request, which was too long for the model's context. */
  readonly leftOut?: number;
}

export interface PanelState {
  readonly conversationId: string;
  readonly messages: readonly MessageView[];
  readonly hasApiKey: boolean;
  /** The gateway the key is for (the base URL's origin), named in the no-key banner. */
  readonly gateway?: string;
  readonly streaming: boolean;
  readonly model: string;
  /** A configuration problem that stops sending, already worded for the user. */
  readonly configProblem?: string;
  /** Which key sends (`gatewayChat.sendWith`): Enter (Shift+Enter for a new line), or Ctrl/Cmd+Enter. */
  readonly sendWith: SendWith;
  readonly imageLimits: ImageLimits;
  /** The project instructions sent and the estimated size of the context (see `contextInfo`). */
  readonly context?: ContextInfo;
}

export type SendWith = 'enter' | 'ctrlEnter';

/**
 * Why the host did not take a message the panel sent (the panel keeps its text, images and context chips): a reply is
 * on its way (`busy`), nothing can be sent yet (no key, a setting to fix, the plain-http warning declined:
 * `notReady`), the images were refused or the user did not confirm them (`images`), context the user attached could
 * not be read (`context`, with `problems`), Stop came first (`stopped`), or something failed.
 */
export type SendRefusal = 'busy' | 'notReady' | 'images' | 'context' | 'stopped' | 'failed';

/** The host's answer to one `send` of the panel, paired with it by `requestId`. */
export type SendResult =
  | { readonly type: 'sendResult'; readonly requestId: number; readonly outcome: 'accepted' }
  | {
      readonly type: 'sendResult';
      readonly requestId: number;
      readonly outcome: 'refused';
      readonly reason: SendRefusal;
      /** What could not be attached, and why, one line each (with `context`). */
      readonly problems?: readonly string[];
    };

export type HostToWebview =
  | { readonly type: 'snapshot'; readonly state: PanelState }
  | { readonly type: 'messageAdded'; readonly message: MessageView }
  | { readonly type: 'delta'; readonly messageId: string; readonly text: string }
  | { readonly type: 'reasoningDelta'; readonly messageId: string; readonly text: string }
  | { readonly type: 'notice'; readonly messageId: string; readonly text: string }
  /** The turn is over: `messageId` is its last reply. */
  | ({ readonly type: 'turnEnded' } & ReplyEnd)
  /** One reply of a turn that goes on (its tool calls are answered and the next request follows). */
  | ({ readonly type: 'roundEnded' } & ReplyEnd)
  /** A tool call taking shape in the stream: append `argumentsDelta` to call `index` (name and id when first known). */
  | {
      readonly type: 'toolCallDelta';
      readonly messageId: string;
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  /** A tool call changed (complete, waiting, running, answered): it replaces the one with the same `index`. */
  | { readonly type: 'toolCallUpdated'; readonly messageId: string; readonly call: ToolCallView }
  /** Ask the user about these calls (one card each); each is answered with a `toolDecision`. */
  | { readonly type: 'approvalRequested'; readonly messageId: string; readonly approvals: readonly ApprovalView[] }
  /** The questions are no longer open (Stop came, or another window answered): remove their cards. */
  | { readonly type: 'approvalWithdrawn'; readonly messageId: string; readonly callIds: readonly string[] }
  /** The answer to a `send`: only an accepted message leaves the composer. */
  | SendResult
  | { readonly type: 'focusComposer' }
  /** Put text into the composer without sending it (e.g. a selection added to the chat). */
  | { readonly type: 'insertText'; readonly text: string }
  /** The answer to a `findFiles`: the workspace files that match, best first. */
  | { readonly type: 'fileMatches'; readonly requestId: number; readonly files: readonly FileMatch[] }
  /** Files dropped on the panel from the Explorer (not images): attach them as `#file` context chips. */
  | { readonly type: 'attachContext'; readonly files: readonly FileMatch[] }
  /** The project instructions or the estimate of the context changed (a turn ended, a file was edited…). */
  | { readonly type: 'contextInfo'; readonly info: ContextInfo }
  /** Images the host read for the user, to be prepared and attached to the message being written. */
  | {
      readonly type: 'attachImages';
      readonly images: readonly IncomingImage[];
      /** Send this question with them once they are prepared (Ask About a Screenshot). */
      readonly thenSend?: string;
    };

export type WebviewToHost =
  | { readonly type: 'ready' }
  /** A message to send; the host answers with a `sendResult` carrying the same `requestId`. */
  | {
      readonly type: 'send';
      readonly requestId: number;
      readonly text: string;
      readonly images?: readonly OutgoingImage[];
      /** `#`-mentions the user attached: the host reads what they name when it takes the message. */
      readonly context?: readonly ContextRef[];
    }
  | { readonly type: 'stop' }
  | { readonly type: 'newChat' }
  | { readonly type: 'runAction'; readonly action: PanelAction }
  /** A link in a reply was clicked. The host opens it only after checking its scheme (see `isOpenableLink`). */
  | { readonly type: 'openLink'; readonly href: string }
  | { readonly type: 'messageAction'; readonly action: MessageAction; readonly messageId: string }
  /** Edit an earlier user message and send it again: the turns after it are replaced. */
  | { readonly type: 'editMessage'; readonly messageId: string; readonly text: string }
  | { readonly type: 'codeAction'; readonly action: CodeBlockAction; readonly code: string; readonly language?: string }
  /** The paperclip (a file picker) or the screenshot button. */
  | { readonly type: 'attach'; readonly source: 'file' | 'screenshot' }
  /** Files dropped on the panel from VS Code's Explorer (their URIs); the host reads the images among them. */
  | { readonly type: 'attachUris'; readonly uris: readonly string[] }
  /** Attach again a stored image of an earlier message (its `ImageView.key`); the host answers with `attachImages`. */
  | { readonly type: 'reattachImage'; readonly key: string; readonly name?: string }
  /** The `#file` completion: workspace files whose path contains `query`; the host answers with `fileMatches`. */
  | { readonly type: 'findFiles'; readonly requestId: number; readonly query: string }
  /** A context chip or a project instructions chip was clicked: open that workspace file (at those lines). */
  | { readonly type: 'openContextFile'; readonly path: string; readonly range?: LineRange }
  /** The user's answer to an approval card. */
  | {
      readonly type: 'toolDecision';
      readonly messageId: string;
      readonly callId: string;
      readonly decision: ApprovalDecisionView;
    };

export const MAX_PROMPT_LENGTH = 1_000_000;
export const MAX_LINK_LENGTH = 8192;
export const MAX_ID_LENGTH = 200;
/** The most characters one image's data URL may have in a message from the panel (about 15 MB of image). */
export const MAX_IMAGE_URL_LENGTH = 20_000_000;
export const MAX_IMAGES_PER_MESSAGE = 10;
export const MAX_IMAGE_SIDE = 16_384;
export const MAX_DROPPED_URIS = 20;
const IMAGE_DATA_URL = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
const STORED_IMAGE_KEY = /^[0-9a-f]{64}\.(?:png|jpg|gif|webp)$/;

/** The name of a stored image: its SHA-256 in hex and its type. */
export function isStoredImageKey(key: unknown): key is string {
  return typeof key === 'string' && STORED_IMAGE_KEY.test(key);
}

/** A stored image the panel may show: the host's webview address of the file (the CSP allows only the webview's own). */
export function isStoredImageView(image: Pick<ImageView, 'url' | 'key'>): boolean {
  return isStoredImageKey(image.key) && /^https?:\/\//.test(image.url) && image.url.length <= MAX_LINK_LENGTH;
}

/** A data URL of one of the image types the API takes (PNG, JPEG, GIF, WebP), base64-encoded. Never SVG. */
export function isImageDataUrl(url: string): boolean {
  return url.length <= MAX_IMAGE_URL_LENGTH && IMAGE_DATA_URL.test(url);
}

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

const PANEL_ACTIONS: ReadonlySet<string> = new Set<PanelAction>([
  'setApiKey',
  'openSettings',
  'retry',
  'showLog',
  'selectModel',
]);
const MESSAGE_ACTIONS: ReadonlySet<string> = new Set<MessageAction>(['copy', 'regenerate', 'delete', 'continue']);
const CODE_BLOCK_ACTIONS: ReadonlySet<string> = new Set<CodeBlockAction>(['copy', 'insert', 'newEditor', 'apply']);
const DECISIONS: ReadonlySet<string> = new Set<ApprovalDecisionView>(['allowOnce', 'allowForConversation', 'deny']);
const IMAGE_DETAILS: ReadonlySet<string> = new Set<ImageDetail>(['auto', 'low', 'high']);
const LANGUAGE_ID = /^[A-Za-z0-9_+#.-]{1,64}$/;

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

/** A request id the panel numbers its requests with: a positive safe integer. */
function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isSide(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_IMAGE_SIDE;
}

/** An image as the panel sends it (or keeps it in webview state), checked; undefined when anything is off. */
export function parseOutgoingImage(value: unknown): OutgoingImage | undefined {
  if (!isRecord(value)) return undefined;
  if (!Object.keys(value).every((key) => ['url', 'detail', 'width', 'height', 'name'].includes(key))) return undefined;
  const { url, detail, width, height, name } = value;
  if (typeof url !== 'string' || !isImageDataUrl(url)) return undefined;
  if (typeof detail !== 'string' || !IMAGE_DETAILS.has(detail) || !isSide(width) || !isSide(height)) return undefined;
  if (name !== undefined && (typeof name !== 'string' || name.length > 260)) return undefined;
  return { url, detail: detail as ImageDetail, width, height, ...(name !== undefined ? { name } : {}) };
}

function parseImages(value: unknown): OutgoingImage[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_IMAGES_PER_MESSAGE) return undefined;
  const images: OutgoingImage[] = [];
  for (const item of value) {
    const image = parseOutgoingImage(item);
    if (!image) return undefined;
    images.push(image);
  }
  return images;
}

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
    case 'send': {
      if (!only('requestId', 'text', 'images', 'context') || !isRequestId(value.requestId)) return undefined;
      if (typeof value.text !== 'string' || value.text.length > MAX_PROMPT_LENGTH) return undefined;
      const images = value.images === undefined ? [] : parseImages(value.images);
      const context = value.context === undefined ? [] : parseContextRefs(value.context);
      if (!images || !context) return undefined;
      // A message is text, images, context, or some of them; never nothing.
      if (value.text.trim().length === 0 && images.length === 0 && context.length === 0) return undefined;
      return {
        type: 'send',
        requestId: value.requestId,
        text: value.text,
        ...(images.length > 0 ? { images } : {}),
        ...(context.length > 0 ? { context } : {}),
      };
    }
    case 'findFiles':
      return only('requestId', 'query') &&
        isRequestId(value.requestId) &&
        typeof value.query === 'string' &&
        value.query.length <= MAX_FILE_QUERY_LENGTH
        ? { type: 'findFiles', requestId: value.requestId, query: value.query }
        : undefined;
    case 'openContextFile': {
      if (!only('path', 'range') || !isPlausibleWorkspacePath(value.path)) return undefined;
      if (value.range === undefined) return { type: 'openContextFile', path: value.path };
      const range = parseLineRange(value.range);
      return range ? { type: 'openContextFile', path: value.path, range } : undefined;
    }
    case 'messageAction':
      return only('action', 'messageId') &&
        typeof value.action === 'string' &&
        MESSAGE_ACTIONS.has(value.action) &&
        isId(value.messageId)
        ? { type: 'messageAction', action: value.action as MessageAction, messageId: value.messageId }
        : undefined;
    case 'editMessage':
      return only('messageId', 'text') &&
        isId(value.messageId) &&
        typeof value.text === 'string' &&
        value.text.trim().length > 0 &&
        value.text.length <= MAX_PROMPT_LENGTH
        ? { type: 'editMessage', messageId: value.messageId, text: value.text }
        : undefined;
    case 'codeAction': {
      if (!only('action', 'code', 'language')) return undefined;
      if (typeof value.action !== 'string' || !CODE_BLOCK_ACTIONS.has(value.action)) return undefined;
      if (typeof value.code !== 'string' || value.code.length > MAX_PROMPT_LENGTH) return undefined;
      if (value.language !== undefined && (typeof value.language !== 'string' || !LANGUAGE_ID.test(value.language)))
        return undefined;
      const action = value.action as CodeBlockAction;
      return value.language !== undefined
        ? { type: 'codeAction', action, code: value.code, language: value.language }
        : { type: 'codeAction', action, code: value.code };
    }
    case 'attach':
      return only('source') && (value.source === 'file' || value.source === 'screenshot')
        ? { type: 'attach', source: value.source }
        : undefined;
    case 'attachUris': {
      if (
        !only('uris') ||
        !Array.isArray(value.uris) ||
        value.uris.length === 0 ||
        value.uris.length > MAX_DROPPED_URIS
      )
        return undefined;
      const uris = value.uris as unknown[];
      return uris.every((uri) => typeof uri === 'string' && uri.length > 0 && uri.length <= MAX_LINK_LENGTH)
        ? { type: 'attachUris', uris: uris as string[] }
        : undefined;
    }
    case 'reattachImage':
      return only('key', 'name') &&
        isStoredImageKey(value.key) &&
        (value.name === undefined || (typeof value.name === 'string' && value.name.length <= 260))
        ? { type: 'reattachImage', key: value.key, ...(typeof value.name === 'string' ? { name: value.name } : {}) }
        : undefined;
    case 'openLink':
      return only('href') && typeof value.href === 'string' && value.href.length <= MAX_LINK_LENGTH
        ? { type: 'openLink', href: value.href }
        : undefined;
    case 'toolDecision':
      return only('messageId', 'callId', 'decision') &&
        isId(value.messageId) &&
        isId(value.callId) &&
        typeof value.decision === 'string' &&
        DECISIONS.has(value.decision)
        ? {
            type: 'toolDecision',
            messageId: value.messageId,
            callId: value.callId,
            decision: value.decision as ApprovalDecisionView,
          }
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
