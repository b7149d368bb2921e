// Cost anomaly markers on the Executive Dashboard's cost trend, against the real demo server: the
// page asks GET /api/analytics/anomalies at the chart's own bucket with its filters, the demo's
// planted cost spike (the research batch job) is among the answers, and the note under the chart
// title shows the count and the newest sentence — in light, dark and at 390 px, with no console errors.
import { expect, test, type Response } from '@playwright/test';
import type { AnomalyReport, Overview } from '../src/api/types';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const isAnomalies = (response: Response) => response.url().includes('/api/analytics/anomalies') && response.ok();
const isOverview = (response: Response) => response.url().includes('/api/analytics/overview') && response.ok();

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`cost anomalies are marked on the cost trend (${theme}, ${width} px)`, async ({ page }) => {
    const errors = watchErrors(page);
    const overviewResponse = page.waitForResponse(isOverview);
    const anomaliesResponse = page.waitForResponse(isAnomalies);
    await openPage(page, serverUrl(ENV_DEMO_URL), theme, width);
    const overview = (await (await overviewResponse).json()) as Overview;
    const response = await anomaliesResponse;
    const request = new URL(response.url()).searchParams;
    expect(request.get('metric')).toBe('sum:cost_usd');
    expect(request.get('bucket')).toBe(`${overview.range.bucket_ms / 60_000}m`);
    expect(request.get('from')).toBe('now-30d');
    const report = (await response.json()) as AnomalyReport;
    // The demo's research batch job (three hours of long-context calls) is a cost anomaly.
    expect(report.anomalies.length).toBeGreaterThan(0);
    expect(report.anomalies.some((a) => /^Total cost .* was \$[\d,.]+, [\d.]+× the usual \$/.test(a.explanation))).toBe(true);

    await expectChartsDrawn(page, ['cost-trend']);
    const note = page.getByTestId('cost-anomalies');
    const count = report.anomalies.length;
    await expect(note).toContainText(`${count} ${count === 1 ? 'anomaly' : 'anomalies'}`);
    await expect(note).toContainText(report.anomalies[0]!.explanation.slice(0, 30));
    await expect(note).toBeVisible();
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.getByTestId('chart-cost-trend').screenshot({ path: `${SHOTS}/cost-anomalies-${theme}-${width}.png` });
    expect(errors).toEqual([]);
  });
}
