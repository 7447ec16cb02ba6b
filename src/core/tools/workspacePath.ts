/**
 * The workspace-relative path guard for tool arguments. A path comes from the model, so it is hostile until checked:
 * it may try to leave the workspace (`..`, an absolute path, a drive letter, a UNC share, a `file:` URI), hide a NUL
 * byte that some APIs cut the path at, or name a Windows device that blocks a read forever. The rules are the same on
 * every platform, so a repository's behaviour does not depend on where it is opened.
 *
 * What is accepted is a plain relative path inside one of the workspace folders; it is returned normalized (forward
 * slashes, no `.` or empty segments) with the folder it belongs to. The host joins it to that folder's URI. Symbolic
 * links inside the workspace that point outside it are the host's to check (it can resolve them; this cannot).
 */

/** The part of a workspace folder the guard needs: its name, as VS Code shows it in a multi-root workspace. */
export interface WorkspaceFolderLike {
  readonly name: string;
}

export type WorkspacePathCheck =
  | {
      readonly ok: true;
      /** Index into the folders given. */
      readonly folderIndex: number;
      /** The path inside that folder: `src/a.ts`, or `''` for the folder itself. */
      readonly relativePath: string;
      /** `relativePath` split at `/` (empty for the folder itself), ready for `Uri.joinPath`. */
      readonly segments: readonly string[];
    }
  | { readonly ok: false; readonly problem: string };

/** Windows device names: reading one of them hangs or reads a device instead of a file, with any extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
/** `c:`, `C:\x`, `c:x` (drive-relative on Windows). */
const DRIVE_LETTER = /^[a-z]:/i;
/** A URI such as `file:///x` or `vscode-remote://host/x` (a bare `name:x` is refused for its colon). */
const URI_SCHEME = /^[a-z][a-z0-9+.-]+:\//i;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Checks a workspace-relative path from a tool call and finds the folder it is in. With several folders the path
 * starts with the folder's name (`api/src/a.ts`, as VS Code's relative paths do in a multi-root workspace); with one
 * folder it never does (a leading segment named like the folder is a subfolder of that name). `allowRoot` accepts the folder itself (`.` or an empty path), as listing a folder does.
 */
export function checkWorkspacePath(
  raw: string,
  folders: readonly WorkspaceFolderLike[],
  options: { readonly allowRoot?: boolean } = {},
): WorkspacePathCheck {
  const refused = (problem: string): WorkspacePathCheck => ({ ok: false, problem });
  if (folders.length === 0) return refused('No folder is open in the workspace, so there are no files to use.');
  const shown = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
  const problem = pathSyntaxProblem(raw);
  if (problem) return refused(`The path ${shown} ${problem}`);

  let segments = raw
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  const escape = segments.find((segment) => segment === '..');
  if (escape !== undefined) return refused(`The path ${shown} leaves its folder with "..": use a path inside it.`);
  const device = segments.find((segment) => WINDOWS_DEVICE.test(segment.replace(/[. ]+$/, '')));
  if (device !== undefined) return refused(`The path ${shown} names the device "${device}", which is not a file.`);

  let folderIndex = 0;
  if (folders.length > 1) {
    const named = folders.findIndex((folder) => folder.name === segments[0]);
    if (named < 0) {
      const names = folders.map((folder) => JSON.stringify(folder.name)).join(', ');
      return refused(`The path ${shown} must start with the name of a workspace folder: ${names}.`);
    }
    folderIndex = named;
    segments = segments.slice(1);
  }
  if (segments.length === 0 && !options.allowRoot) return refused(`The path ${shown} names a folder, not a file.`);
  return { ok: true, folderIndex, relativePath: segments.join('/'), segments };
}

/** Why the text cannot be a workspace-relative path at all (before it is split), or undefined. */
function pathSyntaxProblem(raw: string): string | undefined {
  if (raw.includes('\u0000')) return 'contains a NUL character.';
  if (CONTROL_CHARACTER.test(raw)) return 'contains a control character.';
  if (raw.trim() !== raw) return 'starts or ends with white space.';
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('//')) return 'is a network (UNC) path: use a path inside the workspace.';
  if (slashed.startsWith('/')) return 'is absolute: use a path relative to the workspace folder.';
  if (DRIVE_LETTER.test(raw)) return 'starts with a drive letter: use a path relative to the workspace folder.';
  if (URI_SCHEME.test(raw)) return 'is a URI: use a path relative to the workspace folder.';
  if (slashed === '~' || slashed.startsWith('~/')) return 'starts with "~": use a path relative to the workspace.';
  // A colon is a drive or an alternate data stream on Windows: never part of a path the tools accept.
  if (raw.includes(':')) return 'contains ":", which a workspace path cannot have.';
  return undefined;
}

/**
 * Checks a glob pattern from a tool call (`src/**\/*.ts`): relative, inside the workspace. Returns the pattern with
 * forward slashes, or the problem.
 */
export function checkWorkspaceGlob(
  raw: string,
): { readonly ok: true; readonly pattern: string } | { readonly ok: false; readonly problem: string } {
  const shown = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
  if (raw.trim() === '') return { ok: false, problem: 'The pattern is empty: give a glob such as "src/**/*.ts".' };
  const problem = pathSyntaxProblem(raw);
  if (problem) return { ok: false, problem: `The pattern ${shown} ${problem}` };
  const pattern = raw.replace(/\\/g, '/');
  if (pattern.split('/').includes('..'))
    return { ok: false, problem: `The pattern ${shown} leaves the workspace with "..".` };
  return { ok: true, pattern };
}
