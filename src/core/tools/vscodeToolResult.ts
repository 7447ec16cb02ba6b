/**
 * What a tool of VS Code (`vscode.lm.invokeTool`) answered, as the text the model reads. Its result is a list of parts:
 * text (`LanguageModelTextPart`), a prompt-tsx element (`LanguageModelPromptTsxPart`, its JSON), or data
 * (`LanguageModelDataPart`, newer than VS Code 1.95: text and JSON are read as text, anything else is only named).
 * Pure and structural: the parts are told apart by their fields, so no VS Code class is needed (and a part of a kind
 * VS Code adds later is named instead of breaking the call).
 */

export type ToolResultPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'promptTsx'; readonly value: unknown }
  | { readonly kind: 'data'; readonly mimeType: string; readonly data: Uint8Array }
  | { readonly kind: 'unknown' };

export const VSCODE_TOOL_RESULT_LIMITS = {
  /**
   * Characters of one result kept at most. The turn cuts what the model reads further (and says so); this only keeps
   * a huge answer from being held and copied whole.
   */
  maxChars: 200_000,
} as const;

export interface VscodeToolAnswer {
  /** False when the tool said its result is an error (`hasError`, as VS Code marks an MCP tool's error result). */
  readonly ok: boolean;
  readonly text: string;
}

export function classifyResultPart(part: unknown): ToolResultPart {
  if (typeof part !== 'object' || part === null) return { kind: 'unknown' };
  const fields = part as { value?: unknown; mimeType?: unknown; data?: unknown };
  if (typeof fields.mimeType === 'string' && fields.data instanceof Uint8Array)
    return { kind: 'data', mimeType: fields.mimeType, data: fields.data };
  if (typeof fields.value === 'string') return { kind: 'text', text: fields.value };
  if ('value' in fields) return { kind: 'promptTsx', value: fields.value };
  return { kind: 'unknown' };
}

/** The text of a `LanguageModelToolResult` (anything with a `content` list of parts). */
export function vscodeToolAnswer(
  result: unknown,
  maxChars: number = VSCODE_TOOL_RESULT_LIMITS.maxChars,
): VscodeToolAnswer {
  const fields = (typeof result === 'object' && result !== null ? result : {}) as {
    content?: unknown;
    hasError?: unknown;
  };
  const parts = Array.isArray(fields.content) ? fields.content.map(classifyResultPart) : [];
  return { ok: fields.hasError !== true, text: resultText(parts, maxChars) };
}

export function resultText(parts: readonly ToolResultPart[], maxChars: number = VSCODE_TOOL_RESULT_LIMITS.maxChars) {
  const pieces: string[] = [];
  let length = 0;
  for (const part of parts) {
    if (length >= maxChars) break;
    const piece = partText(part, maxChars - length);
    pieces.push(piece);
    length += piece.length + 1;
  }
  const text = pieces.join('\n');
  if (text.length > maxChars) return text.slice(0, maxChars);
  return text.trim() ? text : '(The tool returned no content.)';
}

function partText(part: ToolResultPart, budget: number): string {
  switch (part.kind) {
    case 'text':
      return part.text.slice(0, budget);
    case 'promptTsx':
      return boundedJson(part.value, budget);
    case 'data':
      if (isTextMime(part.mimeType)) return decodeUtf8(part.data, budget);
      return `[binary data: ${part.mimeType || 'unknown type'}, ${part.data.byteLength} bytes]`;
    case 'unknown':
      return '[a part of the result that is neither text nor data]';
  }
}

/** text/*, JSON (application/json, *+json, VS Code's text/x-json) and XML are read as text. */
export function isTextMime(mimeType: string): boolean {
  const type = mimeType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml')
  );
}

function decodeUtf8(data: Uint8Array, budget: number): string {
  // A character takes at most 4 bytes: more than that many bytes can never fit the budget.
  const bytes = data.byteLength > budget * 4 ? data.subarray(0, budget * 4) : data;
  return new TextDecoder('utf-8').decode(bytes).slice(0, budget);
}

function boundedJson(value: unknown, budget: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return '[a prompt element that cannot be written as JSON]';
  }
  return (json ?? String(value)).slice(0, budget);
}
