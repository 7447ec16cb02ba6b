import type { CaptureResult } from './screenshot';

/**
 * VS Code for the Web (the `browser` build uses this file in place of `screenshot.ts`): a web worker cannot run the
 * platform's capture tools, so there is never one; the user is offered the file picker instead.
 */
export function captureScreenshot(): Promise<CaptureResult> {
  return Promise.resolve({ kind: 'noTool' });
}
