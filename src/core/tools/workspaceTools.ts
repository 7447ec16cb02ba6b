/**
 * The tools Gateway Chat offers the model, as the JSON-schema definitions the API takes. Read-only tools look at the
 * workspace; acting tools change it (always through the user's review) or run a command, and are always asked about.
 * The descriptions are written for the model: they say what a tool returns and the limits it will meet, so that it
 * calls tools well the first time instead of learning the limits from errors.
 */
import type { ToolDefinition } from '../chatTypes';

export const READ_ONLY_TOOL_NAMES = [
  'read_file',
  'list_folder',
  'find_files',
  'search_text',
  'get_problems',
  'get_active_editor',
  'get_open_editors',
  'get_git_diff',
] as const;

export const ACTING_TOOL_NAMES = ['propose_edit', 'create_file', 'run_terminal_command'] as const;

export type ReadOnlyToolName = (typeof READ_ONLY_TOOL_NAMES)[number];
export type ActingToolName = (typeof ACTING_TOOL_NAMES)[number];
export type WorkspaceToolName = ReadOnlyToolName | ActingToolName;

/** The limits the argument checks enforce and the descriptions announce (one place, so they cannot disagree). */
export const TOOL_LIMITS = {
  /** Lines one `read_file` call may ask for; the host also caps the bytes it reads. */
  maxReadLines: 2000,
  defaultFindResults: 100,
  maxFindResults: 1000,
  defaultSearchResults: 50,
  maxSearchResults: 500,
  maxSearchQueryChars: 1000,
  defaultCommandTimeoutSeconds: 60,
  maxCommandTimeoutSeconds: 600,
  maxCommandChars: 10_000,
  maxEditsPerCall: 50,
} as const;

export function isWorkspaceToolName(name: string): name is WorkspaceToolName {
  return isReadOnlyToolName(name) || (ACTING_TOOL_NAMES as readonly string[]).includes(name);
}

export function isReadOnlyToolName(name: string): name is ReadOnlyToolName {
  return (READ_ONLY_TOOL_NAMES as readonly string[]).includes(name);
}

const PATH_RULE =
  'Paths are relative to the workspace folder (in a workspace of several folders, they start with the folder name), ' +
  'with forward slashes; absolute paths and ".." are refused.';

const PROTECTED_RULE =
  'Files in .vscode/, .git/, .devcontainer/ and .husky/ folders and .code-workspace files are refused: ' +
  'say what to change there instead.';

type PropertySchema = Readonly<Record<string, unknown>>;

function objectSchema(properties: Record<string, PropertySchema>, required: readonly string[] = []) {
  return { type: 'object', properties, required: [...required], additionalProperties: false };
}

function define(name: WorkspaceToolName, description: string, parameters: Record<string, unknown>): ToolDefinition {
  return { type: 'function', function: { name, description, parameters } };
}

const path = (what: string): PropertySchema => ({ type: 'string', description: `${what} ${PATH_RULE}` });

const DEFINITIONS: Readonly<Record<WorkspaceToolName, ToolDefinition>> = {
  read_file: define(
    'read_file',
    `Reads a text file of the workspace, whole or a range of lines (1-based, inclusive; at most ${TOOL_LIMITS.maxReadLines} ` +
      'lines per call). Returns the lines with their numbers. Binary files are refused; very large files are cut off, ' +
      'with a note saying so: read them in ranges.',
    objectSchema(
      {
        path: path('The file to read.'),
        start_line: { type: 'integer', minimum: 1, description: 'First line to read (default 1).' },
        end_line: { type: 'integer', minimum: 1, description: 'Last line to read (default: the end of the file).' },
      },
      ['path'],
    ),
  ),
  list_folder: define(
    'list_folder',
    'Lists the files and folders directly inside a folder of the workspace (folders end with "/").',
    objectSchema({ path: path('The folder to list; "." or leave out for the workspace folder.') }),
  ),
  find_files: define(
    'find_files',
    'Finds workspace files whose path matches a glob pattern, such as "src/**/*.ts" or "**/package.json". Files the ' +
      'user excluded (files.exclude, search.exclude, .gitignore) are left out.',
    objectSchema(
      {
        pattern: { type: 'string', description: `A glob pattern. ${PATH_RULE}` },
        max_results: {
          type: 'integer',
          minimum: 1,
          maximum: TOOL_LIMITS.maxFindResults,
          description: `How many paths to return at most (default ${TOOL_LIMITS.defaultFindResults}).`,
        },
      },
      ['pattern'],
    ),
  ),
  search_text: define(
    'search_text',
    'Searches the text of the workspace files for a string or a regular expression and returns the matching lines ' +
      'with their paths and line numbers. Excluded and ignored files are left out.',
    objectSchema(
      {
        query: { type: 'string', description: 'The text (or regular expression) to look for.' },
        is_regex: { type: 'boolean', description: 'Treat the query as a regular expression (default false).' },
        case_sensitive: { type: 'boolean', description: 'Match upper and lower case exactly (default false).' },
        include: { type: 'string', description: `Only search files matching this glob pattern. ${PATH_RULE}` },
        max_results: {
          type: 'integer',
          minimum: 1,
          maximum: TOOL_LIMITS.maxSearchResults,
          description: `How many matching lines to return at most (default ${TOOL_LIMITS.defaultSearchResults}).`,
        },
      },
      ['query'],
    ),
  ),
  get_problems: define(
    'get_problems',
    'Returns the problems (errors, warnings) VS Code reports for one file, or for the whole workspace when no path is ' +
      'given, with their line numbers and sources.',
    objectSchema({ path: path('The file whose problems to return; leave out for the whole workspace.') }),
  ),
  get_active_editor: define(
    'get_active_editor',
    'Returns the file open in the active editor, its language and the selected lines and text, if any.',
    objectSchema({}),
  ),
  get_open_editors: define('get_open_editors', 'Lists the files open in editor tabs.', objectSchema({})),
  get_git_diff: define(
    'get_git_diff',
    'Returns the git diff of the working tree (uncommitted changes), for one file or the whole repository.',
    objectSchema({
      path: path('Only the changes of this file or folder; leave out for all changes.'),
      staged: { type: 'boolean', description: 'The staged changes instead of the unstaged ones (default false).' },
    }),
  ),
  propose_edit: define(
    'propose_edit',
    'Proposes changes to an existing file. Each edit replaces one exact piece of the current text (old_text must ' +
      'appear exactly once in the file; include enough surrounding lines to make it unique) with new_text. The user ' +
      'reviews the changes and accepts or rejects each; nothing is written before that. Returns what the user decided. ' +
      PROTECTED_RULE,
    objectSchema(
      {
        path: path('The file to change.'),
        edits: {
          type: 'array',
          minItems: 1,
          maxItems: TOOL_LIMITS.maxEditsPerCall,
          items: objectSchema(
            {
              old_text: { type: 'string', description: 'The exact text to replace, as it is in the file now.' },
              new_text: { type: 'string', description: 'The text to put in its place.' },
            },
            ['old_text', 'new_text'],
          ),
        },
      },
      ['path', 'edits'],
    ),
  ),
  create_file: define(
    'create_file',
    'Proposes a new file with the given content. The user reviews it before it is created; an existing file is ' +
      'never overwritten (use propose_edit for that). Returns what the user decided. ' +
      PROTECTED_RULE,
    objectSchema({ path: path('The file to create.'), content: { type: 'string' } }, ['path', 'content']),
  ),
  run_terminal_command: define(
    'run_terminal_command',
    'Runs one shell command in a VS Code terminal, after the user has seen and allowed it, and returns its output ' +
      `and exit code. It is stopped after the timeout (default ${TOOL_LIMITS.defaultCommandTimeoutSeconds} s).`,
    objectSchema(
      {
        command: { type: 'string', description: 'The command line to run.' },
        cwd: path('The folder to run it in (default: the workspace folder).'),
        timeout_seconds: {
          type: 'integer',
          minimum: 1,
          maximum: TOOL_LIMITS.maxCommandTimeoutSeconds,
          description: `Seconds before the command is stopped (default ${TOOL_LIMITS.defaultCommandTimeoutSeconds}).`,
        },
      },
      ['command'],
    ),
  ),
};

/**
 * The definitions to offer: the read-only tools, and the acting ones unless `acting` is false (Restricted Mode and
 * virtual workspaces, where nothing may be changed or run).
 */
export function workspaceToolDefinitions(options: { readonly acting: boolean }): ToolDefinition[] {
  const names: readonly WorkspaceToolName[] = options.acting
    ? [...READ_ONLY_TOOL_NAMES, ...ACTING_TOOL_NAMES]
    : READ_ONLY_TOOL_NAMES;
  return names.map((name) => DEFINITIONS[name]);
}

/** The parameter names of a workspace tool, as its schema lists them. */
export function toolParameterNames(name: WorkspaceToolName): string[] {
  const properties = DEFINITIONS[name].function.parameters?.properties;
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
}
