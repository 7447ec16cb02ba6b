/** Helpers for the chat client and model catalog tests (not a test file itself). */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamChatCompletion, type ChatClientOptions } from '../../src/core/chatClient';
import { buildChatRequest } from '../../src/core/chatRequest';
import type { ChatCompletionRequest, ChatEvent } from '../../src/core/chatTypes';
import type { Logger } from '../../src/core/logger';
import type { RetryClock } from '../../src/core/retryPolicy';
import { FakeGateway } from '../support/fakeGateway';

export const API_KEY = 'sk-test-4f9a8b7c6d5e4f3a2b1c';

export function request(text = 'Hello?'): ChatCompletionRequest {
  return buildChatRequest({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: text }] });
}

export async function collect(
  options: ChatClientOptions,
  body: ChatCompletionRequest = request(),
  signal: AbortSignal = new AbortController().signal,
): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of streamChatCompletion(options, body, signal)) events.push(event);
  return events;
}

export function errorOf(events: readonly ChatEvent[]) {
  const last = events[events.length - 1];
  assert.ok(last && last.type === 'error', `expected a final error event, got ${JSON.stringify(events)}`);
  return last.error;
}

export function retriesOf(events: readonly ChatEvent[]) {
  return events.flatMap((event) => (event.type === 'retrying' ? [event] : []));
}

/** A clock whose sleeps return at once (recording what was asked), with no jitter: retry tests do not wait. */
export function instantClock(
  now: () => number = () => Date.now(),
  onSleep?: (ms: number) => Promise<void> | void,
): RetryClock & { readonly sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      await onSleep?.(ms);
    },
  };
}

/** What each test of a chat client suite starts with: a fake gateway of its own, an instant clock, options for both. */
export interface LocalGateway {
  readonly gateway: FakeGateway;
  readonly clock: ReturnType<typeof instantClock>;
  readonly options: ChatClientOptions;
}

/**
 * Registers the hooks of a chat client suite (call it inside `describe`): before each test a fresh local fake gateway
 * and instant clock, handed to `use`; after it the gateway is closed.
 */
export function useLocalGateway(use: (local: LocalGateway) => void): void {
  let gateway: FakeGateway | undefined;
  beforeEach(async () => {
    gateway = await FakeGateway.start();
    const clock = instantClock();
    use({ gateway, clock, options: { baseUrl: gateway.baseUrl, apiKey: API_KEY, clock } });
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });
}

/** A logger that keeps every line, to check what the client logs. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

/** A port nothing listens on (a refused connection). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The global fetch, with the response body counted as the client reads it: what the client was handed is an upper
 * bound of what it can hold.
 */
export function countingFetch(): { readonly fetch: typeof fetch; readonly received: () => number } {
  let received = 0;
  const counted: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: counted, received: () => received };
}
