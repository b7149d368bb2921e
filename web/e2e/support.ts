// Helpers shared by the page specs: the servers global-setup.ts started, console-error watching,
// "every chart drew", and opening a page in a given theme and width.
import { expect, type Page } from '@playwright/test';

export const SHOTS = 'test-results';

export function serverUrl(key: string): string {
  const url = process.env[key];
  if (!url) throw new Error(`${key} is not set: global-setup.ts did not start the server`);
  return url;
}

/** Collects console errors and uncaught exceptions; a test asserts none at its end. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Each `chart-<id>` container drew: its EChart reports ready with at least one data point and has
 * a canvas. Web-first assertions, so this waits for data and lazy chunks.
 */
export async function expectChartsDrawn(page: Page, ids: string[]) {
  for (const id of ids) {
    const chart = page.getByTestId(`chart-${id}`);
    await expect(chart.locator('[data-chart-ready="true"]'), `chart ${id} drawn`).toHaveCount(1);
    await expect(chart.locator('canvas'), `chart ${id} canvas`).not.toHaveCount(0);
    await expect
      .poll(async () => Number(await chart.locator('[data-chart-ready]').getAttribute('data-series-points')), {
        message: `chart ${id} has data`,
      })
      .toBeGreaterThan(0);
  }
}

export type Theme = 'light' | 'dark';

/**
 * Opens `url` in `theme` (stored before the first paint, as the app's own toggle would) at
 * `width` px, and waits until <html> carries the theme's class.
 */
export async function openPage(page: Page, url: string, theme: Theme = 'light', width = 1440) {
  await page.setViewportSize({ width, height: width < 600 ? 844 : 1000 });
  await page.addInitScript((mode) => window.localStorage.setItem('mltrack-theme', mode), theme);
  await page.goto(url);
  if (theme === 'dark') await expect(page.locator('html')).toHaveClass(/dark/);
  else await expect(page.locator('html')).not.toHaveClass(/dark/);
}

/** Nothing sticks out sideways: the page is no wider than the viewport (390 px phones). */
export async function expectNoHorizontalOverflow(page: Page) {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
    .toBeLessThanOrEqual(1);
}
