/** Helpers shared by the unit tests (not a test file itself). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createParser } from 'eventsource-parser';
import { ChatStreamDecoder } from '../../src/core/chatStreamDecoder';
import type { ChatEvent } from '../../src/core/chatTypes';
import { fixturesDir } from '../support/requestSchema';

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

/** Adjacent text events joined: how the chunking of a stream may differ without the user seeing a difference. */
export function mergeText(events: readonly ChatEvent[]): ChatEvent[] {
  const merged: ChatEvent[] = [];
  for (const event of events) {
    const last = merged[merged.length - 1];
    if (event.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + event.text };
    else merged.push(event);
  }
  return merged;
}

export interface StreamSummary {
  text: string;
  model?: string;
  usage?: { promptTokens?: number; completionTokens?: number; totalTokens?: number };
  finish?: string;
  errorKind?: string;
  errorMessage?: string;
  errorCode?: string;
}

/** What the user ends up seeing from a list of events. Also checks that nothing follows an error. */
export function summarize(events: readonly ChatEvent[]): StreamSummary {
  const summary: StreamSummary = { text: '' };
  events.forEach((event, index) => {
    switch (event.type) {
      case 'text':
        summary.text += event.text;
        break;
      case 'model':
        if (summary.model !== undefined) throw new Error(`model reported twice: ${summary.model}, ${event.model}`);
        summary.model = event.model;
        break;
      case 'usage':
        summary.usage = { ...event.usage };
        break;
      case 'finish':
        if (summary.finish !== undefined) throw new Error('finish reported twice');
        summary.finish = event.reason;
        break;
      case 'error':
        if (index !== events.length - 1) throw new Error(`events after the error: ${JSON.stringify(events.slice(index + 1))}`);
        summary.errorKind = event.error.kind;
        summary.errorMessage = event.error.message;
        if (event.error.code !== undefined) summary.errorCode = event.error.code;
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

/** A small seeded PRNG (mulberry32) so random splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
