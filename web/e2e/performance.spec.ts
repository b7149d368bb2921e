// The Performance page against the real demo server: every chart draws with data in light, dark
// and at 390 px, the figures are the API's, annotations are drawn with their text in tooltips and
// can be added and deleted, the error breakdown switches, the latency objective applies, and the
// empty and error states show.
import { expect, test, type Page, type Response } from '@playwright/test';
import type { Performance } from '../src/api/types';
import { formatCompact, formatDuration, formatRatio } from '../src/lib/format';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors } from './support';

const CHARTS = [
  'latency-percentiles',
  'ttft-percentiles',
  'error-rate',
  'errors-by-type',
  'error-breakdown',
  'latency-distribution',
  'throughput',
  'ttft-scatter',
  'cache-hit-rate',
  'cache-by-model',
  'comparison-matrix',
];

const isPerformance = (response: Response) => response.url().includes('/api/analytics/performance') && response.ok();

/** Opens the page and returns the performance JSON it rendered, and a getter for the latest one. */
async function open(page: Page, path = '/performance', theme: 'light' | 'dark' = 'light', width = 1440) {
  let latest: Performance | undefined;
  page.on('response', (response) => {
    if (isPerformance(response)) response.json().then((json: Performance) => (latest = json), () => undefined);
  });
  const first = page.waitForResponse(isPerformance);
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}${path}`, theme, width);
  const response = await first;
  return { data: (await response.json()) as Performance, url: response.url(), latest: () => latest };
}

test.describe('performance dashboard on demo data', () => {
  test('every chart draws with the API figures, and the demo annotations are there', async ({ page }) => {
    const errors = watchErrors(page);
    const { data, url, latest } = await open(page);
    expect(new URL(url).search).toBe('?from=now-30d&to=now');
    expect(data.total_events).toBeGreaterThan(0);
    await expectChartsDrawn(page, CHARTS);

    // Cards: the latest response's figures, formatted as the page does (the demo trickle moves them).
    await expect(async () => {
      const now = latest() ?? data;
      await expect(page.getByTestId('card-latency-p50-value')).toHaveText(formatDuration(now.summary.latency_p50_ms.value), { timeout: 1000 });
      await expect(page.getByTestId('card-error-rate-value')).toHaveText(formatRatio(now.summary.error_rate.value, 2), { timeout: 1000 });
      await expect(page.getByTestId('card-cache-rate-value')).toHaveText(formatRatio(now.summary.cache_hit_rate.value, 1), { timeout: 1000 });
    }).toPass({ timeout: 20_000 });

    // Every section has real content.
    expect(data.latency.by_model.length).toBeGreaterThan(3);
    expect(data.distribution.by_model.every((m) => m.density.length > 0)).toBe(true);
    expect(data.errors.types.length).toBeGreaterThan(2);
    expect(data.errors.by_http_status.length).toBeGreaterThan(2);
    expect(data.errors.by_endpoint.length).toBeGreaterThan(2);
    expect(data.cache.rate).toBeGreaterThan(0);
    expect(data.throughput.by_model.filter((m) => (m.tokens_per_s_p50 ?? 0) > 0).length).toBeGreaterThan(3);
    expect(data.scatter.cells.length).toBeGreaterThan(10);
    await expect(page.getByTestId('error-type-row')).toHaveCount(data.errors.by_error_type.length);
    const matrix = page.getByTestId('chart-comparison-matrix').locator('[data-chart-ready]');
    const scored = data.matrix.rows.flatMap((r) => r.cells).filter((c) => c.score !== null).length;
    await expect(matrix).toHaveAttribute('data-series-points', String(scored));

    // A deploy shortly before the incident, both listed and sent with the dashboard.
    const incident = data.annotations.find((a) => a.kind === 'incident');
    expect(incident).toBeDefined();
    const deploy = data.annotations.find((a) => a.kind === 'deploy' && a.ts < incident!.ts && incident!.ts - a.ts <= 3_600_000);
    expect(deploy).toBeDefined();
    await expect(page.getByTestId('annotation-item').filter({ hasText: incident!.text })).toBeVisible();
    await expect(page.getByTestId('annotation-item').filter({ hasText: deploy!.text })).toBeVisible();

    await page.screenshot({ path: `${SHOTS}/performance-light.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  test('dark mode draws every chart', async ({ page }) => {
    const errors = watchErrors(page);
    await open(page, '/performance', 'dark');
    await expectChartsDrawn(page, CHARTS);
    await page.screenshot({ path: `${SHOTS}/performance-dark.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  test('at 390 px every chart draws and nothing sticks out sideways', async ({ page }) => {
    const errors = watchErrors(page);
    await open(page, '/performance', 'light', 390);
    await expectChartsDrawn(page, CHARTS);
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/performance-390.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  test('the latency chart tooltip carries the annotation of the bucket under the pointer', async ({ page }) => {
    const errors = watchErrors(page);
    const { data } = await open(page);
    const incident = data.annotations.find((a) => a.kind === 'incident')!;
    const chart = page.getByTestId('chart-latency-percentiles');
    await expect(chart.locator('[data-chart-ready="true"]')).toHaveCount(1);
    const box = (await chart.locator('canvas').first().boundingBox())!;
    // The x axis spans the range: put the pointer at the incident's time.
    const from = Date.parse(data.range.from);
    const to = Date.parse(data.range.to);
    const seen = async () => {
      for (let dx = -12; dx <= 12; dx += 3) {
        // The plot area lies inside the canvas; scan around the estimated position.
        const x = box.x + 50 + ((incident.ts - from) / (to - from)) * (box.width - 70) + dx;
        await page.mouse.move(x, box.y + box.height / 2);
        if ((await chart.innerText()).includes(incident.text)) return true;
      }
      return false;
    };
    await expect.poll(seen, { timeout: 15_000 }).toBe(true);
    expect(errors).toEqual([]);
  });

  test('the error breakdown switches between model, provider, endpoint and HTTP status', async ({ page }) => {
    const errors = watchErrors(page);
    const { data } = await open(page);
    const chart = page.getByTestId('chart-error-breakdown');
    await expect(chart.locator('[data-chart-ready="true"]')).toHaveCount(1);
    await page.getByTestId('breakdown-provider').click();
    await expect(page.getByTestId('breakdown-provider')).toHaveAttribute('aria-checked', 'true');
    await expect(chart.locator('[data-chart-ready]')).toHaveAttribute('data-series-points', String(data.errors.by_provider.length));
    await page.getByTestId('breakdown-http_status').click();
    await expect(chart.locator('[data-chart-ready]')).toHaveAttribute('data-series-points', String(data.errors.by_http_status.length));
    await expect(chart).toContainText('Errors by HTTP status');
    expect(errors).toEqual([]);
  });

  test('an annotation is added through the form, drawn, and deleted', async ({ page }) => {
    const errors = watchErrors(page);
    await open(page);
    const text = `e2e deploy ${Date.now()}`;
    await page.getByTestId('annotation-add').click();
    // An empty text is refused before anything is sent.
    await page.getByRole('button', { name: 'Save annotation' }).click();
    await expect(page.getByTestId('annotation-form').getByRole('alert')).toContainText('Say what happened');

    await page.getByTestId('annotation-text').fill(text);
    await page.getByTestId('annotation-kind').selectOption('deploy');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/annotations') && r.request().method() === 'POST');
    const refreshed = page.waitForResponse((r) => isPerformance(r));
    await page.getByRole('button', { name: 'Save annotation' }).click();
    expect((await created).status()).toBe(201);
    const after = (await (await refreshed).json()) as Performance;
    expect(after.annotations.some((a) => a.text === text)).toBe(true);
    const item = page.getByTestId('annotation-item').filter({ hasText: text });
    await expect(item).toBeVisible();

    const deleted = page.waitForResponse((r) => r.url().includes('/api/v1/annotations/') && r.request().method() === 'DELETE');
    await item.getByRole('button', { name: `Delete annotation ${text}` }).click();
    expect((await deleted).status()).toBe(204);
    await expect(item).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('a latency objective asks the server for compliance and draws it', async ({ page }) => {
    const errors = watchErrors(page);
    await open(page);
    await page.getByTestId('slo-threshold').fill('fast');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('slo-panel').getByRole('alert')).toContainText('milliseconds');

    await page.getByTestId('slo-threshold').fill('5000');
    await page.getByTestId('slo-target').fill('99');
    const response = page.waitForResponse((r) => isPerformance(r) && r.url().includes('slo_ms=5000'));
    await page.getByRole('button', { name: 'Apply' }).click();
    const data = (await (await response).json()) as Performance;
    expect(new URL((await response).url()).searchParams.get('slo_target')).toBe('99');
    expect(data.slo).not.toBeNull();
    await expect(page.getByTestId('slo-compliance')).toHaveText(formatRatio(data.slo!.compliance, 2));
    await expect(page.getByTestId('slo-panel')).toContainText(formatCompact(data.slo!.calls));
    await expect(page.getByTestId('chart-slo').locator('[data-chart-ready="true"]')).toHaveCount(1);
    expect(errors).toEqual([]);
  });

  test('a filter narrows the dashboard and is sent to the API', async ({ page }) => {
    const errors = watchErrors(page);
    const { data, url } = await open(page, '/performance?model=gpt-4o-mini&range=7d');
    const params = new URL(url).searchParams;
    expect(params.getAll('model')).toEqual(['gpt-4o-mini']);
    expect(params.get('from')).toBe('now-7d');
    expect(data.latency.by_model.map((m) => m.model)).toEqual(['gpt-4o-mini']);
    expect(data.range.bucket).toBe('1h');
    await expectChartsDrawn(page, ['latency-percentiles', 'error-rate', 'latency-distribution']);
    await expect(page.getByRole('button', { name: 'Remove filter Model: gpt-4o-mini' })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('a range without events shows the empty state, and its reset brings the data back', async ({ page }) => {
    const errors = watchErrors(page);
    await open(page, '/performance?from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z');
    const empty = page.getByTestId('empty-state');
    await expect(empty).toContainText('No events match this time range');
    await page.screenshot({ path: `${SHOTS}/performance-empty.png` });
    await empty.getByRole('button', { name: /Reset/ }).click();
    await expect(page).toHaveURL(/\/performance$/);
    await expectChartsDrawn(page, ['latency-percentiles']);
    expect(errors).toEqual([]);
  });

  test('an API failure shows the error state, and Retry recovers', async ({ page }) => {
    await page.route('**/api/analytics/performance**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'overloaded', message: 'Too much concurrent work; retry later.' } }),
      }),
    );
    await page.goto(`${serverUrl(ENV_DEMO_URL)}/performance`);
    const error = page.getByTestId('error-state');
    await expect(error).toBeVisible({ timeout: 20_000 });
    await expect(error).toContainText('Too much concurrent work');
    await page.screenshot({ path: `${SHOTS}/performance-error.png` });
    await page.unroute('**/api/analytics/performance**');
    await error.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByTestId('card-latency-p50-value')).toBeVisible();
    await expect(error).toHaveCount(0);
  });
});
