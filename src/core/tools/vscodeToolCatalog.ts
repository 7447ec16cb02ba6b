/**
 * The tools other extensions give VS Code (`vscode.lm.tools`, MCP servers' tools among them), as Chat Completions tool
 * definitions. Pure: the host hands over what VS Code lists, and gets back what to offer, the way back from the name
 * the model calls to the tool's name in VS Code, and what was left out and why (for the log).
 *
 * Which tools: those an extension declares in its package.json (`contributes.languageModelTools`) and those of MCP
 * servers (VS Code tags them `mcp`). VS Code's own chat tools (the agent's terminal, tasks, inline chat…, which VS Code
 * lists too, without tags and contributed by no extension) and the tools of VS Code's and Copilot's chat (their names
 * and tags start with `vscode_` or `copilot_`, prefixes VS Code refuses from any other extension) belong to that chat:
 * they are not offered.
 *
 * Names: the API takes `^[A-Za-z0-9_-]{1,64}$`, and our own workspace tools keep theirs. A name that is valid and free
 * stays as it is; any other is made valid and gets a suffix from a hash of the real name. The mapping depends only on
 * the names, so a call recorded in a conversation maps to the same tool on a later turn.
 */
import type { ToolDefinition } from '../chatTypes';
import type { TurnToolbox } from '../turn/turnTypes';

/** What VS Code says of a tool (`LanguageModelToolInformation`). */
export interface VscodeToolInfo {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: unknown;
  readonly tags: readonly string[];
}

export const VSCODE_TOOL_LIMITS = {
  /** A tool whose input schema is larger than this (as JSON, UTF-8) is not offered: every request would carry it. */
  maxSchemaBytes: 16 * 1024,
  /** A longer description is cut. */
  maxDescriptionChars: 4000,
  /** Tools offered at most (the API takes 128 per request, and the workspace tools need room too). */
  maxTools: 100,
} as const;

export const VALID_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Prefixes VS Code keeps for its own chat and for Copilot (in tool names and tags). */
const RESERVED_PREFIXES = ['vscode_', 'copilot_'] as const;
/** The tag VS Code gives the tools of MCP servers. */
const MCP_TAG = 'mcp';

export type LeftOutReason =
  /** VS Code's own chat tool or Copilot's: they belong to that chat. */
  | 'otherChat'
  | 'schemaTooLarge'
  /** The schema does not describe an object (the API's `parameters` must). */
  | 'schemaNotObject'
  /** The schema cannot be written as JSON (a cycle, a BigInt…). */
  | 'schemaInvalid'
  | 'tooMany';

export interface LeftOutTool {
  readonly name: string;
  readonly reason: LeftOutReason;
  /** The schema's size in bytes, for `schemaTooLarge`. */
  readonly bytes?: number;
}

export interface VscodeToolCatalog {
  /** In a stable order (by name as offered). */
  readonly definitions: readonly ToolDefinition[];
  /** The name the model calls → the tool's name in VS Code. */
  readonly realNames: ReadonlyMap<string, string>;
  readonly leftOut: readonly LeftOutTool[];
}

export interface VscodeToolCatalogOptions {
  /** Names an offered tool must not take (the workspace tools'). */
  readonly reservedNames: Iterable<string>;
  /** Tool names the installed extensions declare in their package.json. */
  readonly contributedNames: ReadonlySet<string>;
  readonly limits?: Partial<typeof VSCODE_TOOL_LIMITS>;
}

export function buildVscodeToolCatalog(
  tools: readonly VscodeToolInfo[],
  options: VscodeToolCatalogOptions,
): VscodeToolCatalog {
  const limits = { ...VSCODE_TOOL_LIMITS, ...options.limits };
  const leftOut: LeftOutTool[] = [];
  const usable: { info: VscodeToolInfo; parameters: Record<string, unknown> }[] = [];
  const seen = new Set<string>();
  for (const info of tools) {
    if (typeof info.name !== 'string' || !info.name || seen.has(info.name)) continue;
    seen.add(info.name);
    if (!isOfferedKind(info, options.contributedNames)) {
      leftOut.push({ name: info.name, reason: 'otherChat' });
      continue;
    }
    const schema = checkToolSchema(info.inputSchema, limits.maxSchemaBytes);
    if (!schema.ok) {
      leftOut.push({ name: info.name, reason: schema.reason, ...(schema.bytes ? { bytes: schema.bytes } : {}) });
      continue;
    }
    usable.push({ info, parameters: schema.parameters });
  }
  usable.sort((a, b) => compare(a.info.name, b.info.name));
  for (const { info } of usable.splice(limits.maxTools)) leftOut.push({ name: info.name, reason: 'tooMany' });

  const callNames = mapToolNames(
    usable.map(({ info }) => info.name),
    new Set(options.reservedNames),
  );
  const realNames = new Map<string, string>();
  const definitions = usable.map(({ info, parameters }) => {
    const name = callNames.get(info.name) as string;
    realNames.set(name, info.name);
    const description = boundedDescription(info.description, limits.maxDescriptionChars);
    return {
      type: 'function',
      function: { name, ...(description ? { description } : {}), parameters },
    } satisfies ToolDefinition;
  });
  definitions.sort((a, b) => compare(a.function.name, b.function.name));
  return { definitions, realNames, leftOut };
}

/**
 * The catalog as a turn's toolbox: every call is asked about, unless the user allowed that tool (by the name the model
 * calls) for the conversation. The arguments are passed on as they are: VS Code checks them against the tool's schema
 * when it is invoked, and a refusal comes back as the tool's error.
 */
export function vscodeCatalogToolbox(
  catalog: VscodeToolCatalog,
  allowedForConversation?: ReadonlySet<string>,
): TurnToolbox {
  return {
    definitions: catalog.definitions,
    checkArguments(name, args) {
      if (!catalog.realNames.has(name)) return { ok: false, problem: `There is no tool named "${name}".` };
      return { ok: true, value: args };
    },
    needsApproval: (name) => !allowedForConversation?.has(name),
  };
}

/** Whether a tool is one another extension or an MCP server gives VS Code, and not VS Code's or Copilot's own. */
export function isOfferedKind(info: VscodeToolInfo, contributedNames: ReadonlySet<string>): boolean {
  const tags = Array.isArray(info.tags) ? info.tags.filter((tag): tag is string => typeof tag === 'string') : [];
  if (isReserved(info.name) || tags.some(isReserved)) return false;
  return contributedNames.has(info.name) || tags.includes(MCP_TAG);
}

function isReserved(name: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export type SchemaCheck =
  | { readonly ok: true; readonly parameters: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly reason: 'schemaTooLarge' | 'schemaNotObject' | 'schemaInvalid';
      readonly bytes?: number;
    };

/**
 * A tool's input schema as the `parameters` of its definition: a copy made of JSON, describing an object. No schema
 * means no arguments (`{type: 'object', properties: {}}`); a schema without a `type` gets `object`.
 */
export function checkToolSchema(schema: unknown, maxBytes: number = VSCODE_TOOL_LIMITS.maxSchemaBytes): SchemaCheck {
  if (schema === undefined || schema === null) return { ok: true, parameters: { type: 'object', properties: {} } };
  if (typeof schema !== 'object' || Array.isArray(schema)) return { ok: false, reason: 'schemaNotObject' };
  let json: string | undefined;
  try {
    json = JSON.stringify(schema);
  } catch {
    return { ok: false, reason: 'schemaInvalid' };
  }
  if (json === undefined) return { ok: false, reason: 'schemaInvalid' };
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > maxBytes) return { ok: false, reason: 'schemaTooLarge', bytes };
  const parameters = JSON.parse(json) as Record<string, unknown>;
  if (parameters.type === undefined) {
    return {
      ok: true,
      parameters: { type: 'object', ...(parameters.properties ? {} : { properties: {} }), ...parameters },
    };
  }
  if (parameters.type !== 'object') return { ok: false, reason: 'schemaNotObject' };
  return { ok: true, parameters };
}

/**
 * The name each tool is offered under: its own when it is valid and free, else a valid form of it with `_` and eight
 * hex digits of a hash of the real name (another digest, should that name be taken too).
 */
export function mapToolNames(realNames: readonly string[], reserved: ReadonlySet<string>): Map<string, string> {
  const names = [...new Set(realNames)].sort(compare);
  const result = new Map<string, string>();
  const taken = new Set(reserved);
  const renamed: string[] = [];
  for (const name of names) {
    if (VALID_TOOL_NAME.test(name) && !reserved.has(name)) {
      result.set(name, name);
      taken.add(name);
    } else renamed.push(name);
  }
  for (const name of renamed) {
    const base = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64 - 9) || 'tool';
    let candidate = `${base}_${hash8(name)}`;
    for (let attempt = 1; taken.has(candidate); attempt++) candidate = `${base}_${hash8(`${name}#${attempt}`)}`;
    result.set(name, candidate);
    taken.add(candidate);
  }
  return result;
}

/** FNV-1a over the UTF-16 code units, as eight hex digits. */
function hash8(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function boundedDescription(description: unknown, maxChars: number): string {
  if (typeof description !== 'string') return '';
  const text = description.trim();
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** Code-unit order, the same on every machine (no locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
