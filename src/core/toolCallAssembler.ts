import type { AssembledToolCall } from './chatTypes';

/** What one `delta.tool_calls` item added to a call. */
export interface ToolCallPiece {
  readonly index: number;
  /** Only on the piece where the id first appeared. */
  readonly id?: string;
  /** Only on the piece where the name first appeared. */
  readonly name?: string;
  readonly argumentsDelta: string;
}

interface PartialCall {
  id?: string;
  name?: string;
  arguments: string;
}

/**
 * Puts the tool calls of one choice together from the `delta.tool_calls` items of a stream: the id and name come
 * with the first item of a call, the JSON arguments in many pieces, and several calls may be interleaved; items
 * are matched by `index`.
 *
 * Gateways that deviate are handled too: an item without `index` belongs to the call with its `id`, or else to the
 * call the item before it went to; an item that reuses an `index` with a different `id` starts a new call (parallel calls all
 * sent as index 0); a repeated id or name is not appended again; arguments sent as a JSON object are serialized.
 */
export class ToolCallAssembler {
  private readonly calls = new Map<number, PartialCall>();
  /** The API's index → ours: the same unless an index was reused for another call. */
  private readonly indexOf = new Map<number, number>();
  private last: number | undefined;

  get size(): number {
    return this.calls.size;
  }

  /** Adds one chunk's `delta.tool_calls` (anything else is ignored) and returns what it added. */
  push(items: unknown): ToolCallPiece[] {
    if (!Array.isArray(items)) return [];
    const pieces: ToolCallPiece[] = [];
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      const piece = this.add(item as Record<string, unknown>);
      if (piece) pieces.push(piece);
    }
    return pieces;
  }

  /**
   * The calls so far, in index order. A call whose id never came gets `call_<choice>_<index>`, so that its result
   * can still be matched to it when it is sent back.
   */
  complete(choice = 0): AssembledToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        index,
        id: call.id ?? `call_${choice}_${index}`,
        type: 'function' as const,
        function: { name: call.name ?? '', arguments: call.arguments },
      }));
  }

  private add(item: Record<string, unknown>): ToolCallPiece | undefined {
    const fn =
      typeof item.function === 'object' && item.function !== null ? (item.function as Record<string, unknown>) : {};
    const id = typeof item.id === 'string' && item.id.length > 0 ? item.id : undefined;
    const name = typeof fn.name === 'string' && fn.name.length > 0 ? fn.name : undefined;
    const args =
      typeof fn.arguments === 'string'
        ? fn.arguments
        : typeof fn.arguments === 'object' && fn.arguments !== null
          ? JSON.stringify(fn.arguments)
          : '';

    if (id === undefined && name === undefined && args.length === 0) return undefined;
    const index = this.resolveIndex(item.index, id);
    let call = this.calls.get(index);
    if (!call) {
      call = { arguments: '' };
      this.calls.set(index, call);
    }
    this.last = index;

    const newId = id !== undefined && call.id === undefined ? id : undefined;
    const newName = name !== undefined && call.name === undefined ? name : undefined;
    if (newId) call.id = newId;
    if (newName) call.name = newName;
    call.arguments += args;
    if (!newId && !newName && args.length === 0) return undefined; // a repeated id or name
    return { index, ...(newId ? { id: newId } : {}), ...(newName ? { name: newName } : {}), argumentsDelta: args };
  }

  private resolveIndex(wire: unknown, id: string | undefined): number {
    if (typeof wire === 'number' && Number.isInteger(wire) && wire >= 0) {
      const mapped = this.indexOf.get(wire);
      if (mapped === undefined) {
        const index = this.calls.has(wire) ? this.nextIndex() : wire;
        this.indexOf.set(wire, index);
        return index;
      }
      const existing = this.calls.get(mapped)?.id;
      if (id !== undefined && existing !== undefined && existing !== id) {
        const index = this.findById(id) ?? this.nextIndex();
        this.indexOf.set(wire, index);
        return index;
      }
      return mapped;
    }
    if (id !== undefined) return this.findById(id) ?? this.nextIndex();
    return this.last ?? this.nextIndex();
  }

  private findById(id: string): number | undefined {
    for (const [index, call] of this.calls) if (call.id === id) return index;
    return undefined;
  }

  private nextIndex(): number {
    let max = -1;
    for (const index of this.calls.keys()) max = Math.max(max, index);
    return max + 1;
  }
}
