/**
 * Every string the panel shows. The host fills it from `vscode.l10n` and hands it to the page in its HTML, so the
 * panel is translated with the rest of the extension and needs no translation machinery of its own.
 */
export interface PanelStrings {
  readonly composerPlaceholder: string;
  readonly composerPlaceholderCtrlEnter: string;
  readonly composerLabel: string;
  readonly send: string;
  readonly stop: string;
  readonly you: string;
  readonly assistant: string;
  readonly emptyTitle: string;
  readonly emptyHint: string;
  readonly noKeyMessage: string;
  readonly setApiKey: string;
  readonly openSettings: string;
  readonly retry: string;
  readonly showLog: string;
  readonly stopped: string;
  readonly interrupted: string;
  readonly finishedBecause: string;
  readonly tokens: string;
  readonly conversationLabel: string;
  readonly reasoning: string;
  /** Shown after a number of tokens: "120 cached". */
  readonly cached: string;
  /** Shown after a number of tokens: "300 reasoning". */
  readonly reasoningTokens: string;
  readonly selectModel: string;
  readonly copyCode: string;
  readonly insertCode: string;
  readonly newEditorCode: string;
  readonly applyCode: string;
  /** The tooltip of a marker that shows invisible characters of a reply (followed by their code points). */
  readonly invisibleCharacters: string;
  readonly messageActions: string;
  readonly copyMessage: string;
  readonly regenerate: string;
  readonly editMessage: string;
  readonly deleteMessage: string;
  readonly continueReply: string;
  readonly cancel: string;
  readonly editLabel: string;
  readonly firstToken: string;
  readonly tokensPerSecond: string;
  readonly estimated: string;
  readonly attachImage: string;
  readonly attachScreenshot: string;
  readonly attachedImages: string;
  readonly image: string;
  readonly imageDetail: string;
  readonly imageDetailAuto: string;
  readonly imageDetailLow: string;
  readonly imageDetailHigh: string;
  readonly imageTokensEstimate: string;
  readonly removeImage: string;
  readonly reattachImage: string;
  readonly imageSvgRefused: string;
  readonly imageUnsupported: string;
  readonly imageUndecodable: string;
  readonly imageTooLarge: string;
  /** After a file's name: refused before it was read or decoded (followed by its size and the limit). */
  readonly imageFileTooLarge: string;
  /** After a file's name: its header claims more pixels than may be decoded (followed by them and the limit). */
  readonly imageTooManyPixels: string;
  readonly imageTooMany: string;
  readonly dismiss: string;
  /** The heading of a tool call's arguments, when it is opened. */
  readonly toolArguments: string;
  readonly toolResult: string;
  /** A tool call the model is still writing (beside a spinner). */
  readonly toolForming: string;
  readonly toolWaiting: string;
  readonly toolRunning: string;
  /** The outcome badges of a tool call. */
  readonly toolDone: string;
  readonly toolResultCut: string;
  readonly toolFailed: string;
  /** A tool call the user denied (its badge, and an approval card once Deny is pressed). */
  readonly declined: string;
  readonly toolInvalidArguments: string;
  readonly toolUnknown: string;
  readonly toolCancelled: string;
  readonly toolNotRun: string;
  /** Under a tool result the panel has only the beginning of: {0} shown, {1} in all. */
  readonly toolResultShown: string;
  /** The accessible name of an approval card ({0}: what the tool call will do). */
  readonly approvalLabel: string;
  readonly approvalPreview: string;
  readonly allowOnce: string;
  readonly allowForConversation: string;
  readonly deny: string;
  /** An approval card once Allow is pressed, until the call runs. */
  readonly allowed: string;
  /** Said to screen readers when an approval card appears ({0}: what the call will do, and the exact command or path). */
  readonly approvalAsks: string;
  readonly approvalChoices: string;
  readonly approvalChoicesOnce: string;
  /** The button above the first message shown when a long conversation has earlier ones (followed by their count). */
  readonly showEarlier: string;
  /** Under the composer: a message sent while a reply streams goes when it ends. */
  readonly waitingForReply: string;
  /** Under the composer: a message sent before the panel had its first snapshot goes once it has. */
  readonly waitingForPanel: string;
  /** Under the composer: a message sent while its images are prepared goes once they are. */
  readonly waitingForImages: string;
  /** The accessible name of the button that cancels a waiting message (its text is `cancel`). */
  readonly cancelWaiting: string;
  /** Shown as the accessible name of the `#` completion list. */
  readonly mentionListLabel: string;
  readonly mentionFile: string;
  readonly mentionSelection: string;
  readonly mentionProblems: string;
  readonly mentionChanges: string;
  readonly mentionEditors: string;
  readonly mentionNoFiles: string;
  readonly mentionSearching: string;
  readonly attachedContext: string;
  readonly removeContext: string;
  readonly openContextFile: string;
  readonly projectInstructions: string;
  readonly projectInstructionsTitle: string;
  readonly projectInstructionsTruncated: string;
  readonly contextMeterTitle: string;
  readonly contextMeterLabel: string;
  readonly contextNearFull: string;
  readonly contextOverflow: string;
  /** Under a reply: {0} is a count. */
  readonly leftOutNotice: string;
  readonly contextTooMany: string;
}

export const PANEL_STRING_KEYS: readonly (keyof PanelStrings)[] = [
  'composerPlaceholder',
  'composerPlaceholderCtrlEnter',
  'composerLabel',
  'send',
  'stop',
  'you',
  'assistant',
  'emptyTitle',
  'emptyHint',
  'noKeyMessage',
  'setApiKey',
  'openSettings',
  'retry',
  'showLog',
  'stopped',
  'interrupted',
  'finishedBecause',
  'tokens',
  'conversationLabel',
  'reasoning',
  'cached',
  'reasoningTokens',
  'selectModel',
  'copyCode',
  'insertCode',
  'newEditorCode',
  'applyCode',
  'invisibleCharacters',
  'messageActions',
  'copyMessage',
  'regenerate',
  'editMessage',
  'deleteMessage',
  'continueReply',
  'cancel',
  'editLabel',
  'firstToken',
  'tokensPerSecond',
  'estimated',
  'attachImage',
  'attachScreenshot',
  'attachedImages',
  'image',
  'imageDetail',
  'imageDetailAuto',
  'imageDetailLow',
  'imageDetailHigh',
  'imageTokensEstimate',
  'removeImage',
  'reattachImage',
  'imageSvgRefused',
  'imageUnsupported',
  'imageUndecodable',
  'imageTooLarge',
  'imageFileTooLarge',
  'imageTooManyPixels',
  'imageTooMany',
  'dismiss',
  'toolArguments',
  'toolResult',
  'toolForming',
  'toolWaiting',
  'toolRunning',
  'toolDone',
  'toolResultCut',
  'toolFailed',
  'declined',
  'toolInvalidArguments',
  'toolUnknown',
  'toolCancelled',
  'toolNotRun',
  'toolResultShown',
  'approvalLabel',
  'approvalPreview',
  'allowOnce',
  'allowForConversation',
  'deny',
  'allowed',
  'approvalAsks',
  'approvalChoices',
  'approvalChoicesOnce',
  'showEarlier',
  'waitingForReply',
  'waitingForPanel',
  'waitingForImages',
  'cancelWaiting',
  'mentionListLabel',
  'mentionFile',
  'mentionSelection',
  'mentionProblems',
  'mentionChanges',
  'mentionEditors',
  'mentionNoFiles',
  'mentionSearching',
  'attachedContext',
  'removeContext',
  'openContextFile',
  'projectInstructions',
  'projectInstructionsTitle',
  'projectInstructionsTruncated',
  'contextMeterTitle',
  'contextMeterLabel',
  'contextNearFull',
  'contextOverflow',
  'leftOutNotice',
  'contextTooMany',
];
