/**
 * Validation against OpenAI's published Chat Completions schemas (test/fixtures/openai/openai-chat-completions.openapi.json).
 * Used by unit tests, by the fake gateway (which records the schema errors of every request it receives) and by the
 * integration suite inside the extension host: node built-ins plus ajv only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const SPEC_RELATIVE_PATH = path.join('test', 'fixtures', 'openai', 'openai-chat-completions.openapi.json');
const SPEC_ID = 'openai-chat-completions.openapi.json';

/**
 * The repository root: the first folder above this file that holds the spec fixture. This file runs from
 * out/test/support (compiled) but the walk also works from test/support, so nobody has to count `..`s.
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, SPEC_RELATIVE_PATH))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find ${SPEC_RELATIVE_PATH} above ${__dirname}`);
    dir = parent;
  }
}

/** The folder of the test fixtures (`<repo>/test/fixtures`). */
export function fixturesDir(): string {
  return path.join(repoRoot(), 'test', 'fixtures');
}

/**
 * The spec mixes OpenAPI 3.0's `nullable: true` into 2020-12 schemas (for example on `usage` and on a stream
 * choice's `finish_reason`, next to an `enum` without `null`). JSON Schema ignores `nullable`, and ajv refuses it
 * without a sibling `type`, so it is rewritten in memory into what it means: `anyOf: [schema, {type: 'null'}]`.
 */
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = rewriteNullable(value);
  if (copy.nullable === true) {
    delete copy.nullable;
    const { description, ...rest } = copy;
    return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
  }
  return copy;
}

interface Validators {
  readonly request: ValidateFunction;
  readonly response: ValidateFunction;
  readonly streamChunk: ValidateFunction;
  readonly modelsList: ValidateFunction;
  readonly errorResponse: ValidateFunction;
}

let compiled: Validators | undefined;

function validators(): Validators {
  if (compiled) return compiled;
  const specPath = path.join(repoRoot(), SPEC_RELATIVE_PATH);
  const spec = rewriteNullable(JSON.parse(fs.readFileSync(specPath, 'utf8'))) as Record<string, unknown>;
  delete spec.$comment;
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true, logger: false });
  addFormats(ajv);
  // OpenAI's own format for Unix timestamps in seconds.
  ajv.addFormat('unixtime', { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= 0 });
  ajv.addSchema(spec, SPEC_ID);
  const get = (name: string): ValidateFunction => {
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
    if (!validate) throw new Error(`Schema ${name} not found in ${specPath}`);
    return validate;
  };
  compiled = {
    request: get('CreateChatCompletionRequest'),
    response: get('CreateChatCompletionResponse'),
    streamChunk: get('CreateChatCompletionStreamResponse'),
    modelsList: get('ListModelsResponse'),
    errorResponse: get('ErrorResponse'),
  };
  return compiled;
}

/**
 * Compiles every validator now (about half a second, once per process) instead of on first use, so the cost is
 * not paid in the middle of a timed test. `FakeGateway.start()` calls it.
 */
export function compileSchemas(): void {
  validators();
}

/** One readable line per problem, like `/messages/0/role must be equal to one of the allowed values (got "robot")`. */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined, value: unknown): string[] {
  const lines: string[] = [];
  for (const error of errors ?? []) {
    const at = error.instancePath || '/';
    let line: string;
    if (error.keyword === 'discriminator') {
      const params = error.params as { tag?: string; tagValue?: unknown };
      line = `${at === '/' ? '' : at}/${params.tag ?? '?'} must be equal to one of the allowed values (got ${JSON.stringify(params.tagValue)})`;
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      line = `${at} ${error.message ?? 'is invalid'} (${allowed.map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(valueAt(value, error.instancePath))})`;
    } else if (error.keyword === 'additionalProperties') {
      line = `${at} ${error.message ?? 'is invalid'}: '${(error.params as { additionalProperty?: string }).additionalProperty}'`;
    } else {
      line = `${at} ${error.message ?? 'is invalid'}`;
    }
    if (!lines.includes(line)) lines.push(line);
  }
  // `anyOf: [T, null]` and `oneOf` add "must be null" / "must match a schema in anyOf" next to the real reason:
  // keep them only when they are the only thing said about that place.
  const noise = / (must be null|must match a schema in anyOf|must match exactly one schema in oneOf)$/;
  const placeOf = (line: string) => line.slice(0, line.indexOf(' '));
  return lines.filter(
    (line) => !noise.test(line) || !lines.some((other) => !noise.test(other) && placeOf(other) === placeOf(line)),
  );
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function run(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : formatSchemaErrors(validate.errors, value);
}

/** Checks a request body against `CreateChatCompletionRequest`. An empty array means it is valid. */
export function validateChatCompletionRequest(body: unknown): string[] {
  return run(validators().request, body);
}

/** Checks one parsed `data:` payload of a stream against `CreateChatCompletionStreamResponse`. */
export function validateChatCompletionStreamChunk(chunk: unknown): string[] {
  return run(validators().streamChunk, chunk);
}

/** Checks a whole (non-streamed) completion against `CreateChatCompletionResponse`. */
export function validateChatCompletionResponse(body: unknown): string[] {
  return run(validators().response, body);
}

/** Checks a `GET /models` answer against `ListModelsResponse`. */
export function validateListModelsResponse(body: unknown): string[] {
  return run(validators().modelsList, body);
}

/** Checks an error body against `ErrorResponse` (`{error:{message, type, param, code}}`). */
export function validateErrorResponse(body: unknown): string[] {
  return run(validators().errorResponse, body);
}
