/**
 * A terminal command's output as the model reads it: the escape sequences a terminal draws with (colours, cursor
 * moves, titles, shell-integration marks) taken out, line ends made plain, and a long output cut in the middle, since
 * a command's first lines say what ran and its last lines how it ended.
 */

/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC \`), other two-byte escapes, and the C1 forms of CSI and OSC. */
const ESCAPES =
  /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u009d[^\u0007\u009c]*(?:\u0007|\u009c)|\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b[ -/]*[0-~]/g;

export function plainTerminalText(raw: string): string {
  const text = raw.replace(ESCAPES, '').replace(/\r+\n/g, '\n');
  // A carriage return without a line feed redraws the line (progress bars): keep what was drawn last.
  return text
    .split('\n')
    .map((line) => {
      const parts = line.split('\r');
      return parts[parts.length - 1] === '' && parts.length > 1 ? parts[parts.length - 2] : parts[parts.length - 1];
    })
    .join('\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** Keeps the first quarter and the last three quarters of `maxChars`, with a note of what was left out. */
export function capCommandOutput(text: string, maxChars: number): { readonly text: string; readonly cut: boolean } {
  if (text.length <= maxChars) return { text, cut: false };
  const head = Math.floor(maxChars / 4);
  const tail = maxChars - head;
  const left = text.length - head - tail;
  return {
    text: `${text.slice(0, head)}\n[… ${left} characters of output left out …]\n${text.slice(text.length - tail)}`,
    cut: true,
  };
}
