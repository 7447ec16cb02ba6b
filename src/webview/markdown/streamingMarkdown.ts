/**
 * A reply's markdown, rendered incrementally while it streams.
 *
 * The text is split into a committed part, rendered once and never touched again, and an open tail that is re-parsed
 * and re-rendered on each update; the tail's nodes in the page are patched to the new rendering (`patchNodes`), so
 * only what changed is touched. A top-level block is committed only when it ends at a blank line (so outside any
 * open fence) and two more blocks follow it; the last two blocks always stay open. Text for which a later part can
 * change the rendering of an earlier one (link reference definitions, CR line ends, HTML-looking lines) switches the
 * reply to full renders for good. Whatever the history of updates, the DOM equals a one-shot render of the text.
 *
 * Updates are coalesced to one render per animation frame (a ~50 ms timer while the page is hidden); `flush()` renders
 * synchronously, for the end of a turn and for snapshots.
 */
import { needsFullRender, parseMarkdown, type Token } from './parser';
import { patchNodes } from './patchNodes';
import { renderTokens } from './render';

/** Blocks at the end of the tail that are never committed, since more text may still change them. */
const OPEN_BLOCKS = 2;
const HIDDEN_PAGE_DELAY_MS = 50;
const VISIBLE_PAGE_FALLBACK_MS = 250;

export interface StreamingMarkdownOptions {
  /** Wraps each render, e.g. to keep the view scrolled to the bottom. */
  readonly around?: (render: () => void) => void;
  /** Receives the top-level nodes that can no longer change (e.g. to highlight their code blocks). */
  readonly onSettled?: (nodes: readonly Node[]) => void;
}

export class StreamingMarkdown {
  private text = '';
  /** Characters of `text` rendered into `committed` nodes for good. */
  private committedLength = 0;
  /** Nodes of the open tail, after the committed ones in the container. */
  private tailNodes: Node[] = [];
  private fullRenderOnly = false;
  private dirty = false;
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: StreamingMarkdownOptions = {},
  ) {}

  get source(): string {
    return this.text;
  }

  /** Adds streamed text; it is rendered on the next frame. */
  append(text: string): void {
    if (!text) return;
    this.text += text;
    this.dirty = true;
    this.schedule();
  }

  /** Renders now whatever is pending. */
  flush(): void {
    this.cancel();
    if (!this.dirty) return;
    this.dirty = false;
    const render = () => this.render();
    if (this.options.around) this.options.around(render);
    else render();
  }

  /** Renders what is pending; the text is complete, so the open tail is settled too. */
  settle(): void {
    this.flush();
    this.options.onSettled?.(this.tailNodes);
  }

  /** Drops pending work (the view is being replaced). */
  dispose(): void {
    this.cancel();
    this.dirty = false;
  }

  private schedule(): void {
    if (this.frame !== undefined || this.timer !== undefined) return;
    // A hidden page gets no animation frames: the timer renders then. While visible, it is only a safety net (the
    // page may be hidden before the frame comes) and is cleared by the frame's render.
    const hidden = document.visibilityState === 'hidden' || typeof requestAnimationFrame !== 'function';
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      hidden ? HIDDEN_PAGE_DELAY_MS : VISIBLE_PAGE_FALLBACK_MS,
    );
    if (hidden) return;
    // Set before the call: a synchronous requestAnimationFrame (as in the benchmark) must find it cleared after.
    this.frame = -1;
    const id = requestAnimationFrame(() => {
      this.frame = undefined;
      this.flush();
    });
    if (this.frame === -1) this.frame = id;
  }

  private cancel(): void {
    if (this.frame !== undefined) {
      if (this.frame !== -1) cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private render(): void {
    const tail = this.text.slice(this.committedLength);
    if (!this.fullRenderOnly && needsFullRender(tail)) this.fullRenderOnly = true;
    if (this.fullRenderOnly) {
      this.committedLength = 0;
      this.renderAll(parseMarkdown(this.text));
      return;
    }
    const tokens = parseMarkdown(tail);
    const split = commitPoint(tail, tokens);
    // Blocks render independently: the part to commit, then the open tail, into one list of fresh nodes that the
    // nodes of the previous tail are patched to (so what did not change stays as it is in the page).
    const fragment = document.createDocumentFragment();
    renderTokens(split ? tokens.slice(0, split.tokenIndex) : [], fragment);
    const committedCount = fragment.childNodes.length;
    renderTokens(split ? tokens.slice(split.tokenIndex) : tokens, fragment);
    const nodes = patchNodes(this.container, this.tailNodes, Array.from(fragment.childNodes));
    this.tailNodes = nodes.slice(committedCount);
    if (split) {
      this.committedLength += split.charIndex;
      this.options.onSettled?.(nodes.slice(0, committedCount));
    }
  }

  /** A full render: the whole text, in place of everything (the whole reply is the open tail from then on). */
  private renderAll(tokens: readonly Token[]): void {
    const fragment = document.createDocumentFragment();
    renderTokens(tokens, fragment);
    this.tailNodes = Array.from(fragment.childNodes);
    this.container.replaceChildren(fragment);
  }
}

/**
 * Where the tail can be cut: after the last top-level block that ends at a blank line and is followed by at least
 * `OPEN_BLOCKS` more blocks, with every block before it cut the same way. Undefined when nothing can be committed.
 */
function commitPoint(tail: string, tokens: readonly Token[]): { tokenIndex: number; charIndex: number } | undefined {
  // The top-level blocks: index of the first token and line range of each.
  const blocks: { start: number; lines: [number, number] }[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.level === 0 && token.nesting !== -1 && token.map) blocks.push({ start: index, lines: token.map });
  }
  if (blocks.length <= OPEN_BLOCKS) return undefined;
  const lineStarts = [0];
  for (let at = tail.indexOf('\n'); at !== -1; at = tail.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const lineText = (line: number) =>
    tail.slice(lineStarts[line], line + 1 < lineStarts.length ? lineStarts[line + 1] : tail.length);
  let cut: { tokenIndex: number; charIndex: number } | undefined;
  for (let block = 0; block < blocks.length - OPEN_BLOCKS; block++) {
    const end = blocks[block].lines[1];
    const start = blocks[block + 1].lines[0];
    // The next block must start after a blank line (a list's lines may include it) and after this block ends: never
    // cut inside a block or a fence.
    if (end > start || start < 1 || start >= lineStarts.length || lineText(start - 1).trim() !== '') break;
    cut = { tokenIndex: blocks[block + 1].start, charIndex: lineStarts[start] };
  }
  return cut;
}
