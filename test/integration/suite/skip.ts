/** `this.skip()` with a reason the reporter prints next to each skipped test. */

const REASON = Symbol.for('gatewayChat.skipReason');

type WithReason = { [REASON]?: string };

export function skipWithReason(context: Mocha.Context, reason: string): never {
  // From a hook the whole describe is skipped: keep the reason on the suite so each test can show it. (In a
  // `before` hook mocha sets `currentTest` to the suite's first test, so look at the hook itself first.)
  const hook = context.test as (Mocha.Runnable & { type?: string }) | undefined;
  const target = (hook?.type === 'hook' ? hook.parent : (context.currentTest ?? hook)) as WithReason | undefined;
  if (target) target[REASON] = reason;
  context.skip();
}

/** The reason recorded for this test or any describe around it. */
export function skipReasonOf(test: Mocha.Runnable): string | undefined {
  let node: (Mocha.Runnable | Mocha.Suite) | undefined = test;
  while (node) {
    const reason = (node as WithReason)[REASON];
    if (reason) return reason;
    node = node.parent;
  }
  return undefined;
}
