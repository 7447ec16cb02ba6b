/**
 * The composer's message on its way to the host. A send is a request the host answers (`sendResult`, paired by its
 * request id): the composer is cleared only when the host accepts the message and keeps it when the host refuses. A
 * message that cannot go yet (before the panel's first snapshot, while a reply streams, while images are being
 * prepared) waits, one at a time, with a note under the composer and a way to cancel; it stays in the composer
 * meanwhile, so nothing is lost whatever happens to it.
 */
import type { PanelStrings } from '../shared/panelStrings';
import type { ContextRef, OutgoingImage, SendResult, WebviewToHost } from '../shared/protocol';
import { el, icon } from './dom';

/** What a waiting message waits for. */
export type WaitReason = 'panel' | 'reply' | 'images';

export interface OutgoingMessage {
  readonly text: string;
  readonly images: readonly OutgoingImage[];
  readonly context: readonly ContextRef[];
}

type SendRequest = Extract<WebviewToHost, { type: 'send' }>;

export class Outbox {
  /** The note under the composer while a message waits (hidden otherwise). */
  readonly element: HTMLElement;
  private readonly note: HTMLElement;
  /**
   * Request ids start at a random point, so an answer meant for an earlier life of the page (posted while it was
   * hidden and reloaded) cannot be taken for the answer to this one's request.
   */
  private nextRequestId = Math.floor(Math.random() * 2 ** 40) + 1;
  private inFlight: (OutgoingMessage & { readonly requestId: number }) | undefined;
  private reason: WaitReason | undefined;

  constructor(
    private readonly strings: PanelStrings,
    private readonly post: (request: SendRequest) => void,
    /** Told whenever a message starts or stops waiting (kept in webview state, so a reload keeps the promise). */
    private readonly onWaitingChange: (waiting: boolean) => void,
  ) {
    this.note = el('span', { className: 'outbox-note' });
    const cancel = el('button', {
      className: 'secondary',
      text: strings.cancel,
      attrs: { id: 'cancel-waiting', type: 'button', 'aria-label': strings.cancelWaiting },
    });
    cancel.addEventListener('click', () => this.cancel());
    this.element = el(
      'div',
      { className: 'outbox', attrs: { id: 'waiting-message', role: 'status' } },
      icon('clock'),
      this.note,
      cancel,
    );
    this.element.hidden = true;
  }

  /** Whether a message was sent and the host has not answered yet. */
  get sending(): boolean {
    return this.inFlight !== undefined;
  }

  /** What the message in the composer waits for, if it waits. */
  get waiting(): WaitReason | undefined {
    return this.reason;
  }

  /** Sends `message` now; the host answers with a `sendResult`, to be given to `answer`. */
  send(message: OutgoingMessage): void {
    const requestId = this.nextRequestId++;
    this.inFlight = { ...message, requestId };
    this.setReason(undefined);
    this.post({
      type: 'send',
      requestId,
      text: message.text,
      ...(message.images.length > 0 ? { images: [...message.images] } : {}),
      ...(message.context.length > 0 ? { context: [...message.context] } : {}),
    });
  }

  /** The message in the composer goes when `reason` no longer holds it. */
  wait(reason: WaitReason): void {
    this.setReason(reason);
  }

  /** The message in the composer no longer waits (it stays in the composer). */
  cancel(): void {
    this.setReason(undefined);
  }

  /** Takes the host's answer: the message it answers, or undefined when it answers nothing this page sent. */
  answer(result: SendResult): OutgoingMessage | undefined {
    if (this.inFlight?.requestId !== result.requestId) return undefined;
    const message = this.inFlight;
    this.inFlight = undefined;
    return message;
  }

  private setReason(reason: WaitReason | undefined): void {
    const changed = (this.reason === undefined) !== (reason === undefined);
    this.reason = reason;
    this.element.hidden = reason === undefined;
    if (reason) this.note.textContent = this.noteFor(reason);
    if (changed) this.onWaitingChange(reason !== undefined);
  }

  private noteFor(reason: WaitReason): string {
    switch (reason) {
      case 'panel':
        return this.strings.waitingForPanel;
      case 'reply':
        return this.strings.waitingForReply;
      case 'images':
        return this.strings.waitingForImages;
    }
  }
}
