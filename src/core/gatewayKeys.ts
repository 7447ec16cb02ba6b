/**
 * API keys are kept one per gateway: the SecretStorage entry of a key is named after the origin (scheme, host and
 * port) of the base URL it belongs to, so switching `gatewayChat.baseUrl` to another gateway never sends it the key
 * of the previous one. Earlier versions kept a single key for every gateway; it is moved once to the gateway of the
 * user's settings (never a folder's) when the store is first used.
 */

/** The single entry of earlier versions (one key for whatever gateway was configured). */
export const LEGACY_KEY_ENTRY = 'gatewayChat.apiKey';

const ENTRY_PREFIX = `${LEGACY_KEY_ENTRY}:`;

/**
 * The origin a key belongs to: `https://host[:port]` as WHATWG URL normalises it (lower-case host, default port
 * dropped, IPv6 in brackets, IPv4 in dotted decimal). `undefined` when the base URL is not an http(s) URL: such a
 * gateway cannot be asked anything, so it has no key either.
 */
export function keyOriginOf(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin;
}

/** The SecretStorage entry holding the key of `baseUrl`'s gateway; `undefined` when it cannot have one. */
export function keyEntryFor(baseUrl: string): string | undefined {
  const origin = keyOriginOf(baseUrl);
  return origin ? `${ENTRY_PREFIX}${origin}` : undefined;
}

/** Whether a SecretStorage entry is a gateway key, or the single key of earlier versions. */
export function isKeyEntry(name: string): boolean {
  return name === LEGACY_KEY_ENTRY || name.startsWith(ENTRY_PREFIX);
}

/** What to do with the key of earlier versions, given the gateway configured now and the key it may already have. */
export type LegacyKeyStep =
  | { readonly kind: 'none' }
  /** The configured base URL is not a gateway address yet: the old key stays where it is until it is. */
  | { readonly kind: 'wait' }
  /** The old key becomes the key of the configured gateway. */
  | { readonly kind: 'move'; readonly entry: string; readonly origin: string }
  /** The configured gateway already has its own key (set since): that one is kept, the old entry goes. */
  | { readonly kind: 'drop'; readonly origin: string; readonly sameKey: boolean };

export function planLegacyKeyMigration(
  legacyKey: string | undefined,
  baseUrl: string,
  gatewayKey: string | undefined,
): LegacyKeyStep {
  if (!legacyKey) return { kind: 'none' };
  const origin = keyOriginOf(baseUrl);
  const entry = keyEntryFor(baseUrl);
  if (!origin || !entry) return { kind: 'wait' };
  if (gatewayKey) return { kind: 'drop', origin, sameKey: gatewayKey === legacyKey };
  return { kind: 'move', entry, origin };
}

/** The little of SecretStorage the migration needs. */
export interface KeyEntries {
  get(entry: string): PromiseLike<string | undefined>;
  store(entry: string, value: string): PromiseLike<void>;
  delete(entry: string): PromiseLike<void>;
}

/**
 * Moves the key of earlier versions to the gateway of `baseUrl` (see `planLegacyKeyMigration`) and deletes the old
 * entry only once the key is safely stored under the new one. Returns what was done, for one line in the log (the
 * step never carries the key).
 */
export async function migrateLegacyKey(entries: KeyEntries, baseUrl: string): Promise<LegacyKeyStep> {
  const legacyKey = (await entries.get(LEGACY_KEY_ENTRY)) || undefined;
  const entry = keyEntryFor(baseUrl);
  const gatewayKey = legacyKey && entry ? (await entries.get(entry)) || undefined : undefined;
  const step = planLegacyKeyMigration(legacyKey, baseUrl, gatewayKey);
  if (step.kind === 'move' && legacyKey) {
    await entries.store(step.entry, legacyKey);
    if ((await entries.get(step.entry)) !== legacyKey)
      throw new Error(`the API key could not be stored for ${step.origin}`);
  }
  if (step.kind === 'move' || step.kind === 'drop') await entries.delete(LEGACY_KEY_ENTRY);
  return step;
}

/** The log line for a migration step (never the key); `undefined` when nothing happened. */
export function describeLegacyKeyStep(step: LegacyKeyStep): string | undefined {
  switch (step.kind) {
    case 'none':
      return undefined;
    case 'wait':
      return "An API key saved by an earlier version (one key for every gateway) is kept until gatewayChat.baseUrl names a gateway; it will become that gateway's key.";
    case 'move':
      return `The API key saved by an earlier version (one key for every gateway) is now the key of ${step.origin} only; other gateways need their own key.`;
    case 'drop':
      return step.sameKey
        ? `Removed the API key entry of an earlier version: ${step.origin} already has the same key.`
        : `Removed the API key saved by an earlier version: ${step.origin} already has its own key, which is kept.`;
  }
}
