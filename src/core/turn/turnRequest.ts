/**
 * The gateway requester's pure half: a configuration snapshot, the context a turn asks to send and its tools become
 * the request body. The chat, the editor commands and VS Code's native chat build every round's request here, so the
 * three cannot drift apart; sending it is `streamChatCompletion`'s job.
 */
import type { ChatCompletionRequest, ChatMessage, ProviderPreferences, ToolChoice, ToolDefinition } from '../chatTypes';
import { buildChatRequest } from '../chatRequest';
import type { GenerationParameterName, GenerationParameters } from '../generationParameters';
import { modelProfileFor, parametersIgnoredBy, type CatalogEntryLike, type ModelProfile } from '../modelProfile';

/** What a request needs from the settings, read once per turn so that every round of it is sent the same way. */
export interface GatewaySnapshot {
  readonly model: string;
  readonly systemPrompt?: string;
  readonly parameters?: GenerationParameters;
  /** `modelProfileFor(model, catalogEntry, override)`. */
  readonly modelProfile: ModelProfile;
  readonly provider?: ProviderPreferences;
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** Sent only with tools. */
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  /** The model's context length from the catalog: the oldest turns are left out of a request that would not fit. */
  readonly contextLength?: number;
}

/** The settings a snapshot is read from (the host's configuration has these fields). */
export interface GatewaySettings {
  readonly model: string;
  readonly systemPrompt: string;
  readonly parameters: GenerationParameters;
  /** The user's request shape for the model (`gatewayChat.modelOverrides`). */
  readonly modelOverride?: Partial<ModelProfile>;
  readonly provider?: ProviderPreferences;
  readonly extraBody: Readonly<Record<string, unknown>>;
  readonly tools: { readonly toolChoice: ToolChoice; readonly parallelToolCalls?: boolean };
}

/**
 * The snapshot every round of a turn is sent with: the settings, the request shape of the model (its catalog entry
 * and the user's override) and, for an editor command, its own system prompt in place of the setting's.
 * `ignoredParameters` are set but not sent, because the model does not take them (for the log).
 */
export function gatewaySnapshotFor(
  settings: GatewaySettings,
  catalogEntry: (CatalogEntryLike & { readonly contextLength?: number }) | undefined,
  options: { readonly systemPrompt?: string } = {},
): { readonly snapshot: GatewaySnapshot; readonly ignoredParameters: GenerationParameterName[] } {
  const modelProfile = modelProfileFor(settings.model, catalogEntry, settings.modelOverride);
  const { toolChoice, parallelToolCalls } = settings.tools;
  const snapshot: GatewaySnapshot = {
    model: settings.model,
    systemPrompt: options.systemPrompt ?? settings.systemPrompt,
    parameters: settings.parameters,
    modelProfile,
    ...(settings.provider ? { provider: settings.provider } : {}),
    extraBody: settings.extraBody,
    ...(toolChoice !== 'auto' ? { toolChoice } : {}),
    ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
    ...(catalogEntry?.contextLength ? { contextLength: catalogEntry.contextLength } : {}),
  };
  return { snapshot, ignoredParameters: parametersIgnoredBy(modelProfile, settings.parameters) };
}

/** The body of one round's request (the `request` effect's messages and tools). */
export function buildTurnRequest(
  snapshot: GatewaySnapshot,
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[],
): ChatCompletionRequest {
  return buildChatRequest({
    model: snapshot.model,
    messages,
    ...(snapshot.systemPrompt !== undefined ? { systemPrompt: snapshot.systemPrompt } : {}),
    ...(snapshot.parameters ? { parameters: snapshot.parameters } : {}),
    modelProfile: snapshot.modelProfile,
    ...(snapshot.provider ? { provider: snapshot.provider } : {}),
    ...(snapshot.extraBody ? { extraBody: snapshot.extraBody } : {}),
    tools,
    ...(snapshot.toolChoice !== undefined ? { toolChoice: snapshot.toolChoice } : {}),
    ...(snapshot.parallelToolCalls !== undefined ? { parallelToolCalls: snapshot.parallelToolCalls } : {}),
  });
}

/**
 * Whether the gateway's catalog says the model takes tools: `tools` among its `supported_parameters`. Undefined when
 * the catalog lists no parameters (most gateways), which says nothing either way.
 */
export function catalogTakesTools(entry: CatalogEntryLike | undefined): boolean | undefined {
  const listed = entry?.supportedParameters;
  if (!listed || listed.length === 0) return undefined;
  return listed.some((name) => name.toLowerCase() === 'tools');
}

/** The function names OpenAI accepts; a request with any other is refused as a whole. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The tools to send: none when the user turned tools off or the model does not take them (the user's per-model
 * override decides first, then the catalog; a model nobody says anything about gets them). Tools whose name the API
 * would refuse, or that repeat a name, are left out and named in `skipped` (for the log), rather than failing every
 * request.
 */
export function toolsToOffer(options: {
  readonly enabled: boolean;
  readonly definitions: readonly ToolDefinition[];
  readonly catalogEntry?: CatalogEntryLike;
  /** From `gatewayChat.modelOverrides`: true or false wins over the catalog. */
  readonly modelTakesTools?: boolean;
}): { readonly tools: ToolDefinition[]; readonly skipped: string[] } {
  const takesTools = options.modelTakesTools ?? catalogTakesTools(options.catalogEntry) ?? true;
  if (!options.enabled || !takesTools) return { tools: [], skipped: [] };
  const tools: ToolDefinition[] = [];
  const skipped: string[] = [];
  const names = new Set<string>();
  for (const tool of options.definitions) {
    const name = tool.function.name;
    if (!TOOL_NAME.test(name) || names.has(name)) skipped.push(name);
    else {
      names.add(name);
      tools.push(tool);
    }
  }
  return { tools, skipped };
}
