import * as vscode from 'vscode';
import { LEGACY_KEY_ENTRY } from './core/gatewayKeys';
import { ApiKeyStore } from './host/apiKeyStore';
import { CHAT_VIEW_ID, ChatViewProvider } from './host/chatViewProvider';
import { registerCommands } from './host/commands';
import { readBaseUrl } from './host/configuration';
import { registerConversationCommands } from './host/conversationCommands';
import { createReviewController, registerEditorCommands } from './host/editor/editorCommands';
import { createToolProposals } from './host/editor/toolProposals';
import { registerImageCommands } from './host/images/imageCommands';
import { ConversationHistory } from './host/conversationHistory';
import { ConversationStore } from './host/conversationStore';
import { FolderSettingsNotice } from './host/folderSettingsNotice';
import { ExtensionLog } from './host/log';
import { ModelCatalogService } from './host/modelCatalogService';
import { describeToolCall, type ToolCallDescription } from './host/tools/toolCallDescription';
import { currentToolOffer } from './host/tools/toolOffer';
import { WorkspaceToolRunner } from './host/tools/workspaceToolRunner';
import { checkWorkspaceToolArguments } from './core/tools/toolArguments';
import { isWorkspaceToolName } from './core/tools/workspaceTools';
import type { ToolOffer } from './core/tools/toolOffer';

/**
 * The composition root. Activation only wires things together: no network, no secret read, no webview work happens
 * until the user opens the view or runs a command. Besides those, the end of startup activates it
 * (`onStartupFinished`): an edit review that a reload or a crash interrupted is in a document VS Code brings back, and
 * must be brought back with it (one read of the workspace's state; nothing else when there is none).
 */
export function activate(context: vscode.ExtensionContext): GatewayChatApi {
  const log = new ExtensionLog();
  // Keys go only to the gateway the user chose: readBaseUrl never reads a folder's settings.
  const keys = new ApiKeyStore(context.secrets, log.redactor, context.globalState, readBaseUrl, log);
  const catalog = new ModelCatalogService(keys, log);
  // Saved conversations: nothing is read or written until the view opens or a history command runs.
  const store = new ConversationStore(vscode.Uri.joinPath(context.globalStorageUri, 'conversations'), log);
  const history = new ConversationHistory(store, context.globalState, log, (text) => log.redactor.redact(text));
  const provider = new ChatViewProvider(context.extensionUri, keys, log, catalog, history);
  // A folder's settings that only the user may set are ignored; this says so (reads the folders' settings files).
  const folderSettings = new FolderSettingsNotice(log, context.workspaceState);
  folderSettings.start();
  // One review of proposed edits for the window: the editor commands and the model's acting tools share it.
  const reviews = createReviewController(log, context.workspaceState);
  context.subscriptions.push(
    log,
    keys,
    provider,
    history,
    folderSettings,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    ...registerCommands(provider, keys, log, catalog),
    ...registerConversationCommands(provider, history, log),
    reviews,
    ...registerEditorCommands(provider, keys, log, catalog, reviews),
    ...registerImageCommands(provider, log),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    // The integration tests write the single key of an earlier version, as that version left it, to see it moved.
    context.subscriptions.push(
      vscode.commands.registerCommand('gatewayChat.internal.storeLegacyApiKey', (key: unknown) =>
        typeof key === 'string' && key ? context.secrets.store(LEGACY_KEY_ENTRY, key) : undefined,
      ),
    );
    const redact = (text: string) => log.redactor.redact(text);
    const tools = new WorkspaceToolRunner({ redact, proposals: createToolProposals(reviews) });
    context.subscriptions.push(tools);
    return { conversationsFolder: store.folder, workspaceTools: testToolHook(tools, redact) };
  }
  return { conversationsFolder: store.folder };
}

/** What the extension exports (for its integration tests): where the conversations are saved. */
export interface GatewayChatApi {
  readonly conversationsFolder: vscode.Uri;
  /** In tests only: the workspace tools, run as a model's call with these arguments would run them. */
  readonly workspaceTools?: WorkspaceToolsHook;
}

export interface WorkspaceToolsHook {
  run(tool: string, args: unknown, token?: vscode.CancellationToken): Promise<string>;
  offer(): ToolOffer;
  /** The call described as the panel and the approval card show it (arguments checked as the turn checks them). */
  describe(tool: string, args: unknown): Promise<ToolCallDescription>;
}

function testToolHook(runner: WorkspaceToolRunner, redact: (text: string) => string): WorkspaceToolsHook {
  return {
    offer: currentToolOffer,
    describe(tool, args) {
      if (!isWorkspaceToolName(tool)) return describeToolCall(tool, args, redact);
      const checked = checkWorkspaceToolArguments(tool, args, { folders: vscode.workspace.workspaceFolders ?? [] });
      return describeToolCall(tool, checked.ok ? checked.value : args, redact);
    },
    async run(tool, args, token) {
      if (!isWorkspaceToolName(tool)) throw new Error(`There is no workspace tool named "${tool}".`);
      const folders = vscode.workspace.workspaceFolders ?? [];
      const checked = checkWorkspaceToolArguments(tool, args, { folders });
      if (!checked.ok) throw new Error(checked.problem);
      return runner.run(checked.value, token ?? new vscode.CancellationTokenSource().token);
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
