import type { ReasoningEffort } from './chatTypes';

/**
 * The sampling and length settings of a request, named as the user settings are (`gatewayChat.<name>`).
 * `buildChatRequest` maps them to the API's fields; `maxTokens` becomes `max_tokens` or `max_completion_tokens`
 * as the model profile says.
 */
export interface GenerationParameters {
  /** 0..2 */
  readonly temperature?: number;
  /** 0..1 */
  readonly topP?: number;
  /** Number of choices, 1..128. */
  readonly n?: number;
  /** Up to 4 sequences. */
  readonly stop?: string | readonly string[];
  /** A positive integer. */
  readonly maxTokens?: number;
  /** -2..2 */
  readonly presencePenalty?: number;
  /** -2..2 */
  readonly frequencyPenalty?: number;
  /** Token id → bias, whole numbers from -100 to 100. */
  readonly logitBias?: Readonly<Record<string, number>>;
  /** An integer. */
  readonly seed?: number;
  /** An end-user id for the gateway's abuse monitoring. */
  readonly user?: string;
  readonly reasoningEffort?: ReasoningEffort;
}

export type GenerationParameterName = keyof GenerationParameters;

export const GENERATION_PARAMETER_NAMES: readonly GenerationParameterName[] = [
  'temperature',
  'topP',
  'n',
  'stop',
  'maxTokens',
  'presencePenalty',
  'frequencyPenalty',
  'logitBias',
  'seed',
  'user',
  'reasoningEffort',
];

/** The API field each parameter is sent as (`maxTokens` may also go out as `max_completion_tokens`). */
export const WIRE_FIELD: Readonly<Record<GenerationParameterName, string>> = {
  temperature: 'temperature',
  topP: 'top_p',
  n: 'n',
  stop: 'stop',
  maxTokens: 'max_tokens',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  logitBias: 'logit_bias',
  seed: 'seed',
  user: 'user',
  reasoningEffort: 'reasoning_effort',
};

export const REASONING_EFFORTS: readonly ReasoningEffort[] = [
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'max',
];

/** One thing wrong with a setting: `message` is `${field} ${reason}`, e.g. "temperature must be … (got 3)". */
export interface ParameterProblem {
  readonly field: string;
  readonly reason: string;
  readonly message: string;
}

export interface ReadParameters {
  /** The valid parameters; a field with a problem is left out. */
  readonly parameters: GenerationParameters;
  readonly problems: readonly ParameterProblem[];
}

const MAX_STOP_SEQUENCES = 4;
const MAX_N = 128;

/**
 * Checks user settings for the generation parameters. `input` is an object keyed by the names of
 * `GenerationParameters`; `undefined`, `null`, `""` and an empty `stop` list mean "not set" (what VS Code gives for a
 * setting left at its default), and so does `"default"` for `reasoningEffort`. Unknown keys are problems too (a
 * typo in a setting name should not pass silently). Returns one problem per bad field, worded for the user.
 */
export function validateGenerationParameters(input: unknown): ParameterProblem[] {
  return [...readGenerationParameters(input).problems];
}

/** Like `validateGenerationParameters`, and also returns the valid fields, ready for `buildChatRequest`. */
export function readGenerationParameters(input: unknown): ReadParameters {
  const problems: ParameterProblem[] = [];
  const parameters: Record<string, unknown> = {};
  const problem = (field: string, reason: string) => problems.push({ field, reason, message: `${field} ${reason}` });

  if (input === undefined || input === null) return { parameters: {}, problems };
  if (typeof input !== 'object' || Array.isArray(input)) {
    problem('parameters', `must be an object (got ${describe(input)})`);
    return { parameters: {}, problems };
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(GENERATION_PARAMETER_NAMES as readonly string[]).includes(key))
      problem(key, 'is not a known generation parameter');
  }

  const number = (field: GenerationParameterName, min: number, max: number, range: string) => {
    const value = record[field];
    if (isUnset(value)) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problem(field, `must be a number from ${range} (got ${describe(value)})`);
    } else parameters[field] = value;
  };
  number('temperature', 0, 2, '0 to 2');
  number('topP', 0, 1, '0 to 1');
  number('presencePenalty', -2, 2, '-2 to 2');
  number('frequencyPenalty', -2, 2, '-2 to 2');

  const n = record.n;
  if (!isUnset(n)) {
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_N) {
      problem('n', `must be a whole number from 1 to ${MAX_N} (got ${describe(n)})`);
    } else parameters.n = n;
  }

  const maxTokens = record.maxTokens;
  if (!isUnset(maxTokens)) {
    if (!Number.isSafeInteger(maxTokens) || (maxTokens as number) < 1) {
      problem('maxTokens', `must be a whole number of at least 1 (got ${describe(maxTokens)})`);
    } else parameters.maxTokens = maxTokens;
  }

  const seed = record.seed;
  if (!isUnset(seed)) {
    if (!Number.isSafeInteger(seed)) problem('seed', `must be a whole number (got ${describe(seed)})`);
    else parameters.seed = seed;
  }

  const stop = record.stop;
  if (!isUnset(stop) && !(Array.isArray(stop) && stop.length === 0)) {
    if (typeof stop === 'string') parameters.stop = stop;
    else if (!Array.isArray(stop) || stop.some((item) => typeof item !== 'string')) {
      problem('stop', `must be a text or a list of texts (got ${describe(stop)})`);
    } else if (stop.length > MAX_STOP_SEQUENCES) {
      problem('stop', `may list at most ${MAX_STOP_SEQUENCES} sequences (got ${stop.length})`);
    } else if (stop.some((item) => item === '')) {
      problem('stop', 'may not contain an empty sequence');
    } else parameters.stop = [...(stop as string[])];
  }

  const logitBias = record.logitBias;
  if (!isUnset(logitBias)) {
    if (typeof logitBias !== 'object' || logitBias === null || Array.isArray(logitBias)) {
      problem('logitBias', `must be an object of token ids to biases (got ${describe(logitBias)})`);
    } else {
      const entries = Object.entries(logitBias as Record<string, unknown>);
      const badKey = entries.find(([token]) => !/^\d+$/.test(token));
      const badValue = entries.find(
        ([, bias]) => !Number.isInteger(bias) || (bias as number) < -100 || (bias as number) > 100,
      );
      if (badKey) problem('logitBias', `keys must be token ids (whole numbers; got ${JSON.stringify(badKey[0])})`);
      else if (badValue) {
        problem(
          'logitBias',
          `values must be whole numbers from -100 to 100 (got ${describe(badValue[1])} for token ${badValue[0]})`,
        );
      } else if (entries.length > 0) parameters.logitBias = Object.fromEntries(entries);
    }
  }

  const user = record.user;
  if (!isUnset(user)) {
    if (typeof user !== 'string') problem('user', `must be a text (got ${describe(user)})`);
    else parameters.user = user;
  }

  const effort = record.reasoningEffort;
  if (!isUnset(effort) && effort !== 'default') {
    if (!(REASONING_EFFORTS as readonly unknown[]).includes(effort)) {
      problem('reasoningEffort', `must be one of ${REASONING_EFFORTS.join(', ')} (got ${describe(effort)})`);
    } else parameters.reasoningEffort = effort;
  }

  return { parameters: parameters as GenerationParameters, problems };
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
