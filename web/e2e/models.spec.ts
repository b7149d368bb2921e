// The Model Comparison page against the real demo server: every chart draws with data, the figures
// are the API's, the weight sliders re-rank, the A/B panel gives a verdict with intervals, bad
// input is a 400 naming the parameter; light, dark and 390 px wide, no console errors.
import { expect, test, type Page, type Response } from '@playwright/test';
import type { AbComparison, ModelComparison } from '../src/api/types';
import { formatValue } from '../src/features/models/lib/metrics';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const CHARTS = ['radar', 'cost-quality', 'head-to-head', 'decision-matrix', 'ab-intervals'];

const isCompare = (r: Response) => r.url().includes('/api/analytics/models/compare') && r.ok();
const isAb = (r: Response) => r.url().includes('/api/analytics/ab?') && r.ok();

async function openModels(page: Page, theme: Theme = 'light', width = 1440) {
  const compare = page.waitForResponse(isCompare);
  const ab = page.waitForResponse(isAb, { timeout: 30_000 });
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}/models`, theme, width);
  return {
    comparison: (await (await compare).json()) as ModelComparison,
    ab: (await (await ab).json()) as AbComparison,
  };
}

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as const) {
  test(`the page draws every chart (${theme}, ${width} px)`, async ({ page }) => {
    const errors = watchErrors(page);
    const { comparison, ab } = await openModels(page, theme, width);
    expect(comparison.models.length).toBeGreaterThanOrEqual(2);
    await expectChartsDrawn(page, CHARTS);
    await expect(page.getByTestId('model-chip')).toHaveCount(comparison.models.length);
    await expect(page.getByTestId('ab-verdict')).toHaveText(ab.verdict);
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/models-${theme}-${width}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

test('the demo compares models with real quality data and the A/B test finds v4 better', async ({ page, request }) => {
  const errors = watchErrors(page);
  const { comparison, ab } = await openModels(page);
  expect(comparison.default_models).toBe(true);
  expect(comparison.quality).toBe('scores.quality');
  for (const model of comparison.models) {
    const quality = model.scores.find((s) => s.name === 'quality');
    expect(quality?.n, `${model.model} has quality scores`).toBeGreaterThan(30);
    expect(model.cost_per_1k_usd.blended).not.toBeNull();
    await expect(page.getByTestId(`scorecard-${model.model}`).getByTestId('blended-cost')).toContainText(
      formatValue('usd', model.cost_per_1k_usd.blended),
    );
  }
  expect(comparison.cost_quality.frontier.length).toBeGreaterThan(0);

  // The panel picked the two prompt versions that run side by side, over the days both ran.
  expect([ab.dimension, ab.a.value, ab.b.value]).toEqual(['prompt_version', 'v3', 'v4']);
  const cost = ab.metrics.find((m) => m.metric === 'avg:cost_usd')!;
  expect(cost.significant).toBe(true);
  expect(cost.rel_diff!).toBeLessThan(0);
  expect(ab.verdict).toMatch(/^prompt_version v4 costs [\d.]+ % less per call than v3/);
  await expect(page.getByTestId('ab-row-avg:cost_usd')).toContainText('significant');

  // The API says the same to a client, and a bad request names its parameter.
  const base = serverUrl(ENV_DEMO_URL);
  const same = await request.get(`${base}/api/analytics/ab?dimension=prompt_version&a=v3&b=v3`);
  expect(same.status()).toBe(400);
  expect(JSON.stringify(await same.json())).toContain('"field":"b"');
  const unknown = await request.get(`${base}/api/analytics/models/compare?models=gpt-4o-mini,no-such-model`);
  expect(unknown.status()).toBe(400);
  expect(JSON.stringify(await unknown.json())).toContain('"field":"models"');
  expect(errors).toEqual([]);
});

test('weight sliders re-rank the decision matrix without a request', async ({ page }) => {
  const errors = watchErrors(page);
  const { comparison } = await openModels(page);
  await expectChartsDrawn(page, ['decision-matrix']);
  await expect(page.getByTestId('decision-leader')).toHaveText(comparison.decision.rows[0]!.model);

  // All weight on cost: the cheapest model leads.
  let requests = 0;
  page.on('request', (r) => void (r.url().includes('/api/analytics/models/compare') && requests++));
  for (const metric of ['quality', 'latency']) await page.getByTestId(`weight-${metric}`).fill('0');
  await page.getByTestId('weight-cost').fill('100');
  const cheapest = [...comparison.models]
    .filter((m) => m.cost_per_1k_usd.blended !== null)
    .sort((a, b) => a.cost_per_1k_usd.blended! - b.cost_per_1k_usd.blended!)[0]!.model;
  await expect(page.getByTestId('decision-leader')).toHaveText(cheapest);
  expect(requests).toBe(0);
  expect(errors).toEqual([]);
});

test('removing a model and switching the head-to-head metric update the charts', async ({ page }) => {
  const errors = watchErrors(page);
  const { comparison } = await openModels(page);
  const removed = comparison.models[comparison.models.length - 1]!.model;
  const next = page.waitForResponse((r) => isCompare(r) && r.url().includes('models='));
  await page.getByRole('button', { name: `Remove ${removed} from the comparison` }).click();
  const narrowed = (await (await next).json()) as ModelComparison;
  expect(narrowed.models.map((m) => m.model)).not.toContain(removed);
  await expect(page.getByTestId('model-chip')).toHaveCount(comparison.models.length - 1);
  await page.getByTestId('h2h-latency').click();
  await expect(page.getByTestId('h2h-latency')).toHaveAttribute('aria-selected', 'true');
  await expectChartsDrawn(page, ['head-to-head', 'radar']);
  await page.getByRole('button', { name: 'Top 5 by calls' }).click();
  await expect(page.getByTestId('model-chip')).toHaveCount(comparison.models.length);
  expect(errors).toEqual([]);
});

test('an API failure shows the error state, and Retry recovers', async ({ page }) => {
  await page.route('**/api/analytics/models/compare**', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'overloaded', message: 'Too much concurrent work; retry later.' } }) }),
  );
  await page.goto(`${serverUrl(ENV_DEMO_URL)}/models`);
  const error = page.getByTestId('error-state');
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toContainText('Too much concurrent work');
  await page.unroute('**/api/analytics/models/compare**');
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('model-chip').first()).toBeVisible();
});

test('a time range without events shows the empty state with a reset', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${serverUrl(ENV_DEMO_URL)}/models?from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z`);
  await expect(page.getByText('No model calls match this time range')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/models-empty.png` });
  await page.getByRole('button', { name: 'Reset to the last 30 days, no filters' }).click();
  await expect(page.getByTestId('model-chip').first()).toBeVisible();
  expect(errors).toEqual([]);
});
