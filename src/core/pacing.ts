/**
 * Long work in the extension host, cut into slices: `due()` says when the current slice has run `sliceMs`, and
 * `pause()` gives the event loop a turn, so no slice blocks the host for long. Web-standard timers only.
 */
export class Pacer {
  private last = Date.now();

  constructor(
    private readonly pauseFn: () => Promise<void> = nextTurn,
    private readonly sliceMs = 8,
  ) {}

  due(): boolean {
    return Date.now() - this.last >= this.sliceMs;
  }

  async pause(): Promise<void> {
    await this.pauseFn();
    this.last = Date.now();
  }

  /** Pauses if the slice is used up. */
  async breathe(): Promise<void> {
    if (this.due()) await this.pause();
  }
}

export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}
