import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstAvailableTool, screenshotPlatform, stepArguments, type ScreenshotTool } from '../../core/screenshotTools';

/** How long the user has to pick an area. */
const CAPTURE_TIMEOUT_MS = 2 * 60 * 1000;

export type CaptureResult =
  | { readonly kind: 'captured'; readonly bytes: Uint8Array; readonly tool: string }
  /** The user cancelled (Escape): the tool wrote nothing. */
  | { readonly kind: 'cancelled'; readonly tool: string }
  | { readonly kind: 'noTool' }
  | { readonly kind: 'failed'; readonly tool: string; readonly message: string };

/**
 * Whether a program is on PATH, read when asked (so a changed PATH counts). On Windows, explorer and PowerShell are
 * always there.
 */
export function isOnPath(command: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  if (platform === 'win32') return true;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      // Not here.
    }
  }
  return false;
}

/** The capture tool this machine has, if any. */
export function availableScreenshotTool(): ScreenshotTool | undefined {
  return firstAvailableTool(screenshotPlatform(process.platform), (command) => isOnPath(command));
}

/** Lets the user capture an area of the screen with the platform's tool; the image comes back as bytes. */
export async function captureScreenshot(): Promise<CaptureResult> {
  const tool = availableScreenshotTool();
  if (!tool) return { kind: 'noTool' };
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'gateway-chat-shot-'));
  const file = path.join(dir, 'screenshot.png');
  try {
    if (tool.output === 'clipboard') await captureToClipboardThenFile(file);
    else {
      let geometry = '';
      for (const step of tool.steps) {
        const output = await run(step.command, stepArguments(step, file, geometry));
        if (step.printsGeometry) {
          geometry = output.trim();
          if (!geometry) return { kind: 'cancelled', tool: tool.name };
        }
      }
    }
    const bytes = await fs.promises.readFile(file).catch(() => undefined);
    if (!bytes || bytes.length === 0) return { kind: 'cancelled', tool: tool.name };
    return { kind: 'captured', bytes: new Uint8Array(bytes), tool: tool.name };
  } catch (error) {
    const bytes = await fs.promises.readFile(file).catch(() => undefined);
    // Some tools exit with an error when the selection is cancelled.
    if (!bytes || bytes.length === 0) return { kind: 'cancelled', tool: tool.name };
    return { kind: 'failed', tool: tool.name, message: error instanceof Error ? error.message : String(error) };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: CAPTURE_TIMEOUT_MS, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/**
 * Windows: the snipping overlay (`ms-screenclip:`) puts the area on the clipboard; PowerShell then saves the
 * clipboard's image as PNG. The clipboard is emptied first so an older image is not taken for the new one.
 * Best effort: waits up to the capture timeout for an image to appear.
 */
async function captureToClipboardThenFile(file: string): Promise<void> {
  const powershell = (script: string) => run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]);
  await powershell('Add-Type -AssemblyName System.Windows.Forms; [System.Windows.Forms.Clipboard]::Clear()');
  await run('explorer.exe', ['ms-screenclip:']).catch(() => undefined);
  const target = file.replace(/'/g, "''");
  const save =
    'Add-Type -AssemblyName System.Windows.Forms; Add-Type -AssemblyName System.Drawing; ' +
    `$image = [System.Windows.Forms.Clipboard]::GetImage(); if ($image) { $image.Save('${target}', [System.Drawing.Imaging.ImageFormat]::Png) }`;
  const deadline = Date.now() + CAPTURE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await powershell(save);
    if (fs.existsSync(file)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
