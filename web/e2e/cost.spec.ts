// The Cost Analysis page against the real demo server: figures equal the API's, every chart draws
// with data in light, dark and at phone width, a breakdown bar drills into the filter bar, and
// the error state recovers.
import { expect, test, type Page, type Response } from '@playwright/test';
import type { CostReport } from '../src/api/types';
import { formatCompact, formatUsd } from '../src/lib/format';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const CHARTS = ['cost-over-time', 'cost-breakdown', 'cost-heatmap', 'cost-flow-team', 'cost-flow-provider', 'cost-efficiency'];
const isCost = (response: Response) => response.url().includes('/api/analytics/cost');

async function openCost(page: Page, theme: Theme, width: number) {
  const response = page.waitForResponse((r) => isCost(r) && r.ok());
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}/cost`, theme, width);
  return (await (await response).json()) as CostReport;
}

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`cost page in ${theme} at ${width} px: API figures, every chart drawn`, async ({ page }) => {
    const errors = watchErrors(page);
    const report = await openCost(page, theme, width);
    expect(report.totals.calls.value).toBeGreaterThan(0);
    await expect(page.getByRole('heading', { name: 'Cost Analysis' })).toBeVisible();
    // The demo trickle adds calls every second: compare with a figure that moves slowly.
    await expect(page.getByTestId('card-calls-value')).not.toHaveText('—');
    await expect(page.getByTestId('card-cost-value')).toContainText('$');
    await expectChartsDrawn(page, CHARTS);
    await expect(page.getByTestId('efficiency-table')).toContainText(report.efficiency[0]!.model);
    await expect(page.getByTestId('caching-saved')).toContainText('$');
    if (report.unpriced.calls > 0) {
      await expect(page.getByTestId('unpriced-notice')).toContainText(report.unpriced.models[0]!.model);
    }
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/cost-${theme}-${width}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

test('cards show the figures of the API response', async ({ page, request }) => {
  const errors = watchErrors(page);
  const report = await openCost(page, 'light', 1440);
  // The same request again: the totals of a 30-day range move by a few calls at most.
  const again = (await (await request.get(`${serverUrl(ENV_DEMO_URL)}/api/analytics/cost?from=now-30d&to=now`)).json()) as CostReport;
  expect(Math.abs(again.totals.calls.value! - report.totals.calls.value!)).toBeLessThan(report.totals.calls.value! * 0.01);
  await expect(async () => {
    const shown = await page.getByTestId('card-calls-value').textContent();
    const candidates = [report, again].map((r) => formatCompact(r.totals.calls.value));
    expect(candidates).toContain(shown);
  }).toPass();
  await expect(page.getByTestId('card-per1k-value')).toHaveText(/^\$0\.\d+$/);
  expect(formatUsd(report.totals.cost_usd.previous)).toMatch(/^\$/);
  expect(errors).toEqual([]);
});

test('a breakdown bar drills into the filter bar, and another dimension can be picked', async ({ page }) => {
  const errors = watchErrors(page);
  const report = await openCost(page, 'light', 1440);
  await expectChartsDrawn(page, ['cost-breakdown']);
  const top = report.breakdowns.model!.rows[0]!.key;
  const chart = page.getByTestId('chart-cost-breakdown').locator('[data-chart-ready="true"]');
  await chart.scrollIntoViewIfNeeded();  // mouse clicks land in the viewport only
  const filtered = page.waitForResponse((r) => isCost(r) && r.url().includes('model=') && r.ok());
  // The first bar is the costliest and the widest: click the middle of its band (the plot starts
  // 4 px down and has one band per row). Until the bars have grown (or the layout settled after
  // the scroll) a click can miss: click again, at the box as it is then, until the filter is set.
  const rows = report.breakdowns.model!.rows.length;
  const drilled = new RegExp(`[?&]model=${encodeURIComponent(top).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  await expect(async () => {
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + 4 + (box.height - 8) / rows / 2);
    await expect(page).toHaveURL(drilled, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: `Remove filter Model: ${top}` })).toBeVisible();
  const narrowed = (await (await filtered).json()) as CostReport;
  expect(narrowed.breakdowns.model!.rows.map((row) => row.key)).toEqual([top]);

  // Every dimension's breakdown is in the report: picking another draws it without a request.
  await page.getByTestId('breakdown-by').selectOption('team');
  await expect(page.getByRole('heading', { name: 'Cost by team' })).toBeVisible();
  await expectChartsDrawn(page, ['cost-breakdown']);
  expect(errors).toEqual([]);
});

test('an API failure shows the error state, and Retry recovers', async ({ page }) => {
  await page.route('**/api/analytics/cost**', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'overloaded', message: 'Too much concurrent work; retry later.' } }),
    }),
  );
  await page.goto(`${serverUrl(ENV_DEMO_URL)}/cost`);
  const error = page.getByTestId('error-state');
  await expect(error).toBeVisible({ timeout: 20_000 });
  await page.unroute('**/api/analytics/cost**');
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('card-cost-value')).toBeVisible();
});
