/**
 * What the last test before the window reload leaves open, and the test run again after it checks (see
 * `99-before-reload.test.ts`, `afterReload/` and the reload phase of runTests.ts).
 */
export const RELOAD_QUESTION = 'Before the reload: which city is the capital of Japan?';
export const RELOAD_ANSWER_PIECES = ['Tokyo. ', 'This reply was saved ', 'before the window reloaded.'];
export const RELOAD_ANSWER = RELOAD_ANSWER_PIECES.join('');

/**
 * A draft left in the composer before the reload (`99-hostile-before-reload.test.ts`): the panel keeps it in its
 * webview state, so finding it in the workbench's stored state after the reload shows that state was searched for the
 * key too (`afterReload/00-hostile-stored-state.test.ts`).
 */
export const STATE_DRAFT = 'Draft kept across the reload: hostile-corpus-state-check';

/**
 * The file (in the profile's user data dir) by which the runner tells the suite, started again by VS Code's own
 * "Reload Window", that it runs after the reload. The suite removes it when it reads it.
 */
export const AFTER_RELOAD_MARKER = 'gateway-chat-test-after-reload';

/** Whether this run of the suite is the one after the reload (and forgets the marker). */
export function takeAfterReloadMarker(
  userDataDir: string | undefined,
  fs: typeof import('node:fs'),
  path: typeof import('node:path'),
): boolean {
  if (!userDataDir) return false;
  const marker = path.join(userDataDir, AFTER_RELOAD_MARKER);
  if (!fs.existsSync(marker)) return false;
  fs.rmSync(marker, { force: true });
  return true;
}

/** The conversation with an image that the suite saves before the reload and opens again after it. */
export const IMAGE_QUESTION = 'Before the reload: what colour is the band in this picture?';
export const IMAGE_ANSWER = 'The band is white; the rest is blue.';
export const IMAGE_WIDTH = 480;
export const IMAGE_HEIGHT = 320;
