import { chromium } from 'playwright-core';

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
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** A browser with a normal, on-disk profile in `dir` (as a player's own browser has), rather
 * than the incognito-like contexts of launch().newContext(): Chromium keeps compiled script code
 * between visits only in such a profile. */
export function launchWithProfile(dir, contextOptions = {}) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    ...contextOptions,
  });
}
