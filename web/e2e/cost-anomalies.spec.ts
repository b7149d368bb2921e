// Anomaly markers on the Cost dashboard's "Cost over time", against the real demo server: the page
// asks GET /api/analytics/anomalies for the total cost at the chart's bucket with its filters, the
// demo's planted cost spike (the research batch job) is among the answers, and the chart's
// description counts its red points — in light, dark and at 390 px, with no console errors.
import { expect, test, type Response } from '@playwright/test';
import type { AnomalyReport, CostReport } from '../src/api/types';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const isAnomalies = (response: Response) => response.url().includes('/api/analytics/anomalies') && response.ok();
const isCost = (response: Response) => response.url().includes('/api/analytics/cost') && response.ok();

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`cost anomalies are marked on the cost over time (${theme}, ${width} px)`, async ({ page }) => {
    const errors = watchErrors(page);
    const costResponse = page.waitForResponse(isCost);
    const anomaliesResponse = page.waitForResponse(isAnomalies);
    await openPage(page, `${serverUrl(ENV_DEMO_URL)}/cost`, theme, width);
    const cost = (await (await costResponse).json()) as CostReport;
    const response = await anomaliesResponse;
    const request = new URL(response.url()).searchParams;
    expect(request.getAll('metric')).toEqual(['sum:cost_usd']);
    expect(request.get('bucket')).toBe(`${cost.over_time.bucket_ms / 60_000}m`);
    const report = (await response.json()) as AnomalyReport;
    // The demo's research batch job (three hours of long-context calls) is a cost anomaly.
    const count = report.anomalies.length;
    expect(count).toBeGreaterThan(0);
    expect(report.anomalies.some((a) => /^Total cost .* was \$[\d,.]+, [\d.]+× the usual \$/.test(a.explanation))).toBe(true);

    await expectChartsDrawn(page, ['cost-over-time']);
    await expect(page.getByTestId('chart-cost-over-time')).toContainText(
      `red points: ${count} ${count === 1 ? 'anomaly' : 'anomalies'} of the total`,
    );
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.getByTestId('chart-cost-over-time').screenshot({ path: `${SHOTS}/cost-anomalies-${theme}-${width}.png` });
    expect(errors).toEqual([]);
  });
}
