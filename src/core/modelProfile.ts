import type { GenerationParameterName, GenerationParameters } from './generationParameters';

/** What a model accepts, as far as the request body is concerned. */
export interface ModelProfile {
  /** Which field carries `maxTokens`: OpenAI's reasoning models refuse `max_tokens`. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** False for models that refuse `temperature` and `top_p` (both are then left out). */
  readonly supportsTemperature: boolean;
  /** Further generation parameters the model does not take; they are left out of the body. */
  readonly unsupportedParameters?: readonly GenerationParameterName[];
  /**
   * Send the reasoning of earlier replies back as `reasoning_content` (DeepSeek's thinking mode with tool calls
   * wants it; most APIs refuse or ignore it, and DeepSeek-R1 answers 400). Off unless set.
   */
  readonly sendReasoningBack?: boolean;
  /**
   * Whether the model takes `tools`: set by the user's override when the catalog is silent or wrong (the catalog's
   * `supported_parameters` decides otherwise; a model nobody says anything about is offered them).
   */
  readonly supportsTools?: boolean;
}

export const DEFAULT_MODEL_PROFILE: ModelProfile = { maxTokensField: 'max_tokens', supportsTemperature: true };

/** OpenAI's reasoning models (o1, o3, o4, gpt-5 families): `max_completion_tokens`, no sampling parameters. */
const REASONING_PROFILE: ModelProfile = {
  maxTokensField: 'max_completion_tokens',
  supportsTemperature: false,
  unsupportedParameters: ['presencePenalty', 'frequencyPenalty', 'logitBias'],
};

/** The part of a `GET /models` entry this needs (`supported_parameters` of OpenRouter-style catalogs). */
export interface CatalogEntryLike {
  readonly supportedParameters?: readonly string[];
}

/**
 * Parameters that OpenRouter-style catalogs list by their API names when a model takes them. One that is not
 * listed is left out for that model. (`n` and `user` are never listed there and are always sent when set.)
 */
const CATALOG_NAMES: readonly (readonly [GenerationParameterName, readonly string[]])[] = [
  ['topP', ['top_p']],
  ['presencePenalty', ['presence_penalty']],
  ['frequencyPenalty', ['frequency_penalty']],
  ['logitBias', ['logit_bias']],
  ['seed', ['seed']],
  ['stop', ['stop']],
  ['reasoningEffort', ['reasoning', 'reasoning_effort']],
];

/** True for model ids of OpenAI's reasoning families, with or without a vendor prefix: `o3-mini`, `openai/gpt-5`. */
export function isReasoningModelId(modelId: string): boolean {
  const name = (modelId.split('/').pop() ?? '').toLowerCase();
  return /^(o1|o3|o4|gpt-5)(?:$|[-.:_])/.test(name);
}

/**
 * The profile of a model, from (in order of precedence) the user's per-model `overrides`, the gateway's catalog
 * entry when it lists `supported_parameters`, and a built-in rule for OpenAI's reasoning families; other models
 * get `DEFAULT_MODEL_PROFILE`.
 *
 * From the catalog: no `temperature` listed → temperature and top_p are left out; `max_completion_tokens` listed
 * without `max_tokens` → that field is used; `max_tokens` listed → `max_tokens` (OpenRouter lists it even for o3 and
 * translates it); neither → the built-in rule decides. Other parameters it does not list are left out.
 */
export function modelProfileFor(
  modelId: string,
  catalogEntry?: CatalogEntryLike,
  overrides?: Partial<ModelProfile>,
): ModelProfile {
  const builtIn = isReasoningModelId(modelId) ? REASONING_PROFILE : DEFAULT_MODEL_PROFILE;
  const supported = catalogEntry?.supportedParameters;
  let profile: ModelProfile = builtIn;
  if (supported && supported.length > 0) {
    const listed = new Set(supported.map((name) => name.toLowerCase()));
    const maxTokensField = listed.has('max_tokens')
      ? 'max_tokens'
      : listed.has('max_completion_tokens')
        ? 'max_completion_tokens'
        : builtIn.maxTokensField;
    profile = {
      maxTokensField,
      supportsTemperature: listed.has('temperature'),
      unsupportedParameters: CATALOG_NAMES.filter(([, names]) => !names.some((name) => listed.has(name))).map(
        ([name]) => name,
      ),
    };
  }
  if (overrides) {
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
    profile = { ...profile, ...defined };
  }
  return profile;
}

/**
 * The parameters that are set but will not be sent for this profile, so the host can say that
 * `gatewayChat.temperature` is ignored for `o3`.
 */
export function parametersIgnoredBy(
  profile: ModelProfile,
  parameters: GenerationParameters,
): GenerationParameterName[] {
  return (Object.keys(parameters) as GenerationParameterName[]).filter(
    (name) => parameters[name] !== undefined && !isParameterSupported(profile, name),
  );
}

export function isParameterSupported(profile: ModelProfile, name: GenerationParameterName): boolean {
  if (!profile.supportsTemperature && (name === 'temperature' || name === 'topP')) return false;
  return !(profile.unsupportedParameters ?? []).includes(name);
}
