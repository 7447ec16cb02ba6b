import * as vscode from 'vscode';
import type { PanelStrings } from '../shared/panelStrings';

export function panelStrings(): PanelStrings {
  return {
    composerPlaceholder: vscode.l10n.t('Ask anything (Enter to send, Shift+Enter for a new line)'),
    composerPlaceholderCtrlEnter: vscode.l10n.t('Ask anything (Ctrl+Enter to send, Enter for a new line)'),
    composerLabel: vscode.l10n.t('Message'),
    send: vscode.l10n.t('Send'),
    stop: vscode.l10n.t('Stop'),
    you: vscode.l10n.t('You'),
    assistant: vscode.l10n.t('Assistant'),
    emptyTitle: vscode.l10n.t('Chat with your gateway'),
    emptyHint: vscode.l10n.t('Ask a question below. Earlier messages of this chat are sent as context.'),
    noKeyMessage: vscode.l10n.t('Set the API key of your gateway to start chatting. It is kept in VS Code\'s secret storage.'),
    setApiKey: vscode.l10n.t('Set API Key'),
    openSettings: vscode.l10n.t('Open Settings'),
    retry: vscode.l10n.t('Retry'),
    showLog: vscode.l10n.t('Show Log'),
    stopped: vscode.l10n.t('Stopped'),
    interrupted: vscode.l10n.t('Interrupted'),
    finishedBecause: vscode.l10n.t('Finish reason'),
    tokens: vscode.l10n.t('tokens'),
    conversationLabel: vscode.l10n.t('Conversation'),
    reasoning: vscode.l10n.t('Reasoning'),
    cached: vscode.l10n.t('cached'),
    reasoningTokens: vscode.l10n.t('reasoning'),
    selectModel: vscode.l10n.t('Select Model'),
    copyCode: vscode.l10n.t('Copy code'),
    insertCode: vscode.l10n.t('Insert at cursor'),
    newEditorCode: vscode.l10n.t('Open in new editor'),
    applyCode: vscode.l10n.t('Apply to selection'),
  };
}
