import type {
  AssistantMessage,
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  ModelRoutingConfig,
  ProviderPreferences,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
} from './chatTypes';
import { GENERATION_PARAMETER_NAMES, WIRE_FIELD, type GenerationParameters } from './generationParameters';
import { isParameterSupported, modelProfileFor, type ModelProfile } from './modelProfile';

export {
  readGenerationParameters,
  validateGenerationParameters,
  type GenerationParameters,
  type ParameterProblem,
} from './generationParameters';
export { modelProfileFor, parametersIgnoredBy, type CatalogEntryLike, type ModelProfile } from './modelProfile';

export interface ChatRequestOptions {
  readonly model: string;
  /** The conversation so far, oldest first, ending with the user's new message (or the results of tool calls). */
  readonly messages: readonly ChatMessage[];
  readonly systemPrompt?: string;
  readonly parameters?: GenerationParameters;
  /** Functions the model may call. Without any, `toolChoice` and `parallelToolCalls` are left out too. */
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  /** OfoxAI's routing and fallback preferences. */
  readonly provider?: ProviderPreferences;
  /** OfoxAI's routing for `model: "auto"`; left out for any other model. */
  readonly modelRoutingConfig?: ModelRoutingConfig;
  /** How this model takes parameters; `modelProfileFor(model)` (the built-in rules) when not given. */
  readonly modelProfile?: ModelProfile;
  /** Ask for a last chunk with token usage (`stream_options.include_usage`); on unless false. */
  readonly includeUsage?: boolean;
  /**
   * Gateway options this extension does not model (a user setting), merged into the body last: they win over the
   * fields above, except `model`, `messages` and `stream` (see `RESERVED_BODY_FIELDS`), which are never replaced.
   * A `null` value removes that field from the body rather than sending `null`.
   */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

/** Fields `extraBody` cannot replace: the request would no longer be the one the extension reads. */
export const RESERVED_BODY_FIELDS: readonly string[] = ['model', 'messages', 'stream'];

/**
 * Builds the body of a streamed chat completion. Optional fields are left out, never sent as `null`. Parameters
 * the model profile says the model refuses are left out (`parametersIgnoredBy` names them).
 *
 * Messages are sent as the API expects them: empty messages are left out; an assistant reply that was only tool
 * calls has no `content`; tool calls without a tool result right after them, and tool results without their call,
 * are left out (the API refuses both); `reasoning_content` goes back only with `modelProfile.sendReasoningBack`.
 */
export function buildChatRequest(options: ChatRequestOptions): ChatCompletionRequest {
  const profile = options.modelProfile ?? modelProfileFor(options.model);
  const system = options.systemPrompt?.trim();
  const messages: ChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  messages.push(...wireMessages(options.messages, profile.sendReasoningBack === true));

  const body: Record<string, unknown> = {
    model: options.model,
    messages,
    stream: true,
  };
  if (options.includeUsage !== false) body.stream_options = { include_usage: true };

  const parameters = options.parameters ?? {};
  for (const name of GENERATION_PARAMETER_NAMES) {
    const value = parameters[name];
    if (value === undefined || value === null || !isParameterSupported(profile, name)) continue;
    if (name === 'stop' && Array.isArray(value) && value.length === 0) continue;
    const field = name === 'maxTokens' ? profile.maxTokensField : WIRE_FIELD[name];
    body[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }

  const tools = options.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map(wireTool);
    if (options.toolChoice !== undefined) body.tool_choice = options.toolChoice;
    if (options.parallelToolCalls !== undefined) body.parallel_tool_calls = options.parallelToolCalls;
  }
  if (options.responseFormat) body.response_format = wireResponseFormat(options.responseFormat);

  const provider = wireProvider(options.provider);
  if (provider) body.provider = provider;
  if (options.model === 'auto') {
    const routing = wireRoutingConfig(options.modelRoutingConfig);
    if (routing) body.model_routing_config = routing;
  }

  for (const [key, value] of Object.entries(options.extraBody ?? {})) {
    if (RESERVED_BODY_FIELDS.includes(key) || key === '__proto__' || value === undefined) continue;
    if (value === null) delete body[key];
    else body[key] = value;
  }
  return body as unknown as ChatCompletionRequest;
}

function wireMessages(input: readonly ChatMessage[], sendReasoningBack: boolean): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; i < input.length; i++) {
    const message = input[i];
    switch (message.role) {
      case 'system':
        if (message.content.length > 0) out.push(withName({ role: 'system', content: message.content }, message.name));
        break;
      case 'user': {
        const content = wireUserContent(message.content);
        if (content !== undefined) out.push(withName({ role: 'user', content }, message.name));
        break;
      }
      case 'assistant': {
        // The tool results that answer this message are the run of tool messages right after it.
        const results: ToolMessage[] = [];
        while (i + 1 < input.length && input[i + 1].role === 'tool') results.push(input[++i] as ToolMessage);
        const answered = new Set(results.map((result) => result.tool_call_id));
        const calls = (message.tool_calls ?? []).filter((call) => answered.has(call.id)).map(wireToolCall);
        const text = typeof message.content === 'string' ? message.content : '';
        if (text.length === 0 && calls.length === 0) break;
        const reply: { -readonly [K in keyof AssistantMessage]: AssistantMessage[K] } = { role: 'assistant' };
        if (text.length > 0) reply.content = text;
        if (message.name) reply.name = message.name;
        if (calls.length > 0) reply.tool_calls = calls;
        if (sendReasoningBack && message.reasoning_content) reply.reasoning_content = message.reasoning_content;
        out.push(reply);
        const called = new Set(calls.map((call) => call.id));
        for (const result of results) {
          if (!called.delete(result.tool_call_id)) continue; // not a call of this message, or answered twice
          out.push({ role: 'tool', tool_call_id: result.tool_call_id, content: result.content });
        }
        break;
      }
      case 'tool':
        // Not right after the assistant message that made the call: the API would refuse it.
        break;
    }
  }
  return out;
}

function withName<T extends ChatMessage>(message: T, name: string | undefined): T {
  return name ? { ...message, name } : message;
}

function wireUserContent(content: string | readonly ContentPart[]): string | ContentPart[] | undefined {
  if (typeof content === 'string') return content.length > 0 ? content : undefined;
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text.length > 0) parts.push({ type: 'text', text: part.text });
    } else if (part.image_url.url) {
      const { url, detail } = part.image_url;
      parts.push({ type: 'image_url', image_url: detail ? { url, detail } : { url } });
    }
  }
  return parts.length > 0 ? parts : undefined;
}

function wireToolCall(call: ToolCall): ToolCall {
  // Copies only the API's fields: an assembled call's `index` does not belong in a request.
  return { id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } };
}

function wireTool(tool: ToolDefinition): ToolDefinition {
  const { name, description, parameters, strict } = tool.function;
  return {
    type: 'function',
    function: {
      name,
      ...(description !== undefined ? { description } : {}),
      ...(parameters !== undefined ? { parameters } : {}),
      ...(strict !== undefined ? { strict } : {}),
    },
  };
}

function wireResponseFormat(format: ResponseFormat): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, description, schema, strict } = format.json_schema;
  return {
    type: 'json_schema',
    json_schema: {
      name,
      ...(description !== undefined ? { description } : {}),
      ...(schema !== undefined ? { schema } : {}),
      ...(strict !== undefined ? { strict } : {}),
    },
  };
}

function wireProvider(provider: ProviderPreferences | undefined): ProviderPreferences | undefined {
  if (!provider) return undefined;
  const fallback = (provider.fallback ?? []).filter((model) => model.length > 0);
  const wire = {
    ...(provider.routing ? { routing: provider.routing } : {}),
    ...(fallback.length > 0 ? { fallback } : {}),
  };
  return Object.keys(wire).length > 0 ? wire : undefined;
}

function wireRoutingConfig(config: ModelRoutingConfig | undefined): ModelRoutingConfig | undefined {
  if (!config) return undefined;
  const models = (config.models ?? []).filter((model) => model.length > 0);
  const wire = {
    ...(models.length > 0 ? { models } : {}),
    ...(config.preference ? { preference: config.preference } : {}),
  };
  return Object.keys(wire).length > 0 ? wire : undefined;
}
