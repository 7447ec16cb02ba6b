import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { Redactor } from '../core/redact';

/**
 * The extension's one log: a `LogOutputChannel` (levels set by the user through "Developer: Set Log Level"), created on
 * first use so activation stays free of work. Every line passes through the redactor, so no call site can leak the key.
 */
export class ExtensionLog implements Logger, vscode.Disposable {
  readonly redactor = new Redactor();
  private channel: vscode.LogOutputChannel | undefined;

  private get output(): vscode.LogOutputChannel {
    this.channel ??= vscode.window.createOutputChannel('Gateway Chat', { log: true });
    return this.channel;
  }

  trace(message: string): void {
    this.output.trace(this.redactor.redact(message));
  }
  debug(message: string): void {
    this.output.debug(this.redactor.redact(message));
  }
  info(message: string): void {
    this.output.info(this.redactor.redact(message));
  }
  warn(message: string): void {
    this.output.warn(this.redactor.redact(message));
  }
  error(message: string): void {
    this.output.error(this.redactor.redact(message));
  }

  show(): void {
    this.output.show(true);
  }

  dispose(): void {
    this.channel?.dispose();
  }
}
