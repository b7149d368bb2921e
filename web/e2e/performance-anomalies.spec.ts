// Anomaly markers on the Performance dashboard's latency and error-rate charts, against the real
// demo server: over 7 days (hourly buckets) the page asks GET /api/analytics/anomalies for the
// total p95 latency and error rate at the charts' bucket with its filters, the demo's provider
// incident is among the answers, and each chart's description counts its red points — in light,
// dark and at 390 px, with no console errors.
import { expect, test, type Response } from '@playwright/test';
import type { AnomalyReport, Performance } from '../src/api/types';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const isAnomalies = (response: Response) => response.url().includes('/api/analytics/anomalies') && response.ok();
const isPerformance = (response: Response) => response.url().includes('/api/analytics/performance') && response.ok();
const counted = (n: number) => `red points: ${n} ${n === 1 ? 'anomaly' : 'anomalies'}`;

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`latency and error anomalies are marked on the performance charts (${theme}, ${width} px)`, async ({ page }) => {
    const errors = watchErrors(page);
    const performanceResponse = page.waitForResponse(isPerformance);
    const anomaliesResponse = page.waitForResponse(isAnomalies);
    await openPage(page, `${serverUrl(ENV_DEMO_URL)}/performance?range=7d`, theme, width);
    const performance = (await (await performanceResponse).json()) as Performance;
    const response = await anomaliesResponse;
    const request = new URL(response.url()).searchParams;
    expect(request.getAll('metric')).toEqual(['p95:latency_ms', 'rate:error']);
    expect(request.get('bucket')).toBe(`${performance.range.bucket_ms / 60_000}m`);
    expect(request.get('from')).toBe('now-7d');
    const report = (await response.json()) as AnomalyReport;
    const latency = report.anomalies.filter((a) => a.metric === 'p95:latency_ms').length;
    const errorRate = report.anomalies.filter((a) => a.metric === 'rate:error').length;
    // The demo's provider incident (two hours of overload errors) is an error-rate anomaly for a demo
    // started at any hour (AnomaliesDemoTest checks the 24 hours of a day with a fixed clock).
    expect(errorRate).toBeGreaterThan(0);
    await expectChartsDrawn(page, ['latency-percentiles', 'error-rate']);
    await expect(page.getByTestId('chart-error-rate')).toContainText(counted(errorRate));
    if (latency > 0) await expect(page.getByTestId('chart-latency-percentiles')).toContainText(counted(latency));
    else await expect(page.getByTestId('chart-latency-percentiles')).not.toContainText('red points');
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.getByTestId('chart-error-rate').screenshot({ path: `${SHOTS}/performance-anomalies-${theme}-${width}.png` });
    expect(errors).toEqual([]);
  });
}
