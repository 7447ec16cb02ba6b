/**
 * The gateway's model list (`GET {baseUrl}/models`), for a model picker. OpenRouter-style gateways (OfoxAI) describe
 * every model: context length, input modalities, supported parameters, prices. Plain OpenAI-compatible servers list
 * only ids. Everything but the id is optional; malformed entries are skipped. Never throws: a failure is a result the
 * host turns into "type a model id".
 */
import {
  authorizationFor,
  buildRequestHeaders,
  describeNetworkError,
  fetchSameOrigin,
  hostOf,
  MAX_ERROR_BODY_BYTES,
  raceAbort,
  readBodyBounded,
  redactError,
  redactingLogger,
  redactorFor,
  timeoutError,
  urlForLog,
  Watchdog,
} from './gatewayHttp';
import { kindForStatus, summarizeErrorText, type GatewayError } from './gatewayError';
import type { Logger } from './logger';

export interface ModelPricing {
  /** USD per prompt token. */
  readonly prompt?: number;
  /** USD per completion token. */
  readonly completion?: number;
  /** USD per prompt token read from the cache. */
  readonly cacheRead?: number;
}

export interface ModelInfo {
  readonly id: string;
  /** Display name (`name`), when the gateway gives one. */
  readonly name?: string;
  readonly description?: string;
  /** Context window in tokens (`context_length`, else `top_provider.context_length`). */
  readonly contextLength?: number;
  /** Largest completion (`top_provider.max_completion_tokens`). */
  readonly maxOutputTokens?: number;
  /** `architecture.input_modalities` (or the input side of `architecture.modality`, "text+image->text"). */
  readonly inputModalities?: readonly string[];
  /** Set only when the input modalities are known. */
  readonly supportsImages?: boolean;
  /** `supported_parameters`, as listed. */
  readonly supportedParameters?: readonly string[];
  /** The `supports…` flags are set only when the supported parameters are known. */
  readonly supportsTools?: boolean;
  readonly supportsReasoning?: boolean;
  readonly supportsResponseFormat?: boolean;
  /** Prices in USD per token (the API sends strings); a negative or unreadable price is left out. */
  readonly pricing?: ModelPricing;
  /** `owned_by` of a plain OpenAI list. */
  readonly ownedBy?: string;
}

export type ModelCatalogResult =
  | {
      readonly ok: true;
      readonly models: readonly ModelInfo[];
      /** Entries skipped as malformed. */ readonly skipped: number;
    }
  | {
      readonly ok: false;
      /** What went wrong (`notFound`: the gateway has no model list; `unauthorized`: it wants a key; …). */
      readonly error: GatewayError;
      /** True when the caller's signal aborted the request. */
      readonly aborted?: boolean;
    };

export interface FetchModelCatalogOptions {
  /** For example `https://api.ofox.ai/v1`; `/models` is appended. */
  readonly baseUrl: string;
  /** Sent as a bearer token when present; public model lists work without. */
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  /** Extra request headers (the same user setting as for chat requests). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  /** Whole-request limit (headers and body), default 30 s; 0 turns it off. */
  readonly timeoutMs?: number;
}

export const DEFAULT_MODEL_CATALOG_TIMEOUT_MS = 30_000;
/** OpenRouter's full list is about 1–2 MB. */
const MAX_CATALOG_BYTES = 16 * 1024 * 1024;

export function modelsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/models`;
}

export async function fetchModelCatalog(options: FetchModelCatalogOptions): Promise<ModelCatalogResult> {
  const redactor = redactorFor(options.apiKey, options.headers);
  const log = redactingLogger(options.logger, redactor);
  const url = modelsUrl(options.baseUrl);
  const host = hostOf(url);
  const fail = (error: GatewayError, aborted = false): ModelCatalogResult => {
    const redacted = redactError(error, redactor);
    if (!aborted) log?.warn(`Model list from ${host} unavailable: ${redacted.message}`);
    return aborted ? { ok: false, error: redacted, aborted: true } : { ok: false, error: redacted };
  };
  if (!URL.canParse(url))
    return fail({ kind: 'badRequest', message: `The base URL is not a valid URL: ${options.baseUrl}`, host });

  const signal = options.signal;
  const controller = new AbortController();
  const forwardAbort = () => controller.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  if (signal?.aborted) controller.abort();
  const timeoutMs = options.timeoutMs ?? DEFAULT_MODEL_CATALOG_TIMEOUT_MS;
  // One limit for the whole request: a model list is small, so no separate idle timer.
  const watchdog = new Watchdog(controller, timeoutMs, undefined);
  const aborted = () => fail({ kind: 'network', message: 'The request was cancelled.', host }, true);
  try {
    if (signal?.aborted) return aborted();
    log?.info(`GET ${urlForLog(url)}`);
    watchdog.startConnect();
    const authorization = authorizationFor(options.apiKey ?? '', host);
    if ('error' in authorization) return fail(authorization.error);
    const headers = buildRequestHeaders(authorization.headers, { Accept: 'application/json', ...options.headers }, log);
    let fetched;
    try {
      fetched = await raceAbort(
        fetchSameOrigin(options.fetch ?? fetch, url, { method: 'GET', headers, signal: controller.signal }, { log }),
        controller.signal,
        (late) => {
          if ('response' in late) void late.response.body?.cancel().catch(() => undefined);
        },
      );
    } catch (error) {
      if (signal?.aborted) return aborted();
      if (watchdog.fired) return fail(timeoutError('connect', watchdog.fired.ms, host));
      return fail({ kind: 'network', message: describeNetworkError(error), host });
    }
    if ('error' in fetched) return fail(fetched.error);
    const response = fetched.response;
    const contentType = response.headers.get('content-type') ?? '';
    log?.info(`HTTP ${response.status} ${contentType} from ${host}`);
    const body = await readBodyBounded(response, response.ok ? MAX_CATALOG_BYTES : MAX_ERROR_BODY_BYTES);
    if (signal?.aborted) return aborted();
    if (watchdog.fired) return fail(timeoutError('connect', watchdog.fired.ms, host, response.status));
    if (!response.ok) {
      const summary = summarizeErrorText(body.text);
      return fail({
        kind: kindForStatus(response.status),
        status: response.status,
        message: summary.message || `HTTP ${response.status} ${response.statusText}`.trim(),
        host,
        ...(summary.code ? { code: summary.code } : {}),
      });
    }
    if (body.failure !== undefined)
      return fail({ kind: 'interrupted', message: describeNetworkError(body.failure), host });
    if (body.truncated)
      return fail({
        kind: 'unexpectedResponse',
        status: response.status,
        message: 'The model list was too large.',
        host,
      });
    if (/\btext\/html\b/i.test(contentType)) {
      return fail({
        kind: 'unexpectedResponse',
        status: response.status,
        message: 'The server answered with a web page instead of a model list (a proxy or login page?).',
        host,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch {
      return fail({
        kind: 'unexpectedResponse',
        status: response.status,
        message: 'The model list was not valid JSON.',
        host,
      });
    }
    const catalog = parseModelList(parsed);
    if (!catalog)
      return fail({
        kind: 'unexpectedResponse',
        status: response.status,
        message: 'The answer was not a model list.',
        host,
      });
    log?.info(
      `Model list from ${host}: ${catalog.models.length} models` +
        (catalog.skipped ? `, ${catalog.skipped} malformed entries skipped` : ''),
    );
    return { ok: true, models: catalog.models, skipped: catalog.skipped };
  } finally {
    watchdog.clear();
    signal?.removeEventListener('abort', forwardAbort);
    controller.abort();
  }
}

/**
 * Reads a model list body: `{data: [...]}` (OpenAI, OpenRouter) or a bare array (some servers). Undefined when the
 * body is neither; malformed entries (no string id) are skipped and counted, duplicates keep the first.
 */
export function parseModelList(body: unknown): { models: ModelInfo[]; skipped: number } | undefined {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.data) ? body.data : undefined;
  if (!list) return undefined;
  const models: ModelInfo[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const entry of list) {
    const model = parseModel(entry);
    if (!model) skipped++;
    else if (!seen.has(model.id)) {
      seen.add(model.id);
      models.push(model);
    }
  }
  return { models, skipped };
}

/** One entry of a model list; undefined when it has no usable id. */
export function parseModel(entry: unknown): ModelInfo | undefined {
  if (!isRecord(entry)) return undefined;
  const id = typeof entry.id === 'string' ? entry.id.trim() : '';
  if (!id) return undefined;
  const architecture = isRecord(entry.architecture) ? entry.architecture : {};
  const topProvider = isRecord(entry.top_provider) ? entry.top_provider : {};
  const inputModalities = stringList(architecture.input_modalities) ?? modalitiesFromArrow(architecture.modality);
  const supportedParameters = stringList(entry.supported_parameters);
  const params = new Set(supportedParameters?.map((parameter) => parameter.toLowerCase()));
  const pricing = readPricing(entry.pricing);
  const model: Record<string, unknown> = { id };
  setIf(model, 'name', nonEmptyString(entry.name));
  setIf(model, 'description', nonEmptyString(entry.description));
  setIf(model, 'contextLength', positiveInteger(entry.context_length) ?? positiveInteger(topProvider.context_length));
  setIf(model, 'maxOutputTokens', positiveInteger(topProvider.max_completion_tokens));
  if (inputModalities) {
    model.inputModalities = inputModalities;
    model.supportsImages = inputModalities.some((modality) => modality.toLowerCase() === 'image');
  }
  if (supportedParameters) {
    model.supportedParameters = supportedParameters;
    model.supportsTools = params.has('tools');
    model.supportsReasoning =
      params.has('reasoning') || params.has('include_reasoning') || params.has('reasoning_effort');
    model.supportsResponseFormat = params.has('response_format') || params.has('structured_outputs');
  }
  if (pricing) model.pricing = pricing;
  setIf(model, 'ownedBy', nonEmptyString(entry.owned_by));
  return model as unknown as ModelInfo;
}

function readPricing(value: unknown): ModelPricing | undefined {
  if (!isRecord(value)) return undefined;
  const pricing: Record<string, number> = {};
  const prompt = price(value.prompt);
  const completion = price(value.completion);
  const cacheRead = price(value.input_cache_read) ?? price(value.cache_read);
  if (prompt !== undefined) pricing.prompt = prompt;
  if (completion !== undefined) pricing.completion = completion;
  if (cacheRead !== undefined) pricing.cacheRead = cacheRead;
  return Object.keys(pricing).length > 0 ? pricing : undefined;
}

/** "0.0000025" → 2.5e-6; numbers as they are; negative ("-1": variable price), empty or unreadable → undefined. */
function price(value: unknown): number | undefined {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

function modalitiesFromArrow(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || !value.includes('->')) return undefined;
  const input = value
    .split('->')[0]
    .split('+')
    .map((part) => part.trim())
    .filter(Boolean);
  return input.length > 0 ? input : undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Cache

export interface ModelCatalogCacheOptions {
  /** How long a fetched list stays fresh; default 10 minutes. */
  readonly ttlMs?: number;
  /** Milliseconds; `Date.now` by default. */
  readonly now?: () => number;
  /** The loader; `fetchModelCatalog` by default. */
  readonly fetchCatalog?: (options: FetchModelCatalogOptions) => Promise<ModelCatalogResult>;
}

interface CacheEntry {
  readonly models: readonly ModelInfo[];
  readonly fetchedAt: number;
}

/**
 * Model lists by base URL (trailing slashes ignored), fresh for `ttlMs`. Only successful lists are kept; a failure
 * is returned as it is, and an older list stays available through `peek` (say, to keep a picker filled offline).
 */
export class ModelCatalogCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly fetchCatalog: (options: FetchModelCatalogOptions) => Promise<ModelCatalogResult>;

  constructor(options: ModelCatalogCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.now = options.now ?? (() => Date.now());
    this.fetchCatalog = options.fetchCatalog ?? fetchModelCatalog;
  }

  /** The fresh list for this base URL, if any. */
  get(baseUrl: string): readonly ModelInfo[] | undefined {
    const entry = this.entries.get(cacheKey(baseUrl));
    return entry && this.now() - entry.fetchedAt < this.ttlMs ? entry.models : undefined;
  }

  /** The last list fetched for this base URL, however old, with its age. */
  peek(baseUrl: string): { readonly models: readonly ModelInfo[]; readonly ageMs: number } | undefined {
    const entry = this.entries.get(cacheKey(baseUrl));
    return entry ? { models: entry.models, ageMs: this.now() - entry.fetchedAt } : undefined;
  }

  /** The fresh cached list, or a new fetch (kept when it succeeds). `force` skips the cache. */
  async load(options: FetchModelCatalogOptions, force = false): Promise<ModelCatalogResult> {
    const key = cacheKey(options.baseUrl);
    const cached = force ? undefined : this.get(options.baseUrl);
    if (cached) return { ok: true, models: cached, skipped: 0 };
    const result = await this.fetchCatalog(options);
    if (result.ok) this.entries.set(key, { models: result.models, fetchedAt: this.now() });
    return result;
  }

  /** Forgets one base URL's list, or all. */
  invalidate(baseUrl?: string): void {
    if (baseUrl === undefined) this.entries.clear();
    else this.entries.delete(cacheKey(baseUrl));
  }
}

function cacheKey(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '');
}
