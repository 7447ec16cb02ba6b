/**
 * Headless Chromium for the integration and e2e tiers: the system browser (Debian's `chromium`) driven by
 * playwright-core. Never lets a tool download a browser (there is no internet on CI). Every request that is not
 * to 127.0.0.1/localhost is aborted, so nothing leaves the machine.
 */
import * as fs from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function chromiumPath(): string {
  const fromEnv = process.env.GATEWAY_CHAT_CHROMIUM;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`GATEWAY_CHAT_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `no Chromium found (looked for ${CANDIDATES.join(', ')}). Install Debian's package: apt-get install -y chromium ` +
        '(or set GATEWAY_CHAT_CHROMIUM to a Chromium/Chrome binary).',
    );
  }
  return found;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS],
    // The workbench can hold the page busy on shutdown; never hang the run on closing the browser.
    timeout: 60_000,
  });
}

const LOOPBACK = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** A browser context that refuses every non-loopback request (the workbench tries a marketplace, GitHub, ...). */
export async function newLoopbackContext(
  browser: Browser,
  options: { width?: number; height?: number } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    deviceScaleFactor: 1,
  });
  await context.route(
    (url) => (url.protocol === 'http:' || url.protocol === 'https:') && !LOOPBACK.test(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  return context;
}
