import { strict as assert } from 'node:assert';
import { buildChatRequest } from '../../src/core/chatRequest';
import { combineToolboxes } from '../../src/core/tools/combinedToolbox';
import {
  buildVscodeToolCatalog,
  checkToolSchema,
  mapToolNames,
  VALID_TOOL_NAME,
  VSCODE_TOOL_LIMITS,
  vscodeCatalogToolbox,
  type VscodeToolInfo,
} from '../../src/core/tools/vscodeToolCatalog';
import { classifyResultPart, resultText, vscodeToolAnswer } from '../../src/core/tools/vscodeToolResult';
import { workspaceToolbox } from '../../src/core/tools/workspaceToolbox';
import { ACTING_TOOL_NAMES, READ_ONLY_TOOL_NAMES } from '../../src/core/tools/workspaceTools';
import { validateChatCompletionRequest } from '../support/requestSchema';

const WORKSPACE_NAMES = [...READ_ONLY_TOOL_NAMES, ...ACTING_TOOL_NAMES];

function tool(name: string, extra: Partial<VscodeToolInfo> = {}): VscodeToolInfo {
  return { name, description: `The ${name} tool.`, inputSchema: undefined, tags: [], ...extra };
}

/** A catalog where every tool given is one an extension declares. */
function catalogOf(tools: readonly VscodeToolInfo[], contributed = tools.map((item) => item.name)) {
  return buildVscodeToolCatalog(tools, { reservedNames: WORKSPACE_NAMES, contributedNames: new Set(contributed) });
}

/** Stand-ins with the fields of VS Code's result part classes (LanguageModelTextPart, …). */
class TextPart {
  constructor(readonly value: string) {}
}
class PromptTsxPart {
  constructor(readonly value: unknown) {}
}
class DataPart {
  constructor(
    readonly data: Uint8Array,
    readonly mimeType: string,
  ) {}
}

describe('tools of VS Code (vscode.lm.tools)', () => {
  describe('names the model calls', () => {
    it('keeps a valid name that is free, as it is', () => {
      const names = mapToolNames(['mcp_github_list_issues', 'renderMermaidDiagram'], new Set(WORKSPACE_NAMES));
      assert.equal(names.get('mcp_github_list_issues'), 'mcp_github_list_issues');
      assert.equal(names.get('renderMermaidDiagram'), 'renderMermaidDiagram');
    });

    it('renames a tool named like one of the workspace tools, so each name still means one tool', () => {
      const names = mapToolNames(['read_file', 'run_terminal_command'], new Set(WORKSPACE_NAMES));
      assert.match(names.get('read_file') ?? '', /^read_file_[0-9a-f]{8}$/);
      assert.match(names.get('run_terminal_command') ?? '', /^run_terminal_command_[0-9a-f]{8}$/);
    });

    it('makes invalid and overlong names valid, and two that read alike stay apart', () => {
      const real = ['weather.today', 'weather today', 'wetter/heute', 'ü', 'x'.repeat(100), '', 'a'];
      const names = mapToolNames(real, new Set());
      const offered = [...names.values()];
      for (const name of offered) assert.match(name, VALID_TOOL_NAME);
      assert.equal(new Set(offered).size, names.size, `two tools got one name: ${offered.join(', ')}`);
      assert.match(names.get('weather.today') ?? '', /^weather_today_[0-9a-f]{8}$/);
      assert.notEqual(names.get('weather.today'), names.get('weather today'));
      assert.equal(names.get('a'), 'a');
    });

    it('gives a tool the same name whatever order VS Code lists the tools in, and whatever else is there', () => {
      const a = mapToolNames(['b.tool', 'a.tool', 'read_file'], new Set(WORKSPACE_NAMES));
      const b = mapToolNames(['read_file', 'a.tool', 'b.tool', 'c'], new Set(WORKSPACE_NAMES));
      for (const name of ['a.tool', 'b.tool', 'read_file']) assert.equal(a.get(name), b.get(name));
    });

    it('does not take the name of another tool that already has it', () => {
      const first = mapToolNames(['weather.today'], new Set()).get('weather.today') as string;
      // Another tool is really called what the renamed one would become.
      const names = mapToolNames(['weather.today', first], new Set());
      assert.equal(names.get(first), first);
      assert.notEqual(names.get('weather.today'), first);
      assert.match(names.get('weather.today') ?? '', VALID_TOOL_NAME);
    });
  });

  describe('input schemas', () => {
    it('no schema means no arguments', () => {
      assert.deepEqual(checkToolSchema(undefined), { ok: true, parameters: { type: 'object', properties: {} } });
    });

    it('a schema is copied as JSON; one without a type describes an object', () => {
      const schema = { properties: { q: { type: 'string' } }, required: ['q'] };
      const checked = checkToolSchema(schema);
      assert.ok(checked.ok);
      assert.deepEqual(checked.parameters, { type: 'object', ...schema });
      assert.notEqual(checked.parameters.properties, schema.properties, 'the tool’s own object was handed on');
    });

    it('refuses a schema over the size limit, one that is not an object, and one that is not JSON', () => {
      const big = { type: 'object', properties: { a: { type: 'string', description: 'x'.repeat(17_000) } } };
      const tooLarge = checkToolSchema(big);
      assert.ok(!tooLarge.ok && tooLarge.reason === 'schemaTooLarge' && (tooLarge.bytes ?? 0) > 16 * 1024);
      assert.deepEqual(checkToolSchema({ type: 'string' }), { ok: false, reason: 'schemaNotObject' });
      assert.deepEqual(checkToolSchema(['object']), { ok: false, reason: 'schemaNotObject' });
      const cyclic: Record<string, unknown> = { type: 'object' };
      cyclic.self = cyclic;
      assert.deepEqual(checkToolSchema(cyclic), { ok: false, reason: 'schemaInvalid' });
      assert.deepEqual(checkToolSchema({ type: 'object', n: 1n }), { ok: false, reason: 'schemaInvalid' });
    });

    it('counts the size in UTF-8 bytes, as it is sent', () => {
      const schema = { type: 'object', description: 'あ'.repeat(6000) }; // 18,000 bytes, 6,000 characters
      const checked = checkToolSchema(schema);
      assert.ok(!checked.ok && checked.reason === 'schemaTooLarge');
    });
  });

  describe('the catalog', () => {
    it('offers extensions’ and MCP servers’ tools as valid tools of a request against OpenAI’s schema', () => {
      const catalog = catalogOf(
        [
          tool('gatewayChatTest_echo', {
            inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
          }),
          tool('read_file'),
          tool('mcp_weather_forecast', { tags: ['mcp'], description: 'Forecast.' }),
        ],
        ['gatewayChatTest_echo', 'read_file'],
      );
      assert.equal(catalog.definitions.length, 3);
      const body = buildChatRequest({
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        tools: combineToolboxes(
          workspaceToolbox({ acting: true, folders: [{ name: 'p' }] }),
          vscodeCatalogToolbox(catalog),
        ).definitions,
        toolChoice: 'auto',
      });
      assert.deepEqual(validateChatCompletionRequest(body), []);
      const names = body.tools?.map((item) => item.function.name) ?? [];
      assert.equal(new Set(names).size, names.length, 'a name is sent twice');
      const renamed = [...catalog.realNames].find(([, real]) => real === 'read_file')?.[0];
      assert.match(renamed ?? '', /^read_file_[0-9a-f]{8}$/);
      assert.equal(catalog.realNames.get('mcp_weather_forecast'), 'mcp_weather_forecast');
      const echo = catalog.definitions.find((item) => item.function.name === 'gatewayChatTest_echo');
      assert.equal(echo?.function.description, 'The gatewayChatTest_echo tool.');
      assert.deepEqual(echo?.function.parameters?.required, ['text']);
    });

    it('leaves out VS Code’s own chat tools and Copilot’s, which belong to that chat', () => {
      const catalog = catalogOf(
        [
          tool('run_in_terminal'), // VS Code's agent tool: no extension declares it
          tool('inline_chat_exit'),
          tool('vscode_renameSymbol'),
          tool('copilot_readFile', { tags: ['vscode_codesearch'] }),
          tool('ext_tool', { tags: ['vscode_editing'] }),
          tool('renderMermaidDiagram'),
        ],
        ['copilot_readFile', 'ext_tool', 'renderMermaidDiagram'],
      );
      assert.deepEqual(
        catalog.definitions.map((item) => item.function.name),
        ['renderMermaidDiagram'],
      );
      assert.deepEqual(
        catalog.leftOut.map((item) => [item.name, item.reason]),
        [
          ['run_in_terminal', 'otherChat'],
          ['inline_chat_exit', 'otherChat'],
          ['vscode_renameSymbol', 'otherChat'],
          ['copilot_readFile', 'otherChat'],
          ['ext_tool', 'otherChat'],
        ],
      );
    });

    it('names each tool it leaves out for its schema, with the size of one too large', () => {
      const catalog = catalogOf([
        tool('huge', { inputSchema: { type: 'object', description: 'x'.repeat(20_000) } }),
        tool('scalar', { inputSchema: { type: 'number' } }),
        tool('fine'),
      ]);
      assert.deepEqual(
        catalog.definitions.map((item) => item.function.name),
        ['fine'],
      );
      assert.deepEqual(catalog.leftOut[0].name, 'huge');
      assert.equal(catalog.leftOut[0].reason, 'schemaTooLarge');
      assert.ok((catalog.leftOut[0].bytes ?? 0) > 20_000);
      assert.deepEqual(catalog.leftOut[1], { name: 'scalar', reason: 'schemaNotObject' });
    });

    it('offers at most the limit of tools (the API takes 128 per request), the same ones every time', () => {
      const many = Array.from({ length: VSCODE_TOOL_LIMITS.maxTools + 5 }, (_, i) =>
        tool(`t${String(i).padStart(3, '0')}`),
      );
      const catalog = catalogOf([...many].reverse());
      assert.equal(catalog.definitions.length, VSCODE_TOOL_LIMITS.maxTools);
      assert.deepEqual(
        catalog.leftOut.map((item) => [item.name, item.reason]),
        ['t100', 't101', 't102', 't103', 't104'].map((name) => [name, 'tooMany']),
      );
    });

    it('cuts a very long description and leaves out an empty one', () => {
      const catalog = catalogOf([
        tool('long', { description: 'd'.repeat(10_000) }),
        tool('none', { description: ' ' }),
      ]);
      const [long, none] = catalog.definitions;
      assert.equal(long.function.description?.length, VSCODE_TOOL_LIMITS.maxDescriptionChars);
      assert.ok(long.function.description?.endsWith('…'));
      assert.equal(none.function.description, undefined);
    });

    it('asks before every call, unless the user allowed that tool for the conversation', () => {
      const catalog = catalogOf([tool('a'), tool('b')]);
      const toolbox = vscodeCatalogToolbox(catalog, new Set(['b']));
      assert.equal(toolbox.needsApproval('a', {}), true);
      assert.equal(toolbox.needsApproval('b', {}), false);
      assert.equal(vscodeCatalogToolbox(catalog).needsApproval('b', {}), true);
      assert.deepEqual(toolbox.checkArguments?.('a', { x: 1 }), { ok: true, value: { x: 1 } });
      assert.equal(toolbox.checkArguments?.('zzz', {}).ok, false);
    });

    it('combined with the workspace tools, a workspace tool keeps its policy and a VS Code tool is asked about', () => {
      const catalog = catalogOf([tool('read_file'), tool('mcp_x', { tags: ['mcp'] })], ['read_file']);
      const renamed = [...catalog.realNames.keys()].find((name) => name.startsWith('read_file_')) as string;
      const both = combineToolboxes(
        workspaceToolbox({ acting: false, folders: [{ name: 'p' }] }),
        vscodeCatalogToolbox(catalog),
      );
      assert.equal(both.needsApproval('read_file', { path: 'a' }), false);
      assert.equal(both.needsApproval(renamed, { path: 'a' }), true);
      assert.equal(both.needsApproval('mcp_x', {}), true);
    });
  });

  describe('results as text for the model', () => {
    it('joins text parts, writes a prompt-tsx part as JSON and reads text and JSON data as text', () => {
      const json = new TextEncoder().encode('{"answer": 42}');
      const answer = vscodeToolAnswer({
        content: [
          new TextPart('first'),
          new PromptTsxPart({ node: { type: 1, children: [{ type: 2, text: 'hi' }] } }),
          new DataPart(json, 'text/x-json'),
          new DataPart(json, 'application/vnd.api+json'),
          new DataPart(new TextEncoder().encode('plain'), 'text/plain; charset=utf-8'),
        ],
      });
      assert.deepEqual(answer, {
        ok: true,
        text: [
          'first',
          '{"node":{"type":1,"children":[{"type":2,"text":"hi"}]}}',
          '{"answer": 42}',
          '{"answer": 42}',
          'plain',
        ].join('\n'),
      });
    });

    it('names binary data (its type and size) instead of sending its bytes', () => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
      assert.equal(
        resultText([classifyResultPart(new DataPart(png, 'image/png'))]),
        '[binary data: image/png, 8 bytes]',
      );
    });

    it('names a part of a kind it does not know, and says when there is no content at all', () => {
      assert.equal(
        vscodeToolAnswer({ content: [42, { other: true }] }).text,
        '[a part of the result that is neither text nor data]\n[a part of the result that is neither text nor data]',
      );
      assert.equal(vscodeToolAnswer({ content: [] }).text, '(The tool returned no content.)');
      assert.equal(vscodeToolAnswer(undefined).text, '(The tool returned no content.)');
    });

    it('marks a result the tool flagged as an error (an MCP tool’s isError), with its text', () => {
      assert.deepEqual(vscodeToolAnswer({ content: [new TextPart('no such city')], hasError: true }), {
        ok: false,
        text: 'no such city',
      });
    });

    it('bounds a huge result, a prompt element that is not JSON, and huge data', () => {
      const answer = vscodeToolAnswer({ content: [new TextPart('a'.repeat(300_000)), new TextPart('never')] });
      assert.equal(answer.text.length, 200_000);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      assert.equal(
        resultText([{ kind: 'promptTsx', value: cyclic }]),
        '[a prompt element that cannot be written as JSON]',
      );
      const bytes = new Uint8Array(10_000_000).fill(0x61);
      assert.equal(resultText([{ kind: 'data', mimeType: 'text/plain', data: bytes }], 1000).length, 1000);
    });
  });
});
