/**
 * Checks the arguments of a workspace tool call and turns them into typed values, paths already through the
 * workspace guard. The arguments come from the model: every field is checked, and a problem is one sentence the
 * model can act on (it is sent back as the tool's answer, and the model usually calls again, correctly).
 */
import { protectedPathReason } from './protectedPaths';
import { checkWorkspaceGlob, checkWorkspacePath, type WorkspaceFolderLike } from './workspacePath';
import { TOOL_LIMITS, toolParameterNames, type WorkspaceToolName } from './workspaceTools';

/** A path the guard accepted: the folder it is in and the path inside it. */
export interface WorkspacePath {
  readonly folderIndex: number;
  /** `src/a.ts`; `''` for the folder itself. */
  readonly relativePath: string;
  readonly segments: readonly string[];
}

export interface TextReplacement {
  readonly oldText: string;
  readonly newText: string;
}

/** A workspace tool call with checked arguments; `tool` says which. */
export type WorkspaceToolRequest =
  | { readonly tool: 'read_file'; readonly path: WorkspacePath; readonly startLine?: number; readonly endLine?: number }
  | { readonly tool: 'list_folder'; readonly path: WorkspacePath }
  | { readonly tool: 'find_files'; readonly pattern: string; readonly maxResults: number }
  | {
      readonly tool: 'search_text';
      readonly query: string;
      readonly isRegex: boolean;
      readonly caseSensitive: boolean;
      readonly include?: string;
      readonly maxResults: number;
    }
  | { readonly tool: 'get_problems'; readonly path?: WorkspacePath }
  | { readonly tool: 'get_active_editor' }
  | { readonly tool: 'get_open_editors' }
  | { readonly tool: 'get_git_diff'; readonly path?: WorkspacePath; readonly staged: boolean }
  | { readonly tool: 'propose_edit'; readonly path: WorkspacePath; readonly edits: readonly TextReplacement[] }
  | { readonly tool: 'create_file'; readonly path: WorkspacePath; readonly content: string }
  | {
      readonly tool: 'run_terminal_command';
      readonly command: string;
      readonly cwd: WorkspacePath;
      readonly timeoutSeconds: number;
    };

export type ArgumentCheck<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** What checking arguments needs to know about the workspace. */
export interface ToolArgumentContext {
  readonly folders: readonly WorkspaceFolderLike[];
}

/** Thrown inside the checks and caught at the top: the first problem found is the answer. */
class ArgumentProblem extends Error {}

/** Checks the (already JSON-parsed) arguments of a call to workspace tool `tool`. */
export function checkWorkspaceToolArguments(
  tool: WorkspaceToolName,
  args: unknown,
  context: ToolArgumentContext,
): ArgumentCheck<WorkspaceToolRequest> {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return { ok: false, problem: `The arguments of ${tool} must be a JSON object.` };
  try {
    return { ok: true, value: readRequest(tool, new Fields(tool, args as Record<string, unknown>, context)) };
  } catch (error) {
    if (error instanceof ArgumentProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

function readRequest(tool: WorkspaceToolName, f: Fields): WorkspaceToolRequest {
  switch (tool) {
    case 'read_file': {
      const path = f.path('path');
      const startLine = f.integer('start_line', { min: 1 });
      const endLine = f.integer('end_line', { min: 1 });
      const first = startLine ?? 1;
      if (endLine !== undefined && endLine < first)
        throw new ArgumentProblem(`"end_line" (${endLine}) comes before "start_line" (${first}).`);
      if (endLine !== undefined && endLine - first + 1 > TOOL_LIMITS.maxReadLines)
        throw new ArgumentProblem(`Read at most ${TOOL_LIMITS.maxReadLines} lines per call: ask for a smaller range.`);
      return {
        tool,
        path,
        ...(startLine !== undefined ? { startLine } : {}),
        ...(endLine !== undefined ? { endLine } : {}),
      };
    }
    case 'list_folder':
      return { tool, path: f.path('path', { optional: true, allowRoot: true }) ?? f.root() };
    case 'find_files':
      return {
        tool,
        pattern: f.glob('pattern'),
        maxResults:
          f.integer('max_results', { min: 1, max: TOOL_LIMITS.maxFindResults }) ?? TOOL_LIMITS.defaultFindResults,
      };
    case 'search_text': {
      const query = f.string('query', { nonEmpty: true, maxChars: TOOL_LIMITS.maxSearchQueryChars });
      const isRegex = f.boolean('is_regex') ?? false;
      if (isRegex) {
        try {
          new RegExp(query, 'u');
        } catch (error) {
          throw new ArgumentProblem(`"query" is not a valid regular expression: ${(error as Error).message}`);
        }
      }
      const include = f.has('include') ? f.glob('include') : undefined;
      return {
        tool,
        query,
        isRegex,
        caseSensitive: f.boolean('case_sensitive') ?? false,
        ...(include !== undefined ? { include } : {}),
        maxResults:
          f.integer('max_results', { min: 1, max: TOOL_LIMITS.maxSearchResults }) ?? TOOL_LIMITS.defaultSearchResults,
      };
    }
    case 'get_problems': {
      const path = f.path('path', { optional: true });
      return path ? { tool, path } : { tool };
    }
    case 'get_active_editor':
    case 'get_open_editors':
      return { tool };
    case 'get_git_diff': {
      const path = f.path('path', { optional: true, allowRoot: true });
      return { tool, ...(path ? { path } : {}), staged: f.boolean('staged') ?? false };
    }
    case 'propose_edit':
      return { tool, path: f.writablePath('path'), edits: f.edits('edits') };
    case 'create_file':
      return { tool, path: f.writablePath('path'), content: f.string('content') };
    case 'run_terminal_command':
      return {
        tool,
        command: f.string('command', { nonEmpty: true, maxChars: TOOL_LIMITS.maxCommandChars }),
        cwd: f.path('cwd', { optional: true, allowRoot: true }) ?? f.root(),
        timeoutSeconds:
          f.integer('timeout_seconds', { min: 1, max: TOOL_LIMITS.maxCommandTimeoutSeconds }) ??
          TOOL_LIMITS.defaultCommandTimeoutSeconds,
      };
  }
}

/** Reads one call's fields; every reader throws `ArgumentProblem` with a sentence naming the field. */
class Fields {
  constructor(
    private readonly tool: WorkspaceToolName,
    private readonly args: Record<string, unknown>,
    private readonly context: ToolArgumentContext,
  ) {}

  /** A path a tool may write: through the workspace guard, and not one of the protected files. */
  writablePath(name: string): WorkspacePath {
    const path = this.path(name);
    const reason = protectedPathReason(path.relativePath);
    if (reason) throw new ArgumentProblem(reason);
    return path;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.args, name) && this.args[name] !== undefined && this.args[name] !== null;
  }

  string(name: string, options: { nonEmpty?: boolean; maxChars?: number } = {}): string {
    const value = this.required(name);
    if (typeof value !== 'string') throw new ArgumentProblem(`"${name}" must be a string, not ${describe(value)}.`);
    if (options.nonEmpty && value.trim() === '') throw new ArgumentProblem(`"${name}" is empty.`);
    if (options.maxChars !== undefined && value.length > options.maxChars)
      throw new ArgumentProblem(`"${name}" is longer than ${options.maxChars} characters.`);
    return value;
  }

  integer(name: string, range: { min: number; max?: number }): number | undefined {
    if (!this.has(name)) return undefined;
    const raw = this.args[name];
    // Models often quote numbers ("12"); a whole number in a string means the same.
    const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    const limits = range.max !== undefined ? `from ${range.min} to ${range.max}` : `of at least ${range.min}`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > (range.max ?? Infinity))
      throw new ArgumentProblem(`"${name}" must be a whole number ${limits}, not ${describe(raw)}.`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const value = this.args[name];
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new ArgumentProblem(`"${name}" must be true or false, not ${describe(value)}.`);
  }

  path(name: string, options?: { optional?: false; allowRoot?: boolean }): WorkspacePath;
  path(name: string, options: { optional: true; allowRoot?: boolean }): WorkspacePath | undefined;
  path(name: string, options: { optional?: boolean; allowRoot?: boolean } = {}): WorkspacePath | undefined {
    if (options.optional && !this.has(name)) return undefined;
    const raw = this.string(name);
    // An empty path or "." for an optional one means what leaving it out means (the whole workspace).
    if (options.optional && (raw.trim() === '' || raw === '.')) return undefined;
    const checked = checkWorkspacePath(raw, this.context.folders, { allowRoot: options.allowRoot === true });
    if (!checked.ok) throw new ArgumentProblem(`"${name}": ${checked.problem}`);
    return { folderIndex: checked.folderIndex, relativePath: checked.relativePath, segments: checked.segments };
  }

  /** The first workspace folder itself, for a path left out (listing, a command's working folder). */
  root(): WorkspacePath {
    if (this.context.folders.length === 0)
      throw new ArgumentProblem('No folder is open in the workspace, so there are no files to use.');
    return { folderIndex: 0, relativePath: '', segments: [] };
  }

  glob(name: string): string {
    const checked = checkWorkspaceGlob(this.string(name));
    if (!checked.ok) throw new ArgumentProblem(`"${name}": ${checked.problem}`);
    return checked.pattern;
  }

  edits(name: string): TextReplacement[] {
    const value = this.required(name);
    if (!Array.isArray(value) || value.length === 0)
      throw new ArgumentProblem(`"${name}" must be a non-empty list of {"old_text", "new_text"} objects.`);
    if (value.length > TOOL_LIMITS.maxEditsPerCall)
      throw new ArgumentProblem(`"${name}" has more than ${TOOL_LIMITS.maxEditsPerCall} edits: split the change.`);
    return value.map((item, index) => {
      const edit = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
      const oldText = edit.old_text;
      const newText = edit.new_text;
      if (typeof oldText !== 'string' || typeof newText !== 'string')
        throw new ArgumentProblem(`"${name}[${index}]" must have "old_text" and "new_text" strings.`);
      if (oldText === '')
        throw new ArgumentProblem(`"${name}[${index}].old_text" is empty: quote the text to replace.`);
      return { oldText, newText };
    });
  }

  private required(name: string): unknown {
    if (this.has(name)) return this.args[name];
    const known = new Set(toolParameterNames(this.tool));
    const unexpected = Object.keys(this.args).filter((key) => !known.has(key));
    const hint = unexpected.length > 0 ? ` (it got ${unexpected.map((key) => `"${key}"`).join(', ')} instead)` : '';
    throw new ArgumentProblem(`${this.tool} needs "${name}"${hint}.`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
