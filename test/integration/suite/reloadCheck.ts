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

/**
 * The edit reviews the last suite leaves open when the window reloads (files in the workspace folder): in place, one
 * waits for a decision and one is still streaming; beside the file, one waits for a decision. Each file also has an
 * unsaved edit of the user's above the proposal, so the check after the reload also sees that the reload brought the
 * unsaved buffer back.
 */
export const RELOAD_EDIT_ORIGINAL = [
  'function greet(name) {',
  "  const greeting = 'Hello';",
  "  const message = greeting + ', ' + name;",
  '  return message;',
  '}',
  '',
].join('\n');
export const RELOAD_EDIT_PROPOSAL = [
  "  const salutation = 'Hello';",
  "  const text = salutation + ', ' + name;",
  '  return text;',
];
/** The unsaved line the user typed above the proposed range before the reload. */
export const RELOAD_EDIT_USER_LINE = '// typed before the reload\n';
export const RELOAD_REVIEW_FILE = 'reload-review.txt';
export const RELOAD_STREAMING_FILE = 'reload-streaming.txt';
/** The same proposal reviewed beside the file, in VS Code's diff editor. */
export const RELOAD_BESIDE_FILE = 'reload-beside.txt';
