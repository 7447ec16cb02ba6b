/**
 * Runs a reply turn: feeds the engine (`createReplyTurn`) its inputs one at a time and performs the effects that need
 * I/O — sending each round's request and reading its events, running tools, aborting and cancelling — through the
 * ports it is given. Everything else the engine says (text to show, questions to ask, records to save) goes to
 * `show`, in order. The panel chat, the editor commands and VS Code's native chat each give their own ports, so the
 * loop, its ordering and its Stop handling are written once.
 *
 * Inputs are queued and handled strictly one after another: a stream event, a tool result, the user's decision and
 * Stop can arrive in any order without two of them ever being handled at once.
 */
import type { ChatEvent, ChatMessage, ToolCall, ToolDefinition } from '../chatTypes';
import type { ReplyTurn } from './replyTurn';
import type { ApprovalDecision, TurnEffect, TurnInput } from './turnTypes';

export type TurnEnded = Extract<TurnEffect, { type: 'turnEnded' }>;

export interface TurnPorts {
  /** Sends one round's request; the events end when the reply does (also after `signal` aborts). */
  stream(
    request: {
      readonly round: number;
      readonly messages: readonly ChatMessage[];
      readonly tools: readonly ToolDefinition[];
    },
    signal: AbortSignal,
  ): AsyncIterable<ChatEvent>;
  /** Runs an allowed call with its checked arguments; the text is what the model reads. Throws on failure. */
  runTool(call: ToolCall, args: unknown, signal: AbortSignal): Promise<string>;
  /** Says why a tool failed, in words fit for the model (redacted by the host). */
  describeFailure(error: unknown): string;
  /**
   * Every effect but the request and its abort, in the order the engine gave it (a tool run and its cancelling are
   * shown too, after the driver has started or cancelled them). Must not throw.
   */
  show(effect: Exclude<TurnEffect, { type: 'request' | 'abort' }>): void;
}

export class TurnDriver {
  private readonly queue: TurnInput[] = [];
  private wake: (() => void) | undefined;
  private request: AbortController | undefined;
  private readonly tools = new Map<string, AbortController>();
  private ended: TurnEnded | undefined;

  constructor(
    private readonly engine: ReplyTurn,
    private readonly ports: TurnPorts,
  ) {}

  /** Whether the turn has ended. */
  get done(): boolean {
    return this.ended !== undefined;
  }

  /** Runs the turn from its start to its end; resolves with the engine's `turnEnded`. */
  async run(start: Extract<TurnInput, { type: 'start' }>): Promise<TurnEnded> {
    this.queue.push(start);
    for (;;) {
      const input = this.queue.shift();
      if (!input) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      for (const effect of this.engine.handle(input)) this.perform(effect);
      if (this.ended) return this.ended;
    }
  }

  /** The user pressed Stop: the engine ends the turn in whatever phase it is. */
  stop(): void {
    this.feed({ type: 'stop' });
  }

  /** The user's answer to an approval question. */
  decide(callId: string, decision: ApprovalDecision): void {
    this.feed({ type: 'decision', callId, decision });
  }

  private feed(input: TurnInput): void {
    if (this.ended) return;
    this.queue.push(input);
    this.wake?.();
  }

  private perform(effect: TurnEffect): void {
    if (effect.type === 'request') {
      this.request = new AbortController();
      void this.pump(effect, this.request.signal);
    } else if (effect.type === 'abort') {
      this.request?.abort();
    } else if (effect.type === 'runTool') {
      const abort = new AbortController();
      this.tools.set(effect.call.id, abort);
      this.ports.show(effect);
      void this.runTool(effect.call, effect.args, abort);
    } else {
      if (effect.type === 'cancelTool') this.tools.get(effect.callId)?.abort();
      if (effect.type === 'turnEnded') this.ended = effect;
      this.ports.show(effect);
    }
  }

  private async pump(request: Extract<TurnEffect, { type: 'request' }>, signal: AbortSignal): Promise<void> {
    try {
      for await (const event of this.ports.stream(request, signal)) this.feed({ type: 'event', event });
    } catch (error) {
      // A port reports failures as events; anything thrown still ends the round, as an interrupted one.
      this.feed({
        type: 'event',
        event: {
          type: 'error',
          error: { kind: 'interrupted', message: this.ports.describeFailure(error), host: '' },
        },
      });
    }
    this.feed({ type: 'streamEnded' });
  }

  private async runTool(call: ToolCall, args: unknown, abort: AbortController): Promise<void> {
    try {
      const content = await this.ports.runTool(call, args, abort.signal);
      this.feed({ type: 'toolSucceeded', callId: call.id, content });
    } catch (error) {
      this.feed({ type: 'toolFailed', callId: call.id, message: this.ports.describeFailure(error) });
    } finally {
      this.tools.delete(call.id);
    }
  }
}
