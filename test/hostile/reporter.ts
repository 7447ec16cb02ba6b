/**
 * mocha's spec reporter, unchanged, that also records the hostile-corpus tests of the run (titles starting with case
 * ids such as `[B7-11]`) in out/hostile/<tier>.json. The unit and browser tiers use it from their .mocharc.json with
 * `"reporter-option": ["tier=unit"]` (or `browser`); `results=<file>` writes elsewhere.
 */
import * as path from 'node:path';
import Mocha from 'mocha';
import { TIERS, type Tier } from './cases';
import { recordHostileResults, resultsFile } from './results';

class HostileSpecReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const reporterOptions = (options?.reporterOptions ?? {}) as { tier?: string; results?: string };
    const tier = reporterOptions.tier as Tier | undefined;
    if (!tier || !TIERS.includes(tier)) {
      throw new Error(`the hostile reporter needs "reporter-option": ["tier=<${TIERS.join('|')}>"]`);
    }
    const file = reporterOptions.results ? path.resolve(reporterOptions.results) : resultsFile(tier);
    recordHostileResults(runner, { tier, file });
  }
}

export = HostileSpecReporter;
