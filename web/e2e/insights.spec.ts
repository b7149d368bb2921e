// The Insights page against the real demo server: the demo's leaks (repeated prompts, expensive
// models on short answers, the unpriced self-hosted model, billed retry storms) are found, the page shows the API's
// figures, the savings chart draws, a card's link opens its dashboard — in light, dark and at
// 390 px, with no console errors. The empty server shows the empty state.
import { expect, test, type Response } from '@playwright/test';
import type { InsightsReport } from '../src/api/types';
import { formatUsd } from '../src/lib/format';
import { ENV_DEMO_URL, ENV_EMPTY_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const isInsights = (response: Response) => response.url().includes('/api/analytics/insights') && response.ok();

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`insights page shows the demo's insights (${theme}, ${width} px)`, async ({ page }) => {
    const errors = watchErrors(page);
    const responded = page.waitForResponse(isInsights);
    await openPage(page, `${serverUrl(ENV_DEMO_URL)}/insights`, theme, width);
    const report = (await (await responded).json()) as InsightsReport;
    const kinds = new Set(report.insights.map((insight) => insight.kind));
    expect(kinds).toContain('exact_cache');
    expect(kinds).toContain('cheaper_model');
    expect(kinds).toContain('unpriced_model');
    expect(report.total_monthly_saving_usd).toBeGreaterThan(0);
    // The demo's retry storms are billed: their card shows money, not $0.
    const storms = report.insights.filter((insight) => insight.kind === 'retry_storm');
    expect(storms.length).toBeGreaterThan(0);
    expect(storms.reduce((sum, insight) => sum + (insight.monthly_saving_usd ?? 0), 0)).toBeGreaterThan(1);

    await expect(page.getByTestId('insights-saving')).toHaveText(formatUsd(report.total_monthly_saving_usd));
    await expect(page.getByTestId('insights-count')).toHaveText(String(report.insights.length));
    const cards = page.getByTestId('insight-card');
    await expect(cards).toHaveCount(report.insights.length);
    const first = report.insights[0]!;
    await expect(cards.first()).toHaveAttribute('data-insight-id', first.id);
    await expect(cards.first()).toContainText(first.title);
    await expect(cards.first().getByTestId('insight-saving')).toHaveText(formatUsd(first.monthly_saving_usd));
    await expectChartsDrawn(page, ['savings']);
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/insights-${theme}-${width}.png`, fullPage: true });
    await page.getByTestId('chart-savings').screenshot({ path: `${SHOTS}/insights-savings-${theme}-${width}.png` });

    // The card's link opens the dashboard it names, filtered.
    const path = first.link.split('?')[0]!;
    await cards.first().getByRole('link', { name: /open in the dashboard/i }).click();
    await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, '\\/')}(\\?|$)`));
    expect(errors).toEqual([]);
  });
}

test('insights page on an empty store says there is nothing to recommend', async ({ page }) => {
  const errors = watchErrors(page);
  await openPage(page, `${serverUrl(ENV_EMPTY_URL)}/insights`);
  await expect(page.getByText('Nothing to recommend in this range')).toBeVisible();
  await expect(page.getByTestId('insights-skipped')).toContainText('exact_cache');
  expect(errors).toEqual([]);
});
