import type { WebviewToHost } from '../shared/protocol';

/** The part of the webview API the panel uses. Only the composer draft is kept in webview state: the host owns the rest. */
export interface PanelHost {
  postMessage(message: WebviewToHost): void;
  getState(): PanelMemory | undefined;
  setState(state: PanelMemory): void;
}

export interface PanelMemory {
  readonly draft: string;
}

declare function acquireVsCodeApi(): PanelHost;

export function connectToHost(): PanelHost {
  return acquireVsCodeApi();
}
