/**
 * What a tool call will do, in plain words, for the panel's line of the call and the approval card: a title
 * ("Read src/app.ts, lines 1–40"), the exact thing it acts on (the path, the command line, an external tool's
 * input), and for changes a preview (the diff of a proposed edit, the start of a new file). A description never
 * throws: what cannot be read for a preview leaves the preview out, and a call that cannot be understood is described
 * by its name and input. Everything passes through the redactor: the model may put in a call what it read.
 */
import * as vscode from 'vscode';
import { capPreview, PREVIEW_LIMITS, type PreviewLimits } from '../../core/tools/previewText';
import { splitLines } from '../../core/tools/textContent';
import { applyTextReplacements } from '../../core/tools/textReplacements';
import {
  checkWorkspaceToolArguments,
  type WorkspacePath,
  type WorkspaceToolRequest,
} from '../../core/tools/toolArguments';
import { formatUnifiedDiff } from '../../core/tools/unifiedDiff';
import { checkWorkspacePath } from '../../core/tools/workspacePath';
import { isReadOnlyToolName, isWorkspaceToolName, type WorkspaceToolName } from '../../core/tools/workspaceTools';
import type { ToolKind } from '../../shared/protocol';
import { LinkGuard } from './linkGuard';
import { readWorkspaceText } from './readTools';
import { resolvePath, workspaceFolders } from './workspaceUris';

export interface ToolCallDescription {
  readonly title: string;
  readonly kind: ToolKind;
  /** The exact thing: the path, the command line (with its folder and timeout), a tool's input. */
  readonly detail?: string;
  /** The unified diff of a proposed edit, or the first lines of a new file. */
  readonly preview?: string;
  /** Whether "Allow for this conversation" may be offered: never for edits, new files and commands. */
  readonly canAllowForConversation: boolean;
}

/** An external tool's input in the detail: shorter than a preview. */
const INPUT_LIMITS: PreviewLimits = { maxLines: 60, maxChars: 4000, maxLineChars: 200 };
/** A search query in a title, before it is cut (the whole query is in the detail). */
const TITLE_QUERY_CHARS = 60;

/**
 * Describes the call of tool `name`. `args` is the checked `WorkspaceToolRequest` for a workspace tool (raw
 * arguments are checked here as the turn checks them), the raw input for any other tool.
 */
export async function describeToolCall(
  name: string,
  args: unknown,
  redact: (text: string) => string = (text) => text,
  /** Set for a tool another extension gives VS Code: its name there (even one a workspace tool also has). */
  vscodeToolName?: string,
): Promise<ToolCallDescription> {
  if (vscodeToolName !== undefined) return redacted(describeInput(vscodeToolName, args, true), redact);
  let description: ToolCallDescription;
  try {
    const request = isWorkspaceToolName(name) ? workspaceRequest(name, args) : undefined;
    description = request ? await describeRequest(request) : describeInput(name, args);
  } catch {
    description = describeInput(name, args);
  }
  return redacted(description, redact);
}

/** The checked request of a workspace tool call, or undefined when its arguments do not pass the checks. */
function workspaceRequest(name: WorkspaceToolName, args: unknown): WorkspaceToolRequest | undefined {
  if (isCheckedRequest(name, args)) return args;
  const checked = checkWorkspaceToolArguments(name, args, { folders: workspaceFolders() });
  return checked.ok ? checked.value : undefined;
}

/**
 * A request as the argument checks return it. Raw arguments are objects too, so its paths are checked again: a
 * description must never read outside the workspace for a preview.
 */
function isCheckedRequest(name: WorkspaceToolName, args: unknown): args is WorkspaceToolRequest {
  if (typeof args !== 'object' || args === null || (args as { tool?: unknown }).tool !== name) return false;
  const fields = args as Record<string, unknown>;
  return ['path', 'cwd'].every((field) => fields[field] === undefined || isCheckedPath(fields[field]));
}

function isCheckedPath(value: unknown): value is WorkspacePath {
  if (typeof value !== 'object' || value === null) return false;
  const { folderIndex, relativePath, segments } = value as Record<string, unknown>;
  const folders = workspaceFolders();
  const folder = typeof folderIndex === 'number' ? folders[folderIndex] : undefined;
  if (!folder || typeof relativePath !== 'string' || !Array.isArray(segments)) return false;
  if (segments.join('/') !== relativePath) return false;
  const written = folders.length > 1 ? `${folder.name}/${relativePath}` : relativePath;
  const check = checkWorkspacePath(written === '' ? '.' : written, folders, { allowRoot: true });
  return check.ok && check.folderIndex === folderIndex && check.relativePath === relativePath;
}

async function describeRequest(request: WorkspaceToolRequest): Promise<ToolCallDescription> {
  const read = (title: string, detail?: string): ToolCallDescription => ({
    title,
    kind: 'read',
    canAllowForConversation: true,
    ...(detail ? { detail } : {}),
  });
  switch (request.tool) {
    case 'read_file': {
      const path = shown(request.path);
      const { startLine, endLine } = request;
      if (startLine !== undefined && endLine !== undefined)
        return read(vscode.l10n.t('Read {0}, lines {1}–{2}', path, startLine, endLine));
      if (startLine !== undefined && startLine > 1)
        return read(vscode.l10n.t('Read {0} from line {1}', path, startLine));
      if (endLine !== undefined) return read(vscode.l10n.t('Read {0}, lines 1–{1}', path, endLine));
      return read(vscode.l10n.t('Read {0}', path));
    }
    case 'list_folder':
      if (request.path.relativePath === '' && workspaceFolders().length <= 1)
        return read(vscode.l10n.t('List the workspace folder'));
      return read(vscode.l10n.t('List the folder {0}', shown(request.path)));
    case 'find_files':
      return read(vscode.l10n.t('Find files matching {0}', request.pattern));
    case 'search_text': {
      const cut = request.query.length > TITLE_QUERY_CHARS;
      const query = cut ? `${request.query.slice(0, TITLE_QUERY_CHARS)}…` : request.query;
      const title = request.isRegex
        ? vscode.l10n.t('Search the workspace for the pattern {0}', query)
        : vscode.l10n.t('Search the workspace for "{0}"', query);
      const options = [
        ...(request.isRegex ? [vscode.l10n.t('regular expression')] : []),
        ...(request.caseSensitive ? [vscode.l10n.t('case-sensitive')] : []),
        ...(request.include !== undefined ? [vscode.l10n.t('in files matching {0}', request.include)] : []),
      ];
      const detail = [...(cut ? [request.query] : []), ...(options.length > 0 ? [options.join(' · ')] : [])];
      return read(title, detail.join('\n'));
    }
    case 'get_problems':
      return read(
        request.path
          ? vscode.l10n.t('Read the problems of {0}', shown(request.path))
          : vscode.l10n.t('Read the problems of the workspace'),
      );
    case 'get_active_editor':
      return read(vscode.l10n.t('Read the active editor and its selection'));
    case 'get_open_editors':
      return read(vscode.l10n.t('List the open editors'));
    case 'get_git_diff': {
      const whole = !request.path || (request.path.relativePath === '' && workspaceFolders().length <= 1);
      const path = request.path && !whole ? shown(request.path) : undefined;
      if (request.staged)
        return read(
          path
            ? vscode.l10n.t('Read the staged git changes of {0}', path)
            : vscode.l10n.t('Read the staged git changes'),
        );
      return read(
        path
          ? vscode.l10n.t('Read the git changes of {0}', path)
          : vscode.l10n.t('Read the git changes of the working tree'),
      );
    }
    case 'propose_edit': {
      const path = shown(request.path);
      const count = request.edits.length;
      const preview = await editPreview(request);
      return {
        title:
          count === 1
            ? vscode.l10n.t('Edit {0} (1 change)', path)
            : vscode.l10n.t('Edit {0} ({1} changes)', path, count),
        kind: 'edit',
        detail: path,
        ...(preview ? { preview } : {}),
        canAllowForConversation: false,
      };
    }
    case 'create_file': {
      const path = shown(request.path);
      return {
        title: vscode.l10n.t('Create {0}', path),
        kind: 'create',
        detail: path,
        preview: request.content === '' ? vscode.l10n.t('(an empty file)') : capped(splitLines(request.content)),
        canAllowForConversation: false,
      };
    }
    case 'run_terminal_command':
      return {
        title: vscode.l10n.t('Run a command in the terminal'),
        kind: 'command',
        // The whole command, never cut: the user allows exactly what runs.
        detail: `${request.command}\n${vscode.l10n.t('In {0}, stopped after {1} s', folderShown(request.cwd), request.timeoutSeconds)}`,
        canAllowForConversation: false,
      };
  }
}

/** The unified diff of the file before and after the edits, read as the tools read it; none when that fails. */
async function editPreview(
  request: Extract<WorkspaceToolRequest, { tool: 'propose_edit' }>,
): Promise<string | undefined> {
  try {
    const target = resolvePath(request.path);
    const { text } = await readWorkspaceText(target, new LinkGuard(), 'edit');
    const applied = applyTextReplacements(text, request.edits);
    if (!applied.ok) return undefined;
    const diff = formatUnifiedDiff(target.shown, text, applied.text);
    return diff.length > 0 ? capped(diff) : undefined;
  } catch {
    return undefined;
  }
}

/** A call described by its name and input: another extension's tool, or a workspace tool whose arguments fail. */
function describeInput(name: string, args: unknown, external = false): ToolCallDescription {
  const input = prettyInput(args);
  const known = !external && isWorkspaceToolName(name);
  return {
    title: vscode.l10n.t('Use the tool {0}', name),
    kind: known ? workspaceToolKind(name) : 'external',
    ...(input ? { detail: capped(input.split('\n'), INPUT_LIMITS) } : {}),
    canAllowForConversation: known ? isReadOnlyToolName(name) : true,
  };
}

function workspaceToolKind(name: WorkspaceToolName): ToolKind {
  if (name === 'propose_edit') return 'edit';
  if (name === 'create_file') return 'create';
  if (name === 'run_terminal_command') return 'command';
  return 'read';
}

function prettyInput(args: unknown): string | undefined {
  if (args === undefined) return undefined;
  if (typeof args === 'string') {
    // Arguments that were not JSON reach here as the model wrote them.
    try {
      return JSON.stringify(JSON.parse(args), null, 2);
    } catch {
      return args;
    }
  }
  try {
    return JSON.stringify(args, null, 2);
  } catch {
    return String(args);
  }
}

function shown(path: WorkspacePath): string {
  return resolvePath(path).shown;
}

/** A folder as the user knows it: a workspace folder by its name rather than ".". */
function folderShown(path: WorkspacePath): string {
  const resolved = resolvePath(path);
  return resolved.relativePath === '' ? resolved.folder.name : resolved.shown;
}

function capped(lines: readonly string[], limits: PreviewLimits = PREVIEW_LIMITS): string {
  const preview = capPreview(lines, limits);
  if (preview.moreLines === 0) return preview.text;
  const more =
    preview.moreLines === 1 ? vscode.l10n.t('… 1 more line') : vscode.l10n.t('… {0} more lines', preview.moreLines);
  return preview.text === '' ? more : `${preview.text}\n${more}`;
}

function redacted(description: ToolCallDescription, redact: (text: string) => string): ToolCallDescription {
  const mask = (text: string) => {
    try {
      return redact(text);
    } catch {
      return '';
    }
  };
  return {
    title: mask(description.title),
    kind: description.kind,
    ...(description.detail !== undefined ? { detail: mask(description.detail) } : {}),
    ...(description.preview !== undefined ? { preview: mask(description.preview) } : {}),
    canAllowForConversation: description.canAllowForConversation,
  };
}
