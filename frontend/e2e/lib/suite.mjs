// What every end-to-end spec file shares: its steps run in order and build on each other (a
// failure skips the rest: they would fail for the same reason), one `hexcrawl serve` per file on
// a free loopback port with its own data file, screenshots of the file's pages when a step fails,
// and the hub's log after a failure. The browser is Playwright's own fixture, configured in
// playwright.config.mjs (Debian's Chromium).
import { test as base } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hub, freePort, randomToken } from './hub.mjs';
import { shot, ARTIFACTS } from './player.mjs';

const bin = resolve(process.env.HEXCRAWL_BIN ?? fileURLToPath(new URL('../../../hexcrawl', import.meta.url)));

/**
 * Declares the hooks of one spec file and returns its environment, filled in before the first
 * step: `hub` (constructed, not started: the first step starts it) and its `port`, `browser`,
 * and `dir` (a temporary folder, removed at the end).
 * `ready(env)` runs then (a spec copies what it uses into its own variables); `teardown()` before
 * the hub stops. `pages()` names the pages to photograph when a step fails; `failedPrefix` starts
 * those file names.
 */
export function serialSuite({ tmpPrefix, failedPrefix, pages, ready = () => {}, teardown = () => {} }) {
  const env = { hub: null, port: 0, browser: null, dir: '', failed: false };
  base.describe.configure({ mode: 'serial' });

  base.beforeAll(async ({ browser }) => {
    if (!existsSync(bin)) throw new Error(`no hub binary at ${bin}: build it (npm run build && cd .. && go build -o hexcrawl .) or set HEXCRAWL_BIN`);
    env.dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    env.port = await freePort();
    env.hub = new Hub({ bin, port: env.port, db: join(env.dir, 'h.db'), token: randomToken(), log: !!process.env.E2E_HUB_LOG });
    env.browser = browser;
    // This file's failure screenshots of an earlier run would look like this run's.
    for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(failedPrefix)) rmSync(ARTIFACTS + f);
    ready(env);
  });

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from a destructuring pattern; this hook needs none
  base.afterEach(async ({}, info) => {
    if (info.status === info.expectedStatus) return;
    env.failed = true;
    for (const [name, page] of pages()) {
      if (page && !page.isClosed()) await shot(page, `${failedPrefix}${info.title.replace(/\W+/g, '-').slice(0, 60)}-${name}`).catch(() => {});
    }
  });

  base.afterAll(async () => {
    await teardown();
    await env.hub?.stop();
    if (env.failed && env.hub) console.log(`hub output:\n${env.hub.output.split('\n').slice(-30).join('\n')}`);
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });

  return env;
}
