export { StreamingMarkdown, type StreamingMarkdownOptions } from './streamingMarkdown';
export {
  CODE_ACTION_CLASS,
  CODE_ACTIONS,
  COPY_BUTTON_CLASS,
  type CodeActionName,
  LINK_CLASS,
  renderTokens,
  setRendererLabels,
} from './render';
export { parseMarkdown } from './parser';
export { highlightSettled, HIGHLIGHTED_ATTRIBUTE, MAX_HIGHLIGHT_CHARS } from './codeHighlighting';
