// Debian's Chromium, driven by playwright-core for the benchmarks and by @playwright/test (see
// playwright.config.mjs) for the tests, with the same flags.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}

/** A browser with a normal, on-disk profile in `dir` (as a player's own browser has), rather
 * than the incognito-like contexts of launch().newContext(): Chromium keeps compiled script code
 * between visits only in such a profile. */
export function launchWithProfile(dir, contextOptions = {}) {
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ...contextOptions,
  });
}
