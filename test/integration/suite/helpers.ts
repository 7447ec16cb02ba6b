/** Shared steps for the integration tests: the extension, its settings, and the key set the way a user sets it. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InlineEditState } from '../../../src/host/editor/editReview';
import { FakeGateway } from '../../support/fakeGateway';
import * as ui from './ui';

export const EXTENSION_ID = 'gateway-chat.gateway-chat';

const runKey = (kind: string) => `sk-${kind}-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36)}`;

/** One key for the whole run, distinctive enough to grep for in DOM, settings and logs. */
export const TEST_API_KEY = runKey('itest');
/** The key of a second gateway (keys are per gateway), and one left by an earlier version as its single key. */
export const OTHER_API_KEY = runKey('iother');
export const LEGACY_API_KEY = runKey('ilegacy');
/** Every key the run stores: none may show up in the DOM, settings or logs. */
export const ALL_TEST_KEYS = [TEST_API_KEY, OTHER_API_KEY, LEGACY_API_KEY] as const;

/** The panel's selectors (the contract between these tests and src/webview). */
export const sel = {
  composer: 'textarea#composer',
  send: 'button#send',
  stop: 'button#stop',
  noKeyBanner: '#no-key-banner',
  bannerSetKey: '#no-key-banner button[data-action="setApiKey"]',
  message: '.message',
  user: '.message[data-role="user"]',
  assistant: '.message[data-role="assistant"]',
  assistantBody: '.message[data-role="assistant"] .message-body',
  userBody: '.message[data-role="user"] .message-body',
  assistantWithStatus: (status: string) => `.message[data-role="assistant"][data-status="${status}"]`,
  notice: '.message[data-role="assistant"] .message-notice',
  error: '.message[data-role="assistant"] .message-error',
  errorAction: (action: string) => `.message[data-role="assistant"] .message-error button[data-action="${action}"]`,
} as const;

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

export async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  if (!ext.isActive) await ext.activate();
  return ext;
}

export function withTimeout<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(promise),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it gives a truthy value, which it returns; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The proposed edit under review (inline or in the diff editor) in the active editor's file, or the only one running;
 * `undefined` when none. Read through the command `gatewayChat.internal.inlineEditState`.
 */
export async function inlineEditState(): Promise<InlineEditState | undefined> {
  return vscode.commands.executeCommand<InlineEditState | undefined>('gatewayChat.internal.inlineEditState');
}

export async function setConfig(name: 'baseUrl' | 'model', value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('gatewayChat').update(name, value, vscode.ConfigurationTarget.Global);
}

/**
 * Runs "Gateway Chat: Set API Key" and types `key` into its password box through the UI, then Enter, as a user
 * does. Resolves when the command has finished (the key is stored).
 */
export async function setApiKeyThroughUi(key: string = TEST_API_KEY): Promise<void> {
  const command = vscode.commands.executeCommand('gatewayChat.setApiKey');
  await ui.waitForQuickInput();
  await ui.typeInQuickInput(key);
  await ui.pressInWorkbench('Enter');
  await withTimeout(command, 10_000, 'gatewayChat.setApiKey did not finish after Enter');
  await ui.waitForQuickInputClosed();
}

/**
 * Makes `baseUrl` the configured gateway and gives it `key` the way a user does ("Set API Key"). Keys are kept per
 * gateway, and each fake gateway listens on a port of its own (its own origin): a new one starts without a key.
 */
export async function useGateway(baseUrl: string, key: string = TEST_API_KEY): Promise<void> {
  await setConfig('baseUrl', baseUrl);
  await setApiKeyThroughUi(key);
  if (ui.available()) await ui.waitFor(sel.noKeyBanner, 'hidden');
}

/** Clears the key of the configured gateway ("Clear API Key"). */
export async function clearApiKey(): Promise<void> {
  await vscode.commands.executeCommand('gatewayChat.clearApiKey');
}

export async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

/** Starts a fresh conversation and waits until the panel shows no message. */
export async function newChat(): Promise<void> {
  await vscode.commands.executeCommand('gatewayChat.newChat');
  if (ui.available()) await ui.waitForCount(sel.message, 0);
}

/** Types `text` into the composer and presses Enter (what a user does to ask). */
export async function ask(text: string): Promise<void> {
  await ui.typeInComposer(text);
  await ui.press('Enter');
}

/** Waits until the last assistant message has `status` (data-status) and returns its text. */
export async function waitForLastAssistant(status: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await ui.attribute(sel.assistant, 'data-status', -1);
    if (seen === status) break;
    if (Date.now() > deadline) {
      const text = await lastAssistantText().catch(() => '');
      throw new Error(
        `the last assistant message has data-status=${JSON.stringify(seen)}, expected ${JSON.stringify(status)} within ${timeoutMs} ms (text: ${JSON.stringify(text.slice(0, 300))})`,
      );
    }
    await sleep(100);
  }
  return lastAssistantText();
}

/** The text of the last assistant message's body. */
export async function lastAssistantText(): Promise<string> {
  const bodies = await ui.panelTexts(sel.assistantBody);
  return bodies[bodies.length - 1] ?? '';
}

/** The whole text of the last assistant message (body, error, actions). */
export async function lastAssistantAllText(): Promise<string> {
  const all = await ui.panelTexts(sel.assistant);
  return all[all.length - 1] ?? '';
}

type ChatMessage = { role: string; content: unknown };

export function messagesOf(body: unknown): ChatMessage[] {
  assert.ok(
    body && typeof body === 'object' && Array.isArray((body as { messages?: unknown }).messages),
    `request body has no messages array: ${JSON.stringify(body)}`,
  );
  return (body as { messages: ChatMessage[] }).messages;
}

/** A message's content as text (string content, or the text parts of a content array). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : '',
      )
      .join('');
  }
  return '';
}

/**
 * The set-up of every suite that chats: a fresh fake gateway as the base URL, the model, a key for that gateway typed
 * in the way a user types it, and the chat view open. Skips the suite when the UI bridge is absent (desktop route).
 */
export async function startChatSuite(context: Mocha.Context, model = 'openai/gpt-4o-mini'): Promise<FakeGateway> {
  ui.requireUi(context);
  await activate();
  const gateway = await FakeGateway.start();
  await setConfig('baseUrl', gateway.baseUrl);
  await setConfig('model', model);
  await ui.openChatView();
  // The banner is only meaningful once the panel shows a snapshot of this configuration (the model chip says so);
  // before that, "not visible" may just mean "not drawn yet".
  await ui.waitForPanelText('#model', model);
  // A fresh gateway has no key yet (keys are per gateway): the banner alone could still be the previous gateway's.
  await setApiKeyThroughUi(TEST_API_KEY);
  await ui.waitFor(sel.noKeyBanner, 'hidden');
  return gateway;
}
