import type { OutgoingImage, WebviewToHost } from '../shared/protocol';

/**
 * The part of the webview API the panel uses. Webview state keeps what the host does not own: the composer draft, its
 * attached images, whether it waits to be sent, and where the conversation was scrolled, so they survive the panel
 * being hidden, moved or the window reloaded.
 * `setState` takes part of the memory and keeps the rest.
 */
export interface PanelHost {
  postMessage(message: WebviewToHost): void;
  getState(): PanelMemory | undefined;
  setState(state: Partial<PanelMemory>): void;
}

/** A scroll position that survives re-rendering: a message and how far its top was from the top of the view. */
export interface ScrollMemory {
  readonly messageId: string;
  readonly offset: number;
}

export interface PanelMemory {
  readonly draft: string;
  /** Undefined while the view follows the newest text (at the bottom). */
  readonly scroll?: ScrollMemory;
  /** The images attached to the draft, as prepared for sending (not kept when they are very large together). */
  readonly attachments?: readonly OutgoingImage[];
  /** The `#`-mentions attached to the draft (checked again when read back). */
  readonly contextChips?: readonly unknown[];
  /** The draft was sent but waits (for a reply to end, the panel, its images): it goes once nothing holds it back. */
  readonly waiting?: boolean;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PanelMemory | undefined;
  setState(state: PanelMemory): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function connectToHost(): PanelHost {
  const api = acquireVsCodeApi();
  return {
    postMessage: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (part) => api.setState({ draft: '', ...api.getState(), ...part }),
  };
}
