/** Helpers shared by the unit tests (not a test file itself). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createParser } from 'eventsource-parser';
import { ChatStreamDecoder } from '../../src/core/chatStreamDecoder';
import { choiceOf, type AssembledToolCall, type ChatEvent, type Usage } from '../../src/core/chatTypes';
import { fixturesDir } from '../support/requestSchema';
export { seededRandom } from '../support/seededRandom';

export const SSE_FIXTURES = path.join(fixturesDir(), 'sse');

export function readSseFixture(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(SSE_FIXTURES, `${name}.sse`)));
}

export function listSseFixtures(): string[] {
  return fs
    .readdirSync(SSE_FIXTURES)
    .filter((file) => file.endsWith('.sse'))
    .map((file) => file.slice(0, -'.sse'.length))
    .sort();
}

/** Runs byte pieces through the decoder exactly as `streamChatCompletion` does with a response body. */
export function decodePieces(pieces: readonly Uint8Array[], host = 'gateway.test'): ChatEvent[] {
  const decoder = new ChatStreamDecoder(host);
  const text = new TextDecoder('utf-8');
  const events: ChatEvent[] = [];
  for (const piece of pieces) {
    if (decoder.closed) break;
    events.push(...decoder.feed(text.decode(piece, { stream: true })));
  }
  if (!decoder.closed) events.push(...decoder.feed(text.decode()));
  events.push(...decoder.end());
  return events;
}

/** Splits bytes at the given positions (sorted, within 0..length). */
export function splitAt(bytes: Uint8Array, positions: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const position of positions) {
    pieces.push(bytes.subarray(start, position));
    start = position;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

/**
 * Adjacent text events of the same choice joined, and adjacent reasoning events of the same choice: how the
 * chunking of a stream may differ without the user seeing a difference.
 */
export function mergeText(events: readonly ChatEvent[]): ChatEvent[] {
  const merged: ChatEvent[] = [];
  for (const event of events) {
    const last = merged[merged.length - 1];
    if (event.type === 'text' && last?.type === 'text' && choiceOf(last) === choiceOf(event)) {
      merged[merged.length - 1] = { ...last, text: last.text + event.text };
    } else if (event.type === 'reasoning' && last?.type === 'reasoning' && last.choice === event.choice) {
      merged[merged.length - 1] = { ...last, text: last.text + event.text };
    } else merged.push(event);
  }
  return merged;
}

export interface ChoiceSummary {
  text: string;
  reasoning?: string;
  toolCalls?: AssembledToolCall[];
  finish?: string;
}

export interface StreamSummary extends ChoiceSummary {
  model?: string;
  usage?: Usage;
  errorKind?: string;
  errorMessage?: string;
  errorCode?: string;
  /** Choices other than 0 (only with n > 1). */
  choices?: Record<number, ChoiceSummary>;
}

/**
 * What the user ends up seeing from a list of events: choice 0 at the top level, other choices under `choices`.
 * Also checks the rules every stream keeps: nothing follows an error, one finish per choice and nothing for that
 * choice after it, and the tool-call deltas add up to the completed calls.
 */
export function summarize(events: readonly ChatEvent[]): StreamSummary {
  const summary: StreamSummary = { text: '' };
  const forChoice = (choice: number): ChoiceSummary => {
    if (choice === 0) return summary;
    summary.choices ??= {};
    return (summary.choices[choice] ??= { text: '' });
  };
  const open = (choice: number): ChoiceSummary => {
    const target = forChoice(choice);
    if (target.finish !== undefined) throw new Error(`an event for choice ${choice} after its finish`);
    return target;
  };
  const deltas = new Map<string, { id?: string; name?: string; args: string }>();
  events.forEach((event, index) => {
    switch (event.type) {
      case 'text':
        open(choiceOf(event)).text += event.text;
        break;
      case 'reasoning': {
        const target = open(event.choice);
        target.reasoning = (target.reasoning ?? '') + event.text;
        break;
      }
      case 'toolCallDelta': {
        open(event.choice);
        const key = `${event.choice}/${event.index}`;
        const call = deltas.get(key) ?? { args: '' };
        if (event.id !== undefined) {
          if (call.id !== undefined) throw new Error(`tool call ${key}: id reported twice`);
          call.id = event.id;
        }
        if (event.name !== undefined) {
          if (call.name !== undefined) throw new Error(`tool call ${key}: name reported twice`);
          call.name = event.name;
        }
        call.args += event.argumentsDelta;
        deltas.set(key, call);
        break;
      }
      case 'toolCalls': {
        const target = open(event.choice);
        if (target.toolCalls !== undefined) throw new Error(`tool calls of choice ${event.choice} reported twice`);
        target.toolCalls = event.calls.map((call) => ({ ...call, function: { ...call.function } }));
        for (const call of event.calls) {
          const fromDeltas = deltas.get(`${event.choice}/${call.index}`);
          if (
            !fromDeltas ||
            fromDeltas.args !== call.function.arguments ||
            (fromDeltas.name ?? '') !== call.function.name
          ) {
            throw new Error(
              `tool call ${event.choice}/${call.index} does not match its deltas: ${JSON.stringify(fromDeltas)}`,
            );
          }
          if (fromDeltas.id !== undefined && fromDeltas.id !== call.id)
            throw new Error(`tool call id changed: ${call.id}`);
        }
        break;
      }
      case 'model':
        if (summary.model !== undefined) throw new Error(`model reported twice: ${summary.model}, ${event.model}`);
        summary.model = event.model;
        break;
      case 'usage':
        summary.usage = { ...event.usage };
        break;
      case 'finish': {
        const target = forChoice(choiceOf(event));
        if (target.finish !== undefined) throw new Error(`finish of choice ${choiceOf(event)} reported twice`);
        target.finish = event.reason;
        break;
      }
      case 'error':
        if (index !== events.length - 1)
          throw new Error(`events after the error: ${JSON.stringify(events.slice(index + 1))}`);
        summary.errorKind = event.error.kind;
        summary.errorMessage = event.error.message;
        if (event.error.code !== undefined) summary.errorCode = event.error.code;
        break;
      case 'retrying':
      case 'waiting':
        // Before any of the reply: they change nothing the user ends up seeing.
        break;
    }
  });
  return summary;
}

/** The `data:` payloads of the default (message) events of a stream, parsed independently of the decoder. */
export function dataPayloads(bytes: Uint8Array): { data: string; event?: string }[] {
  const payloads: { data: string; event?: string }[] = [];
  const parser = createParser({ onEvent: (event) => payloads.push({ data: event.data, event: event.event }) });
  parser.feed(new TextDecoder('utf-8').decode(bytes));
  parser.feed('\n\n');
  return payloads;
}
