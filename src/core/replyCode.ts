/**
 * Reduces a model's reply to code for an inline edit: the one fenced block's content, or the whole reply when it is
 * plain code. Several blocks, or prose without a block, give `undefined`: the reply is shown to the user instead.
 */

export interface CodeBlock {
  readonly info: string;
  readonly code: string;
  /** False when the reply ended inside the block (no closing fence). */
  readonly closed: boolean;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The fenced code blocks of a Markdown reply, in order (an unclosed last block included, marked). */
export function findCodeBlocks(reply: string): CodeBlock[] {
  const lines = reply.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let open: { fence: string; info: string; body: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const match = FENCE.exec(line);
      if (match && !(match[1][0] === '`' && match[2].includes('`')))
        open = { fence: match[1], info: match[2].trim(), body: [] };
      continue;
    }
    const trimmed = line.trim();
    if (
      trimmed.length >= open.fence.length &&
      trimmed === open.fence[0].repeat(trimmed.length) &&
      /^ {0,3}\S/.test(line)
    ) {
      blocks.push({ info: open.info, code: open.body.join('\n'), closed: true });
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open) blocks.push({ info: open.info, code: open.body.join('\n'), closed: false });
  return blocks;
}

/**
 * The code of a reply: the content of its single code block (prose and fences around it removed); the whole text
 * when it has no fence and reads as code; otherwise `undefined`.
 */
export function extractReplyCode(reply: string): string | undefined {
  const blocks = findCodeBlocks(reply);
  if (blocks.length === 1) return blocks[0].code;
  if (blocks.length > 1) return undefined;
  const text = reply.replace(/^\s*\n/, '').replace(/\s+$/, '');
  if (!text) return undefined;
  return looksLikeProse(text) ? undefined : text;
}

/**
 * What to show while the reply streams: the text after the opening fence (up to a closing one), else the text.
 * Called on every display update with the whole reply so far: regex searches, no split into lines.
 */
export function streamingCode(partial: string): string {
  const opening = /^ {0,3}(`{3,}|~{3,})([^\n]*)$/m;
  let match = opening.exec(partial);
  // A backtick fence's info string may not contain a backtick (that is inline code, not a fence).
  while (match && match[1][0] === '`' && match[2].includes('`')) {
    const rest = partial.slice(match.index + match[0].length);
    const next = opening.exec(rest);
    match = next ? Object.assign(next, { index: next.index + match.index + match[0].length }) : null;
  }
  if (!match) {
    // A fence may be arriving: hide an unfinished first line that starts like one.
    return /^ {0,3}(`+|~+)[^\n]*$/.test(partial) ? '' : partial;
  }
  const bodyStart = match.index + match[0].length + 1;
  if (bodyStart > partial.length) return '';
  const fence = match[1];
  const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*\\r?$`, 'm');
  const body = partial.slice(bodyStart);
  const close = closing.exec(body);
  const code = close ? body.slice(0, Math.max(0, close.index - 1)).replace(/\r$/, '') : body;
  return code.replace(/\r\n/g, '\n');
}

/** A line of prose: starts unindented with a letter, has several words and ends like a sentence. */
function looksLikeProse(text: string): boolean {
  return text.split(/\r?\n/).some((line) => /^[A-Z][\w',-]*(?: +\S+){3,}[.:?!]$/.test(line) && !/[=;{}<>]/.test(line));
}

/**
 * A code block's text ends with the newline that closed its fence. Put where a line goes on (inside a line, or over
 * a selection that ends mid-line) that newline would split the line, so it is dropped; at the start of a line it
 * keeps the following line where it was.
 */
export function fitCodeToRange(code: string, endsAtLineStart: boolean): string {
  if (endsAtLineStart) return code;
  if (code.endsWith('\r\n')) return code.slice(0, -2);
  return code.endsWith('\n') ? code.slice(0, -1) : code;
}
