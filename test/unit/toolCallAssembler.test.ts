import { strict as assert } from 'node:assert';
import { ToolCallAssembler } from '../../src/core/toolCallAssembler';

describe('ToolCallAssembler', () => {
  it('merges interleaved calls by index, taking id and name from their first piece', () => {
    const tools = new ToolCallAssembler();
    tools.push([{ index: 0, id: 'call_a', type: 'function', function: { name: 'read', arguments: '' } }]);
    tools.push([{ index: 1, id: 'call_b', type: 'function', function: { name: 'write', arguments: '{"p' } }]);
    tools.push([
      { index: 0, function: { arguments: '{"f":1}' } },
      { index: 1, function: { arguments: '":2}' } },
    ]);
    assert.deepEqual(tools.complete(), [
      { index: 0, id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"f":1}' } },
      { index: 1, id: 'call_b', type: 'function', function: { name: 'write', arguments: '{"p":2}' } },
    ]);
  });

  it('does not append a name or id that a gateway repeats on every piece', () => {
    const tools = new ToolCallAssembler();
    const first = tools.push([{ index: 0, id: 'call_a', function: { name: 'read', arguments: '{' } }]);
    const again = tools.push([{ index: 0, id: 'call_a', function: { name: 'read', arguments: '}' } }]);
    assert.deepEqual(first, [{ index: 0, id: 'call_a', name: 'read', argumentsDelta: '{' }]);
    assert.deepEqual(again, [{ index: 0, argumentsDelta: '}' }]);
    assert.deepEqual(tools.complete()[0].function, { name: 'read', arguments: '{}' });
  });

  it('keeps parallel calls apart when a gateway sends all of them as index 0 with their own ids', () => {
    const tools = new ToolCallAssembler();
    tools.push([{ index: 0, id: 'call_a', function: { name: 'f', arguments: '{"n":1}' } }]);
    tools.push([{ index: 0, id: 'call_b', function: { name: 'f', arguments: '{"n":' } }]);
    tools.push([{ index: 0, function: { arguments: '2}' } }]);
    assert.deepEqual(
      tools.complete().map((call) => [call.index, call.id, call.function.arguments]),
      [
        [0, 'call_a', '{"n":1}'],
        [1, 'call_b', '{"n":2}'],
      ],
    );
  });

  it('places pieces without an index by their id, else with the piece before them', () => {
    const tools = new ToolCallAssembler();
    tools.push([{ id: 'call_a', function: { name: 'f', arguments: '{' } }]);
    tools.push([{ id: 'call_b', function: { name: 'g', arguments: '[' } }]);
    tools.push([{ function: { arguments: ']' } }]);
    tools.push([{ id: 'call_a', function: { arguments: '}' } }]);
    assert.deepEqual(
      tools.complete().map((call) => call.function.arguments),
      ['{}', '[]'],
    );
  });

  it('serializes arguments sent as an object, names calls that came without an id, and ignores empty pieces', () => {
    const tools = new ToolCallAssembler();
    assert.deepEqual(tools.push([{ index: 0 }, null, 'x']), []);
    assert.equal(tools.size, 0);
    tools.push([{ index: 0, function: { name: 'lookup', arguments: { city: 'Zürich' } } }]);
    assert.deepEqual(tools.complete(2), [
      { index: 0, id: 'call_2_0', type: 'function', function: { name: 'lookup', arguments: '{"city":"Zürich"}' } },
    ]);
    assert.deepEqual(tools.push(undefined), []);
  });
});
