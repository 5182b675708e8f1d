// The browser tests (e2e/*.spec.mjs) under @playwright/test, in Debian's Chromium: never a
// browser Playwright downloads (there is none here, and `npx playwright install` is not run).
// Each spec file is one story whose steps build on each other, against its own `hexcrawl serve`;
// the files run one after the other (workers: 1), as on a 2-core machine their timing-sensitive
// steps (backoff, heartbeat deadlines) should not compete with a second browser.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/lib/browser.mjs';

// E2E_ONLY=regex: only the matching steps, plus those tagged @setup (what the others build on).
const only = process.env.E2E_ONLY ? [new RegExp(process.env.E2E_ONLY), /@setup/] : undefined;

export default defineConfig({
  testDir: 'e2e',
  ...(only && { grep: only }),
  testMatch: '*.spec.mjs',
  outputDir: 'e2e-artifacts/test-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Steps wait for the hub's reconnect backoff (up to 40 s); a whole file takes about a minute.
  timeout: 120_000,
  globalTimeout: 20 * 60_000,
  reporter: [['list'], ['./e2e/lib/summary-reporter.mjs']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    // playwright-core's own defaults (the runner's are "no limit", leaving only the test's).
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    // `npm run e2e -- --trace retain-on-failure` keeps a trace of a failing step
    // (npx playwright show-trace e2e-artifacts/test-results/…/trace.zip).
    trace: 'off',
  },
});
