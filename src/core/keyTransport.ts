/**
 * Whether a request to `baseUrl` would carry the API key readable by anyone on the way: plain `http` to another
 * machine. Loopback (a local Ollama, LM Studio, vLLM…) never leaves the computer and is fine.
 */
export function sendsKeyInClear(baseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  // 127.0.0.0/8, as WHATWG URL parsing has already normalised it to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `scheme://host:port` of a base URL, for remembering a user's decision about it. */
export function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}
