/**
 * The checks before a request goes to the gateway, in the order the user meets them: a setting that cannot be used,
 * then the gateway's key, then (for a gateway on plain http) the user's consent to send the key unencrypted. Pure:
 * the host gives it the settings and the two questions, and tells the user what the outcome says.
 */
import { keyOriginOf } from '../gatewayKeys';

/** What the checks need to know of the settings. */
export interface PreflightSettings {
  readonly baseUrl: string;
  /** Set when a setting is unusable (nothing may be sent then). */
  readonly problem?: string;
}

export interface PreflightChecks<C extends PreflightSettings> {
  /** The settings, read once: the key and the consent are those of this gateway. */
  readonly config: C;
  keyFor(baseUrl: string): Promise<string | undefined>;
  /** Whether the key may go to `baseUrl` (asks the user about a plain-http gateway; false when they decline). */
  maySendTo(baseUrl: string): Promise<boolean>;
  /** Stop: aborted once the checks are done, they end in `stopped`. */
  readonly signal?: AbortSignal;
}

export type PreflightOutcome<C extends PreflightSettings> =
  /** A request may go out, to `config.baseUrl` with `apiKey`. */
  | { readonly kind: 'ready'; readonly config: C; readonly apiKey: string }
  /** A setting is unusable: show `problem`, with a way to the settings. */
  | { readonly kind: 'configProblem'; readonly problem: string }
  /** `gateway` (the origin its key belongs to, or the base URL) has no key: ask the user to set one. */
  | { readonly kind: 'noKey'; readonly gateway: string }
  /** The user did not allow the key to travel over plain http (they have just answered: nothing more to say). */
  | { readonly kind: 'declined' }
  /** Stop came while the checks ran. */
  | { readonly kind: 'stopped' };

export async function checkBeforeSending<C extends PreflightSettings>(
  checks: PreflightChecks<C>,
): Promise<PreflightOutcome<C>> {
  const { config } = checks;
  if (config.problem) return { kind: 'configProblem', problem: config.problem };
  const apiKey = await checks.keyFor(config.baseUrl);
  if (!apiKey) return { kind: 'noKey', gateway: keyOriginOf(config.baseUrl) ?? config.baseUrl };
  if (!(await checks.maySendTo(config.baseUrl))) return { kind: 'declined' };
  if (checks.signal?.aborted) return { kind: 'stopped' };
  return { kind: 'ready', config, apiKey };
}
