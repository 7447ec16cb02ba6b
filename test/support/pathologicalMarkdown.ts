/**
 * Markdown that has made renderers hang, overflow their stack or nest without end (docs/research/perf_security.md, B7
 * case 9): the browser test checks the panel renders each correctly, the bench how long its longest flush takes.
 */
export const PATHOLOGICAL_MARKDOWN: readonly { readonly name: string; readonly text: string }[] = [
  { name: '10,000 nested block quotes', text: '>'.repeat(10_000) + ' deep' },
  { name: '5,000 nested list items', text: '- '.repeat(5_000) + 'deep list' },
  { name: '100,000 opening brackets', text: '['.repeat(100_000) },
  { name: 'emphasis runs', text: '*a**'.repeat(20_000) + '\n\n' + '**'.repeat(25_000) + 'x' + '_'.repeat(25_000) },
  { name: 'a 1 MB line without spaces', text: 'x'.repeat(1_000_000) },
  {
    name: 'a 5,000-row table',
    text: [
      '| a | b | c |',
      '|---|:-:|--:|',
      ...Array.from({ length: 5_000 }, (_, row) => `| ${row} | *${row}* | \`${row}\` |`),
    ].join('\n'),
  },
];
