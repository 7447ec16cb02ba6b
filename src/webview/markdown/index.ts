export { StreamingMarkdown, type StreamingMarkdownOptions } from './streamingMarkdown';
export { COPY_BUTTON_CLASS, LINK_CLASS, renderTokens, setRendererLabels } from './render';
export { parseMarkdown } from './parser';
