import { defineConfig } from '@playwright/test';

// End-to-end tests against the real server binary (../build/mltrack, which embeds web/dist).
// global-setup.ts starts a demo server and an empty one; tests read their URLs from the env.
// Browsers are not downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): Debian's Chromium is used.
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  // One retry: the pages run against real servers whose demo keeps streaming events (live pushes,
  // 30 s refetches), so a rare render race must not fail the whole CI run; a test that fails twice
  // fails, and one that passed only on its retry is listed as "flaky" in the summary.
  retries: 1,
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 1000 },
    // No CSS transitions (index.css keeps them for users who did not ask for reduced motion):
    // a test never reads a colour or a size halfway through one.
    reducedMotion: 'reduce',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.MLTRACK_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
