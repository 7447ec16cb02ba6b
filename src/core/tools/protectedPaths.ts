/**
 * Files a tool may never propose to change or create, even with the user's review: the ones that configure the
 * editor or run code by themselves. A prompt injection that gets an edit of `.vscode/settings.json` accepted can turn
 * on auto-approval or point a task at a script (CVE-2025-53773 did exactly that to another extension); a git hook runs
 * on the next commit. The user can still edit these files themselves; the model is told to say what to change.
 */

/** Folders (at any depth, any case) whose files run or configure things. */
const PROTECTED_FOLDERS = ['.vscode', '.git', '.devcontainer', '.husky'];

/**
 * Why a tool may not write `relativePath` (workspace-relative, forward slashes), or undefined when it may. Case is
 * ignored: on Windows and macOS `.VSCode/Settings.json` is the same file.
 */
export function protectedPathReason(relativePath: string): string | undefined {
  const segments = relativePath.toLowerCase().split('/');
  const folder = segments.slice(0, -1).find((segment) => PROTECTED_FOLDERS.includes(segment.replace(/[. ]+$/, '')));
  const name = (segments.at(-1) ?? '').replace(/[. ]+$/, '');
  if (folder)
    return (
      `Refused: files in ${folder}/ configure the editor or run code by themselves, so tools may not change them. ` +
      'Tell the user what to change there instead.'
    );
  if (name.endsWith('.code-workspace'))
    return (
      'Refused: a .code-workspace file holds editor settings, so tools may not change it. ' +
      'Tell the user what to change there instead.'
    );
  return undefined;
}
