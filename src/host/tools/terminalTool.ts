/**
 * `run_terminal_command` in a terminal named "Gateway Chat" that the user sees: through shell integration, which
 * gives the command's output and exit code; stopped with Ctrl+C at its timeout or when the user stops the reply.
 * Without shell integration the command is sent all the same (the user allowed it) and the answer says plainly that
 * its output cannot be read. The turn engine asks the user before every call; this runs only what it is given.
 */
import * as vscode from 'vscode';
import { READ_LIMITS } from '../../core/tools/readLimits';
import { capCommandOutput, plainTerminalText } from '../../core/tools/terminalOutput';
import type { WorkspaceToolRequest } from '../../core/tools/toolArguments';
import { LinkGuard } from './linkGuard';
import { describeFsError, resolvePath, ToolError } from './workspaceUris';

type Request = Extract<WorkspaceToolRequest, { tool: 'run_terminal_command' }>;

export const TERMINAL_NAME = 'Gateway Chat';
/** How long a new terminal's shell gets to start its shell integration. */
const SHELL_INTEGRATION_WAIT_MS = 5000;
/** After Ctrl+C, how long the command gets to end before the answer is given without its exit code. */
const INTERRUPT_GRACE_MS = 3000;
/** After the command ended, how long the rest of its output gets to arrive. */
const OUTPUT_GRACE_MS = 1000;

type Ending =
  | { readonly kind: 'ended'; readonly exitCode: number | undefined }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'closed' };

export class TerminalCommands implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  /** The folder the terminal was opened in (its current folder when shell integration does not report one). */
  private terminalCwd: string | undefined;
  private busy = false;

  async run(request: Request, token: vscode.CancellationToken): Promise<string> {
    const cwd = resolvePath(request.cwd);
    if (cwd.uri.scheme !== 'file')
      throw new ToolError(
        'Commands cannot run in this workspace: its folders are not on a file system a shell can use.',
      );
    await new LinkGuard().assertInside(cwd.uri, cwd.folder.uri, cwd.shown);
    const stat = await vscode.workspace.fs.stat(cwd.uri).then(undefined, (error: unknown) => {
      throw describeFsError(error, cwd.shown);
    });
    if (!(stat.type & vscode.FileType.Directory)) throw new ToolError(`"cwd": ${cwd.shown} is not a folder.`);
    const { terminal, fresh } = this.terminalIn(cwd.uri);
    terminal.show(true);
    const integration = terminal.shellIntegration ?? (fresh ? await shellIntegrationOf(terminal, token) : undefined);
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    if (!integration) {
      terminal.sendText(request.command, true);
      return (
        `The command was sent to the terminal "${TERMINAL_NAME}" (in ${cwd.shown}), but its output and exit code ` +
        'cannot be read: shell integration is not active in that terminal. Ask the user what it printed if you need it.'
      );
    }
    this.busy = true;
    try {
      return await execute(terminal, integration, request, cwd.shown, token);
    } finally {
      this.busy = false;
    }
  }

  /** The terminal to use: ours if it is open, idle and in `cwd`; otherwise a new one there. */
  private terminalIn(cwd: vscode.Uri): { terminal: vscode.Terminal; fresh: boolean } {
    const current = this.terminal;
    if (current && current.exitStatus === undefined && !this.busy) {
      const at = current.shellIntegration?.cwd?.toString() ?? this.terminalCwd;
      if (at === cwd.toString()) return { terminal: current, fresh: false };
    }
    if (current && !this.busy) current.dispose();
    this.terminal = vscode.window.createTerminal({ name: TERMINAL_NAME, cwd, isTransient: true });
    this.terminalCwd = cwd.toString();
    return { terminal: this.terminal, fresh: true };
  }

  dispose(): void {
    this.terminal?.dispose();
  }
}

function shellIntegrationOf(
  terminal: vscode.Terminal,
  token: vscode.CancellationToken,
): Promise<vscode.TerminalShellIntegration | undefined> {
  return new Promise((resolve) => {
    const finish = (value: vscode.TerminalShellIntegration | undefined) => {
      clearTimeout(timer);
      listeners.forEach((listener) => listener.dispose());
      resolve(value);
    };
    const timer = setTimeout(() => finish(terminal.shellIntegration), SHELL_INTEGRATION_WAIT_MS);
    const listeners = [
      vscode.window.onDidChangeTerminalShellIntegration((event) => {
        if (event.terminal === terminal) finish(event.shellIntegration);
      }),
      vscode.window.onDidCloseTerminal((closed) => closed === terminal && finish(undefined)),
      token.onCancellationRequested(() => finish(undefined)),
    ];
    if (terminal.shellIntegration) finish(terminal.shellIntegration);
  });
}

async function execute(
  terminal: vscode.Terminal,
  integration: vscode.TerminalShellIntegration,
  request: Request,
  shownCwd: string,
  token: vscode.CancellationToken,
): Promise<string> {
  const output = new BoundedOutput(READ_LIMITS.maxCommandOutputChars);
  const listeners: vscode.Disposable[] = [];
  const execution = integration.executeCommand(request.command);
  // `read` must be called at once, or the first output is lost.
  const stream = execution.read();
  const ended = new Promise<Ending>((resolve) => {
    listeners.push(
      vscode.window.onDidEndTerminalShellExecution((event) => {
        if (event.execution === execution) resolve({ kind: 'ended', exitCode: event.exitCode });
      }),
    );
  });
  const other = new Promise<Ending>((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), request.timeoutSeconds * 1000);
    listeners.push(
      { dispose: () => clearTimeout(timer) },
      vscode.window.onDidCloseTerminal((closed) => closed === terminal && resolve({ kind: 'closed' })),
      token.onCancellationRequested(() => resolve({ kind: 'cancelled' })),
    );
  });
  const reading = (async () => {
    for await (const data of stream) output.add(data);
  })().catch(() => undefined);
  try {
    const end = await Promise.race([ended, other]);
    if (end.kind === 'timeout' || end.kind === 'cancelled') {
      terminal.sendText('\u0003', false);
      await Promise.race([ended, delay(INTERRUPT_GRACE_MS)]);
    }
    if (end.kind === 'cancelled') throw new vscode.CancellationError();
    await Promise.race([reading, delay(OUTPUT_GRACE_MS)]);
    return describeRun(request, shownCwd, output.text(), end);
  } finally {
    listeners.forEach((listener) => listener.dispose());
  }
}

function describeRun(request: Request, shownCwd: string, raw: string, end: Ending): string {
  const plain = plainTerminalText(raw).replace(/^\n+|\s+$/g, '');
  const { text } = capCommandOutput(plain, READ_LIMITS.maxCommandOutputChars);
  const lines = [`$ ${request.command}`, `(in ${shownCwd})`, text === '' ? '(no output)' : text];
  if (end.kind === 'ended')
    lines.push(end.exitCode === undefined ? 'The shell did not report an exit code.' : `Exit code: ${end.exitCode}`);
  else if (end.kind === 'timeout')
    lines.push(`Stopped after ${request.timeoutSeconds} s (the timeout): Ctrl+C was sent; the output so far is above.`);
  else if (end.kind === 'closed') lines.push('The terminal was closed while the command ran.');
  return lines.join('\n');
}

/** Keeps the start and the latest part of a long output, never all of it. */
class BoundedOutput {
  private head = '';
  private tail = '';
  private dropped = false;

  constructor(private readonly maxChars: number) {}

  add(data: string): void {
    if (this.head.length < this.maxChars / 4) {
      const room = Math.ceil(this.maxChars / 4) - this.head.length;
      this.head += data.slice(0, room);
      data = data.slice(room);
    }
    this.tail += data;
    if (this.tail.length > this.maxChars * 2) {
      this.tail = this.tail.slice(-this.maxChars);
      this.dropped = true;
    }
  }

  text(): string {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}\n[… output left out …]\n${this.tail.slice(-(this.maxChars - this.head.length))}`;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
