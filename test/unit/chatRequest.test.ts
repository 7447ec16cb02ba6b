import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildChatRequest,
  modelProfileFor,
  RESERVED_BODY_FIELDS,
  type ChatRequestOptions,
  type GenerationParameters,
} from '../../src/core/chatRequest';
import type {
  ChatMessage,
  ModelRoutingConfig,
  ProviderPreferences,
  ResponseFormat,
  ToolCall,
  ToolDefinition,
} from '../../src/core/chatTypes';
import { fixturesDir, validateChatCompletionRequest } from '../support/requestSchema';

describe('buildChatRequest', () => {
  const turns: ChatMessage[] = [
    { role: 'user', content: 'What is SSE?' },
    { role: 'assistant', content: 'Server-sent events: a one-way text stream over HTTP.' },
    { role: 'user', content: 'And how does it end?' },
  ];

  it('sends the earlier turns as context, oldest first, ending with the new question', () => {
    const body = buildChatRequest({ model: 'openai/gpt-4o', messages: turns });
    assert.deepEqual(body.messages, turns);
    assert.equal(body.model, 'openai/gpt-4o');
  });

  it('always streams and asks for usage', () => {
    const body = buildChatRequest({ model: 'm', messages: turns });
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  it('puts a system prompt first, trimmed, and leaves a blank one out', () => {
    const withSystem = buildChatRequest({ model: 'm', messages: turns, systemPrompt: '  Answer in French.\n' });
    assert.deepEqual(withSystem.messages[0], { role: 'system', content: 'Answer in French.' });
    assert.deepEqual(withSystem.messages.slice(1), turns);
    const blank = buildChatRequest({ model: 'm', messages: turns, systemPrompt: '   ' });
    assert.deepEqual(blank.messages, turns);
  });

  it('leaves out empty messages (a reply that failed before its first word)', () => {
    const body = buildChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'First' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Again' },
      ],
    });
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'First' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('never sends optional fields as null or undefined', () => {
    const json = JSON.parse(JSON.stringify(buildChatRequest({ model: 'm', messages: turns }))) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(json).sort(), ['messages', 'model', 'stream', 'stream_options']);
    assert.ok(!JSON.stringify(json).includes('null'));
  });

  it('produces bodies that OpenAI’s schema accepts', () => {
    const cases = [
      buildChatRequest({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      buildChatRequest({ model: 'anthropic/claude-sonnet-4.5', messages: turns, systemPrompt: 'Be brief.' }),
      buildChatRequest({ model: 'auto', messages: [{ role: 'user', content: '日本語 😀 "quotes" \\ \n newline' }] }),
    ];
    for (const body of cases) assert.deepEqual(validateChatCompletionRequest(JSON.parse(JSON.stringify(body))), []);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every option, and every combination of them, against OpenAI's schema

/** The OfoxAI / DeepSeek extensions outside OpenAI's schema, removed before validating. */
function withoutExtensions(body: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  delete copy.provider;
  delete copy.model_routing_config;
  for (const message of copy.messages as Record<string, unknown>[]) delete message.reasoning_content;
  return copy;
}

type Schema = Record<string, unknown>;
const spec = JSON.parse(
  fs.readFileSync(path.join(fixturesDir(), 'openai', 'openai-chat-completions.openapi.json'), 'utf8'),
) as { components: { schemas: Record<string, Schema> } };

/** The property names a schema declares, through `$ref` and `allOf`. */
function declaredProperties(schema: Schema): Set<string> {
  const names = new Set<string>();
  const visit = (node: Schema) => {
    if (typeof node.$ref === 'string') visit(spec.components.schemas[node.$ref.split('/').pop() as string]);
    for (const part of (node.allOf as Schema[] | undefined) ?? []) visit(part);
    for (const name of Object.keys((node.properties as Schema | undefined) ?? {})) names.add(name);
  };
  visit(schema);
  return names;
}

const REQUEST_FIELDS = declaredProperties(spec.components.schemas.CreateChatCompletionRequest);
const MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: declaredProperties(spec.components.schemas.ChatCompletionRequestSystemMessage),
  user: declaredProperties(spec.components.schemas.ChatCompletionRequestUserMessage),
  assistant: declaredProperties(spec.components.schemas.ChatCompletionRequestAssistantMessage),
  tool: declaredProperties(spec.components.schemas.ChatCompletionRequestToolMessage),
};

/** Fields OpenAI's schema does not declare (it does not forbid them, so a typo would pass validation unnoticed). */
function undeclaredFields(body: Record<string, unknown>): string[] {
  const unknown = Object.keys(body).filter((key) => !REQUEST_FIELDS.has(key));
  (body.messages as Record<string, unknown>[]).forEach((message, index) => {
    for (const key of Object.keys(message)) {
      if (!MESSAGE_FIELDS[message.role as string].has(key)) unknown.push(`messages/${index}/${key}`);
    }
  });
  return unknown;
}

function nullsIn(value: unknown, at = ''): string[] {
  if (value === null) return [at || '/'];
  if (typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => nullsIn(child, `${at}/${key}`));
}

const weather: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  },
};
const noParameters: ToolDefinition = { type: 'function', function: { name: 'get_time' } };

const FULL_PARAMETERS: GenerationParameters = {
  temperature: 0.7,
  topP: 0.9,
  n: 2,
  stop: ['END', '###'],
  maxTokens: 512,
  presencePenalty: 0.5,
  frequencyPenalty: -0.5,
  logitBias: { '50256': -100, '1234': 5 },
  seed: 42,
  user: 'user-7f3a',
  reasoningEffort: 'high',
};

const toolCall = (id: string, city: string): ToolCall => ({
  id,
  type: 'function',
  function: { name: 'get_weather', arguments: JSON.stringify({ city }) },
});

const CONVERSATIONS: Record<string, ChatMessage[]> = {
  plain: [{ role: 'user', content: 'Hi' }],
  images: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        {
          type: 'image_url',
          image_url: {
            url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
            detail: 'low',
          },
        },
      ],
    },
  ],
  'tool loop with reasoning': [
    { role: 'user', content: 'Weather in Tokyo and Zürich?' },
    {
      role: 'assistant',
      content: null,
      reasoning_content: 'Two cities: two calls.',
      tool_calls: [toolCall('call_1', 'Tokyo'), toolCall('call_2', 'Zürich')],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    { role: 'tool', tool_call_id: 'call_2', content: '{"temp":12}' },
    { role: 'assistant', content: 'Tokyo 21 °C, Zürich 12 °C.', reasoning_content: 'Report both.' },
    { role: 'user', content: 'Thanks' },
  ],
  'messy history': [
    { role: 'system', content: '' },
    { role: 'user', content: 'First' },
    { role: 'assistant', content: '' },
    { role: 'tool', tool_call_id: 'orphan', content: 'nobody asked' },
    { role: 'assistant', content: 'Let me check.', tool_calls: [toolCall('call_unanswered', 'Oslo')] },
    {
      role: 'user',
      content: [
        { type: 'text', text: '' },
        { type: 'text', text: 'Again' },
      ],
    },
  ],
};

const MODELS: Record<string, Pick<ChatRequestOptions, 'model' | 'modelProfile' | 'modelRoutingConfig'>> = {
  'gpt-4o': { model: 'openai/gpt-4o' },
  'o3 (built-in reasoning rule)': { model: 'openai/o3' },
  'auto with routing config': {
    model: 'auto',
    modelRoutingConfig: { models: ['openai/gpt-4o', 'anthropic/claude-sonnet-4.5'], preference: 'quality' },
  },
  sendReasoningBack: {
    model: 'deepseek/deepseek-chat',
    modelProfile: { maxTokensField: 'max_tokens', supportsTemperature: true, sendReasoningBack: true },
  },
  'catalog profile': {
    model: 'vendor/thinker',
    modelProfile: modelProfileFor('vendor/thinker', {
      supportedParameters: ['max_completion_tokens', 'tools', 'seed', 'reasoning'],
    }),
  },
};

const PARAMETER_SETS: Record<string, GenerationParameters | undefined> = {
  none: undefined,
  full: FULL_PARAMETERS,
  'lower bounds': {
    temperature: 0,
    topP: 0,
    n: 1,
    maxTokens: 1,
    presencePenalty: -2,
    frequencyPenalty: -2,
    seed: -1,
    stop: 'STOP',
    reasoningEffort: 'minimal',
  },
  'upper bounds': {
    temperature: 2,
    topP: 1,
    n: 128,
    presencePenalty: 2,
    frequencyPenalty: 2,
    logitBias: { '0': 100 },
    reasoningEffort: 'xhigh',
  },
};

const TOOL_SETS: Record<string, Pick<ChatRequestOptions, 'tools' | 'toolChoice' | 'parallelToolCalls'>> = {
  none: {},
  'one tool': { tools: [weather] },
  'required, not parallel': { tools: [weather, noParameters], toolChoice: 'required', parallelToolCalls: false },
  'named function': {
    tools: [weather, noParameters],
    toolChoice: { type: 'function', function: { name: 'get_weather' } },
  },
  'tool choice none': { tools: [noParameters], toolChoice: 'none' },
  'tool choice without tools': { tools: [], toolChoice: 'auto', parallelToolCalls: true },
};

const FORMATS: Record<string, ResponseFormat | undefined> = {
  none: undefined,
  text: { type: 'text' },
  'json object': { type: 'json_object' },
  'json schema, name only': { type: 'json_schema', json_schema: { name: 'answer' } },
  'json schema, full': {
    type: 'json_schema',
    json_schema: {
      name: 'weather_report',
      description: 'A weather report',
      schema: {
        type: 'object',
        properties: { temp: { type: 'number' } },
        required: ['temp'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
};

const PROVIDERS: Record<string, ProviderPreferences | undefined> = {
  none: undefined,
  empty: { fallback: [] },
  routing: { routing: 'cost' },
  fallback: { fallback: ['anthropic/claude-sonnet-4.5', 'google/gemini-3-flash-preview'] },
  both: { routing: 'latency', fallback: ['openai/gpt-4o-mini'] },
};

describe('buildChatRequest: every combination of options', () => {
  it('validates against OpenAI’s schema (extensions aside), with no undeclared fields and no nulls', function () {
    this.timeout(60_000);
    let count = 0;
    for (const [modelName, model] of Object.entries(MODELS)) {
      for (const [parametersName, parameters] of Object.entries(PARAMETER_SETS)) {
        for (const [toolsName, tools] of Object.entries(TOOL_SETS)) {
          for (const [formatName, responseFormat] of Object.entries(FORMATS)) {
            for (const [providerName, provider] of Object.entries(PROVIDERS)) {
              for (const [conversationName, messages] of Object.entries(CONVERSATIONS)) {
                const where = [modelName, parametersName, toolsName, formatName, providerName, conversationName].join(
                  ' / ',
                );
                const body = JSON.parse(
                  JSON.stringify(
                    buildChatRequest({
                      ...model,
                      messages,
                      systemPrompt: 'Be brief.',
                      parameters,
                      ...tools,
                      responseFormat,
                      provider,
                    }),
                  ),
                ) as Record<string, unknown>;
                count++;
                assert.deepEqual(nullsIn(body), [], where);
                const plain = withoutExtensions(body);
                assert.deepEqual(validateChatCompletionRequest(plain), [], where);
                assert.deepEqual(undeclaredFields(plain), [], where);

                assert.equal(
                  'provider' in body,
                  providerName === 'routing' || providerName === 'fallback' || providerName === 'both',
                  where,
                );
                assert.equal('model_routing_config' in body, model.model === 'auto', where);
                const sentReasoning = (body.messages as Record<string, unknown>[]).some(
                  (m) => 'reasoning_content' in m,
                );
                assert.equal(
                  sentReasoning,
                  modelName === 'sendReasoningBack' && conversationName === 'tool loop with reasoning',
                  where,
                );
                assert.equal('tools' in body, (tools.tools ?? []).length > 0, where);
                assert.equal(
                  'tool_choice' in body,
                  (tools.tools ?? []).length > 0 && tools.toolChoice !== undefined,
                  where,
                );
                assert.deepEqual(body.response_format, responseFormat, where);
                if (parameters?.maxTokens !== undefined) {
                  const field =
                    modelName.startsWith('o3') || modelName === 'catalog profile'
                      ? 'max_completion_tokens'
                      : 'max_tokens';
                  assert.equal(body[field], parameters.maxTokens, where);
                }
                if (modelName.startsWith('o3') || modelName === 'catalog profile') {
                  assert.ok(!('temperature' in body) && !('top_p' in body), where);
                }
              }
            }
          }
        }
      }
    }
    assert.equal(count, 5 * 4 * 6 * 5 * 5 * 4);
  });
});

describe('buildChatRequest: options', () => {
  const user: ChatMessage[] = [{ role: 'user', content: 'Hi' }];

  it('sends each generation parameter under its API name, and nothing for unset ones', () => {
    const body = buildChatRequest({ model: 'openai/gpt-4o', messages: user, parameters: FULL_PARAMETERS });
    assert.deepEqual(body, {
      model: 'openai/gpt-4o',
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      top_p: 0.9,
      n: 2,
      stop: ['END', '###'],
      max_tokens: 512,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100, '1234': 5 },
      seed: 42,
      user: 'user-7f3a',
      reasoning_effort: 'high',
    });
    const sparse = buildChatRequest({ model: 'm', messages: user, parameters: { temperature: 0, stop: [] } });
    assert.deepEqual(Object.keys(sparse).sort(), ['messages', 'model', 'stream', 'stream_options', 'temperature']);
    assert.equal(sparse.temperature, 0, 'a temperature of 0 is a setting, not "unset"');
  });

  it('leaves out stream_options when usage is not wanted', () => {
    assert.ok(!('stream_options' in buildChatRequest({ model: 'm', messages: user, includeUsage: false })));
  });

  it('for OpenAI reasoning models sends max_completion_tokens and leaves out the sampling parameters they refuse', () => {
    const body = buildChatRequest({ model: 'openai/o4-mini', messages: user, parameters: FULL_PARAMETERS });
    assert.equal(body.max_completion_tokens, 512);
    for (const field of ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logit_bias']) {
      assert.ok(!(field in body), field);
    }
    assert.equal(body.reasoning_effort, 'high');
    assert.equal(body.seed, 42);
  });

  it('follows the model profile it is given over the built-in rules', () => {
    const body = buildChatRequest({
      model: 'openai/o3',
      messages: user,
      parameters: { temperature: 1, maxTokens: 100 },
      modelProfile: modelProfileFor('openai/o3', undefined, {
        maxTokensField: 'max_tokens',
        supportsTemperature: true,
        unsupportedParameters: [],
      }),
    });
    assert.deepEqual([body.max_tokens, body.max_completion_tokens, body.temperature], [100, undefined, 1]);
  });

  it('sends tool_choice and parallel_tool_calls only along with tools (the API refuses them alone)', () => {
    const body = buildChatRequest({
      model: 'm',
      messages: user,
      tools: [weather],
      toolChoice: 'auto',
      parallelToolCalls: false,
    });
    assert.deepEqual([body.tools, body.tool_choice, body.parallel_tool_calls], [[weather], 'auto', false]);
    const none = buildChatRequest({ model: 'm', messages: user, toolChoice: 'required', parallelToolCalls: true });
    assert.ok(!('tool_choice' in none) && !('parallel_tool_calls' in none) && !('tools' in none));
  });

  it('sends OfoxAI’s provider preferences, and model_routing_config only with model "auto"', () => {
    const routing: ModelRoutingConfig = { models: ['openai/gpt-4o'], preference: 'cost' };
    const auto = buildChatRequest({
      model: 'auto',
      messages: user,
      provider: { routing: 'balanced', fallback: ['x/y'] },
      modelRoutingConfig: routing,
    });
    assert.deepEqual(auto.provider, { routing: 'balanced', fallback: ['x/y'] });
    assert.deepEqual(auto.model_routing_config, routing);
    const fixed = buildChatRequest({
      model: 'openai/gpt-4o',
      messages: user,
      modelRoutingConfig: routing,
      provider: { fallback: [''] },
    });
    assert.ok(!('model_routing_config' in fixed) && !('provider' in fixed));
  });

  it('merges extraBody last, but never lets it replace model, messages or stream', () => {
    const body = buildChatRequest({
      model: 'openai/gpt-4o',
      messages: user,
      parameters: { temperature: 0.2, seed: 1 },
      extraBody: {
        temperature: 0.9,
        top_k: 40,
        transforms: ['middle-out'],
        model: 'evil/model',
        messages: [],
        stream: false,
        seed: null,
      },
    }) as unknown as Record<string, unknown>;
    assert.equal(body.model, 'openai/gpt-4o');
    assert.deepEqual(body.messages, user);
    assert.equal(body.stream, true);
    assert.equal(body.temperature, 0.9, 'extraBody wins over the typed options');
    assert.deepEqual([body.top_k, body.transforms], [40, ['middle-out']]);
    assert.ok(!('seed' in body), 'a null in extraBody removes the field instead of sending null');
    assert.deepEqual(RESERVED_BODY_FIELDS, ['model', 'messages', 'stream']);
  });

  it('does not let an extraBody "__proto__" key change the body', () => {
    const extraBody = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const body = buildChatRequest({ model: 'm', messages: user, extraBody }) as unknown as Record<string, unknown>;
    assert.equal(body.ok, 1);
    assert.equal(body.polluted, undefined);
    assert.equal(Object.getPrototypeOf(body), Object.prototype);
  });
});

describe('buildChatRequest: messages in the shape the API expects', () => {
  it('sends a reply that was only tool calls without content, then the results, and drops the reasoning by default', () => {
    const body = buildChatRequest({ model: 'openai/gpt-4o', messages: CONVERSATIONS['tool loop with reasoning'] });
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'Weather in Tokyo and Zürich?' },
      { role: 'assistant', tool_calls: [toolCall('call_1', 'Tokyo'), toolCall('call_2', 'Zürich')] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'tool', tool_call_id: 'call_2', content: '{"temp":12}' },
      { role: 'assistant', content: 'Tokyo 21 °C, Zürich 12 °C.' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('sends reasoning back as reasoning_content when the profile asks for it', () => {
    const body = buildChatRequest({ ...MODELS.sendReasoningBack, messages: CONVERSATIONS['tool loop with reasoning'] });
    const replies = body.messages.filter((message) => message.role === 'assistant');
    assert.deepEqual(
      replies.map((message) => message.reasoning_content),
      ['Two cities: two calls.', 'Report both.'],
    );
  });

  it('leaves out tool calls nobody answered, tool results nobody asked for, empty text parts and empty messages', () => {
    const body = buildChatRequest({ model: 'm', messages: CONVERSATIONS['messy history'] });
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'First' },
      { role: 'assistant', content: 'Let me check.' },
      { role: 'user', content: [{ type: 'text', text: 'Again' }] },
    ]);
  });

  it('keeps only the results that answer the call they follow, once each, in their order', () => {
    const body = buildChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', tool_calls: [toolCall('a', 'A'), toolCall('b', 'B'), toolCall('c', 'C')] },
        { role: 'tool', tool_call_id: 'b', content: 'B!' },
        { role: 'tool', tool_call_id: 'x', content: 'stray' },
        { role: 'tool', tool_call_id: 'a', content: 'A!' },
        { role: 'tool', tool_call_id: 'a', content: 'A again' },
      ],
    });
    assert.deepEqual(body.messages.slice(1), [
      { role: 'assistant', tool_calls: [toolCall('a', 'A'), toolCall('b', 'B')] },
      { role: 'tool', tool_call_id: 'b', content: 'B!' },
      { role: 'tool', tool_call_id: 'a', content: 'A!' },
    ]);
  });

  it('sends tool calls from a stream without their index (not an API field of requests)', () => {
    const assembled = { ...toolCall('call_9', 'Rome'), index: 3 };
    const body = buildChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'Rome?' },
        { role: 'assistant', tool_calls: [assembled] },
        { role: 'tool', tool_call_id: 'call_9', content: 'sunny' },
      ],
    });
    assert.deepEqual(body.messages[1], { role: 'assistant', tool_calls: [toolCall('call_9', 'Rome')] });
  });

  it('sends images as content parts, with detail only when set', () => {
    const body = buildChatRequest({ model: 'google/gemini-3-flash-preview', messages: CONVERSATIONS.images });
    assert.deepEqual(body.messages, CONVERSATIONS.images);
  });
});
