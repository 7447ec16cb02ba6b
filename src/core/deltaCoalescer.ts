export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Batches streamed text before it crosses to the panel. The first piece goes at once (the user sees the first token
 * without delay); after that at most one message per interval carries whatever arrived meanwhile. Only new text is
 * ever sent, never the accumulated reply. `flush()` sends what is pending synchronously, for the end of a turn.
 */
export class DeltaCoalescer {
  private pending = '';
  private lastSent = Number.NEGATIVE_INFINITY;
  private timer: unknown;

  constructor(
    private readonly send: (text: string) => void,
    private readonly intervalMs = 16,
    private readonly timers: Timers = realTimers,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.pending += text;
    if (this.timer !== undefined) return;
    const wait = this.lastSent + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.flush();
    } else {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
    }
  }

  flush(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.lastSent = this.timers.now();
    this.send(text);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = '';
  }
}
