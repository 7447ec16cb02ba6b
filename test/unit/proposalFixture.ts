/** A refactor of a function's body: the original lines, the proposal, and the text around them. */
export const ORIGINAL = ['  let sum = 0;', '  for (const item of items) sum += item.price;', '  return sum;'].join(
  '\n',
);
export const PROPOSED = [
  '  let total = 0;',
  '  for (const item of items) total += item.price;',
  '  return total;',
].join('\n');
export const BEFORE = 'function total(items) {\n';
export const AFTER = '\n}\n';
