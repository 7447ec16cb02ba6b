import * as vscode from 'vscode';
import { streamChatCompletion } from '../core/chatClient';
import { buildChatRequest } from '../core/chatRequest';
import { Conversation, type ConversationMessage } from '../core/conversation';
import { DeltaCoalescer } from '../core/deltaCoalescer';
import type { GatewayError } from '../core/gatewayError';
import type { HostToWebview, MessageView, PanelState } from '../shared/protocol';
import type { ApiKeyStore } from './apiKeyStore';
import { readConfiguration, type ChatConfiguration } from './configuration';
import { describeGatewayError } from './errorView';
import type { ExtensionLog } from './log';

/** Where the session's updates go: the chat view when it exists (messages to a hidden view are simply lost). */
export interface PanelPort {
  post(message: HostToWebview): void;
}

const STREAMING_CONTEXT = 'gatewayChat.streaming';

/**
 * The conversation and the reply being streamed. It owns the state; the panel only shows it. Each turn: add the
 * user's message, stream the reply into a new assistant message, post small deltas, end with a status.
 */
export class ChatSession implements vscode.Disposable {
  private conversation = new Conversation();
  private running: { readonly messageId: string; readonly abort: AbortController } | undefined;
  private lastConfig: ChatConfiguration | undefined;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: ExtensionLog,
    private readonly panel: PanelPort,
  ) {}

  get streaming(): boolean {
    return this.running !== undefined;
  }

  async snapshot(): Promise<PanelState> {
    const config = readConfiguration();
    const hasApiKey = (await this.keys.get()) !== undefined;
    return {
      conversationId: this.conversation.id,
      messages: this.conversation.messages.map((message) => this.toView(message, config)),
      hasApiKey,
      streaming: this.streaming,
      model: config.model,
      ...(config.problem ? { configProblem: config.problem } : {}),
    };
  }

  async postSnapshot(): Promise<void> {
    this.panel.post({ type: 'snapshot', state: await this.snapshot() });
  }

  /** Sends a user message and streams the reply. Refused (with a message) while a reply streams or nothing can be sent. */
  async send(text: string): Promise<void> {
    const ready = await this.preflight();
    if (!ready) return;
    const userMessage = this.conversation.addUserMessage(text);
    this.panel.post({ type: 'messageAdded', message: this.toView(userMessage, ready.config) });
    await this.streamReply(ready.config, ready.apiKey);
  }

  /** Replaces a failed last reply by a new attempt with the same context. */
  async retry(): Promise<void> {
    const last = this.conversation.messages.at(-1);
    if (!last) return;
    const ready = await this.preflight();
    if (!ready) return;
    if (last.role === 'assistant') {
      this.conversation.removeMessage(last.id);
      await this.postSnapshot();
    }
    await this.streamReply(ready.config, ready.apiKey);
  }

  /** Checks that a request can go out now; otherwise tells the user why and what to do. */
  private async preflight(): Promise<{ config: ChatConfiguration; apiKey: string } | undefined> {
    if (this.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Wait for the reply to finish, or stop it first.'));
      return undefined;
    }
    const config = readConfiguration();
    if (config.problem) {
      await this.postSnapshot();
      void this.showConfigProblem(config.problem);
      return undefined;
    }
    const apiKey = await this.keys.get();
    if (!apiKey) {
      await this.postSnapshot();
      void this.askForKey();
      return undefined;
    }
    return { config, apiKey };
  }

  private async askForKey(): Promise<void> {
    const setKey = vscode.l10n.t('Set API Key');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Set your API key before sending a message.'), setKey);
    if (choice === setKey) await vscode.commands.executeCommand('gatewayChat.setApiKey');
  }

  stop(): void {
    this.running?.abort.abort();
  }

  async newChat(): Promise<void> {
    this.stop();
    this.conversation = new Conversation();
    await this.postSnapshot();
  }

  private async streamReply(config: ChatConfiguration, apiKey: string): Promise<void> {
    const request = buildChatRequest({ model: config.model, messages: this.conversation.contextMessages() });
    const reply = this.conversation.startAssistantMessage();
    const abort = new AbortController();
    this.running = { messageId: reply.id, abort };
    this.lastConfig = config;
    await vscode.commands.executeCommand('setContext', STREAMING_CONTEXT, true);
    this.panel.post({ type: 'messageAdded', message: this.toView(reply, config) });

    const coalescer = new DeltaCoalescer((delta) => this.panel.post({ type: 'delta', messageId: reply.id, text: delta }));
    let error: GatewayError | undefined;
    const started = Date.now();
    try {
      const events = streamChatCompletion({ baseUrl: config.baseUrl, apiKey, logger: this.log }, request, abort.signal);
      for await (const event of events) {
        switch (event.type) {
          case 'text':
            reply.text += event.text;
            coalescer.push(event.text);
            break;
          case 'model':
            reply.model = event.model;
            break;
          case 'usage':
            reply.usage = event.usage;
            break;
          case 'finish':
            reply.finishReason = event.reason;
            break;
          case 'error':
            error = event.error;
            break;
        }
      }
    } catch (unexpected) {
      // The client reports failures as events; anything thrown is a bug, but the partial reply is still kept.
      this.log.error(`Unexpected failure while streaming: ${String(unexpected)}`);
      error = { kind: 'interrupted', message: String(unexpected), host: '' };
    } finally {
      coalescer.flush();
      coalescer.dispose();
    }

    const status = abort.signal.aborted ? 'stopped' : error ? (error.kind === 'interrupted' ? 'interrupted' : 'error') : 'done';
    reply.status = status;
    if (error && !abort.signal.aborted) reply.error = error;
    this.log.info(
      `Reply ${reply.status} in ${Date.now() - started} ms, ${reply.text.length} chars` +
        (reply.finishReason ? `, finish_reason=${reply.finishReason}` : ''),
    );
    this.running = undefined;
    await vscode.commands.executeCommand('setContext', STREAMING_CONTEXT, false);
    const view = this.toView(reply, config);
    this.panel.post({
      type: 'turnEnded',
      messageId: reply.id,
      status,
      ...(view.model ? { model: view.model } : {}),
      ...(view.finishReason ? { finishReason: view.finishReason } : {}),
      ...(view.usage ? { usage: view.usage } : {}),
      ...(view.error ? { error: view.error } : {}),
    });
  }

  private toView(message: ConversationMessage, config: ChatConfiguration): MessageView {
    return {
      id: message.id,
      role: message.role,
      text: message.text,
      status: message.status,
      ...(message.model ? { model: message.model } : {}),
      ...(message.finishReason ? { finishReason: message.finishReason } : {}),
      ...(message.usage ? { usage: message.usage } : {}),
      ...(message.error ? { error: describeGatewayError(message.error, this.lastConfig ?? config) } : {}),
    };
  }

  private async showConfigProblem(problem: string): Promise<void> {
    const open = vscode.l10n.t('Open Settings');
    if ((await vscode.window.showErrorMessage(problem, open)) === open) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'gatewayChat');
    }
  }

  dispose(): void {
    this.stop();
  }
}
