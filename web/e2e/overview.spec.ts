// The Executive Dashboard against the real server: the figures are the API's, every chart draws,
// dark mode, filters in the URL, the error state, and the first-run panel of an empty store.
import { expect, test, type Page, type Response } from '@playwright/test';
import {
  formatCompact,
  formatDuration,
  formatRatio,
  formatUsd,
} from '../src/lib/format';
import type { Overview } from '../src/api/types';
import { ENV_DEMO_URL, ENV_EMPTY_URL } from './server';

const SHOTS = 'test-results';
const CHARTS = ['cost-trend', 'model-usage', 'latency-histogram', 'status-over-time'];

function serverUrl(key: string): string {
  const url = process.env[key];
  if (!url) throw new Error(`${key} is not set: global-setup.ts did not start the server`);
  return url;
}

const isOverview = (response: Response) => response.url().includes('/api/analytics/overview');

// The cards are compared with the overview responses: live pushes (e2e/live.spec.ts) would move
// them between two fetches, so this file runs with live turned off.
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => window.localStorage.setItem('mltrack-live', 'off'));
});

/** Collects console errors and uncaught exceptions; the test asserts none at its end. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Remembers the last overview JSON the page received. The dashboard refetches every 30 s and the
 * demo server keeps adding events, so cards are compared with the latest response, not the first.
 */
function trackOverview(page: Page): () => Overview | undefined {
  let latest: Overview | undefined;
  page.on('response', (response) => {
    if (isOverview(response) && response.ok()) {
      response.json().then(
        (json: Overview) => (latest = json),
        () => undefined,
      );
    }
  });
  return () => latest;
}

/** Opens the dashboard and returns the overview JSON the page itself rendered. */
async function openDashboard(page: Page, url: string) {
  const latest = trackOverview(page);
  const responsePromise = page.waitForResponse((r) => isOverview(r) && r.ok());
  await page.goto(url);
  const response = await responsePromise;
  return { overview: (await response.json()) as Overview, requestUrl: response.url(), latest };
}

/** Every card shows the figures of the latest overview response, formatted like the app does. */
async function expectCards(page: Page, latest: () => Overview | undefined) {
  await expect(async () => {
    const overview = latest();
    expect(overview, 'an overview response').toBeDefined();
    await expectCardsOnce(page, overview!);
  }).toPass({ timeout: 20_000 });
}

async function expectCardsOnce(page: Page, overview: Overview) {
  const quick = { timeout: 2_000 };
  const { cards } = overview;
  const expected: Record<string, string> = {
    experiments: formatCompact(cards.experiments.value),
    runs: formatCompact(cards.runs.value),
    cost: formatUsd(cards.cost_usd.value),
    latency: formatDuration(cards.avg_latency_ms.value),
    success: formatRatio(cards.success_rate.value),
    users: formatCompact(cards.active_users.value),
    tokens: formatCompact(cards.tokens.value),
  };
  for (const [id, text] of Object.entries(expected)) {
    await expect(page.getByTestId(`card-${id}-value`), `card ${id}`).toHaveText(text, quick);
  }
  const cost = page.getByTestId('card-cost');
  await expect(cost).toContainText(formatUsd(cards.cost_usd.daily), quick);
  await expect(cost).toContainText(formatUsd(cards.cost_usd.weekly), quick);
  await expect(cost).toContainText(formatUsd(cards.cost_usd.monthly), quick);
  if (overview.unpriced_events > 0) {
    await expect(page.getByTestId('card-cost-warning')).toContainText(`${formatCompact(overview.unpriced_events)} unpriced`, quick);
  } else {
    await expect(page.getByTestId('card-cost-warning')).toHaveCount(0, quick);
  }
  await expect(page.getByTestId('card-latency')).toContainText(formatDuration(cards.avg_latency_ms.p95), quick);
  await expect(page.getByTestId('card-success')).toContainText(formatRatio(cards.success_rate.baseline), quick);
  await expect(page.getByTestId('card-tokens')).toContainText(formatUsd(cards.tokens.cost_per_1k_tokens), quick);
}

async function expectChartsDrawn(page: Page) {
  for (const id of CHARTS) {
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

/** The body's background colour once two reads 100 ms apart agree (no transition under way). */
async function settledBackground(page: Page): Promise<string> {
  const read = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  let previous = await read();
  await expect
    .poll(async () => {
      const now = await read();
      const settled = now === previous;
      previous = now;
      return settled;
    }, { intervals: [100] })
    .toBe(true);
  return previous;
}

test.describe('executive dashboard on demo data', () => {
  test('cards show the API figures and every chart draws', async ({ page, request }) => {
    const errors = watchErrors(page);
    const base = serverUrl(ENV_DEMO_URL);
    const { overview, requestUrl, latest } = await openDashboard(page, base);
    expect(new URL(requestUrl).search).toBe('?from=now-30d&to=now');
    expect(overview.total_events).toBeGreaterThan(0);

    await expectCards(page, latest);
    await expectChartsDrawn(page);
    await expect(page.getByTestId('demo-badge')).toBeVisible();
    await expect(page.getByTestId('nav-users')).toBeVisible();

    // The same request made by the test gives the same dashboard (the demo trickle may add a few events).
    const fetched = (await (await request.get(`${base}/api/analytics/overview?from=now-30d&to=now`)).json()) as Overview;
    expect(fetched.cards.experiments.value).toBe(overview.cards.experiments.value);
    expect(fetched.demo).toBe(true);
    expect(Math.abs(fetched.total_events - overview.total_events)).toBeLessThanOrEqual(overview.total_events * 0.01);

    await page.screenshot({ path: `${SHOTS}/overview-light.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  test('a chart exports a PNG and opens full screen', async ({ page }) => {
    const errors = watchErrors(page);
    await openDashboard(page, serverUrl(ENV_DEMO_URL));
    await expectChartsDrawn(page);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Cost trend as PNG' }).click();
    expect((await download).suggestedFilename()).toBe('mltrack-cost-trend.png');

    await page.getByRole('button', { name: 'Show Latency distribution full screen' }).click();
    const chart = page.getByTestId('chart-latency-histogram');
    await expect(chart).toHaveClass(/fixed/);
    await expect(chart.locator('[data-chart-ready="true"]')).toHaveCount(1);
    // The full-screen layout may still be animating: wait for its final width.
    await expect.poll(async () => (await chart.boundingBox())?.width ?? 0).toBeGreaterThan(1000);
    await page.screenshot({ path: `${SHOTS}/chart-full-screen.png` });
    await page.keyboard.press('Escape');
    await expect(chart).not.toHaveClass(/fixed/);
    expect(errors).toEqual([]);
  });

  test('dark mode toggles, persists and re-themes the charts', async ({ page }) => {
    const errors = watchErrors(page);
    await openDashboard(page, serverUrl(ENV_DEMO_URL));
    await expectChartsDrawn(page);
    const html = page.locator('html');
    const body = page.locator('body');
    await expect(html).not.toHaveClass(/dark/);
    // Web-first: each colour is read once the page has settled on it (the theme's colour
    // transition is off under test, see playwright.config.ts, and these assertions wait anyway).
    const lightBg = await settledBackground(page);

    await page.getByTestId('theme-toggle').click();
    await expect(html).toHaveClass(/dark/);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('mltrack-theme'))).toBe('dark');
    await expect(body).not.toHaveCSS('background-color', lightBg);
    const darkBg = await settledBackground(page);
    expect(darkBg).not.toBe(lightBg);

    await page.reload();
    await expect(html).toHaveClass(/dark/);
    await expectChartsDrawn(page);
    await page.screenshot({ path: `${SHOTS}/overview-dark.png`, fullPage: true });

    await page.getByTestId('theme-toggle').click();
    await expect(html).not.toHaveClass(/dark/);
    await expect(body).toHaveCSS('background-color', lightBg);
    expect(errors).toEqual([]);
  });

  test('a filter goes into the URL, updates the cards, and Back undoes it', async ({ page }) => {
    const errors = watchErrors(page);
    const { overview: unfiltered, latest } = await openDashboard(page, serverUrl(ENV_DEMO_URL));
    await expectCards(page, latest);

    await page.getByTestId('filter-model').click();
    const option = page.getByTestId('option-model').first();
    await expect(option).toBeVisible();
    const model = (await option.locator('span.truncate').textContent())!.trim();

    const filteredResponse = page.waitForResponse((r) => isOverview(r) && r.url().includes('model=') && r.ok());
    await option.click();
    await expect(page).toHaveURL(new RegExp(`[?&]model=${encodeURIComponent(model).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const filtered = (await (await filteredResponse).json()) as Overview;
    expect(new URL((await filteredResponse).url()).searchParams.getAll('model')).toEqual([model]);
    await page.keyboard.press('Escape');

    await expectCards(page, latest);
    expect(latest()!.total_events).toBeLessThanOrEqual(unfiltered.total_events + 100);
    expect(filtered.total_events).toBeLessThanOrEqual(unfiltered.total_events + 100);
    await expect(page.getByRole('button', { name: `Remove filter Model: ${model}` })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/overview-filtered.png`, fullPage: true });

    await page.getByTestId('range-7d').click();
    await expect(page).toHaveURL(/range=7d/);

    await page.goBack();
    await expect(page).not.toHaveURL(/range=7d/);
    await expect(page).toHaveURL(/model=/);
    await page.goBack();
    await expect(page).not.toHaveURL(/model=/);
    await expect(page.getByRole('button', { name: /Remove filter/ })).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('a tag filter is picked key then value and sent as tag=key:value', async ({ page }) => {
    const errors = watchErrors(page);
    const { latest } = await openDashboard(page, serverUrl(ENV_DEMO_URL));
    await page.getByTestId('filter-tag-key').click();
    const key = page.getByTestId('option-tag-key').first();
    await expect(key).toBeVisible();
    const keyName = (await key.locator('span.truncate').textContent())!.trim();
    await key.click();
    const value = page.getByTestId('option-tag-value').first();
    await expect(value).toBeVisible();
    const valueName = (await value.locator('span.truncate').textContent())!.trim();
    const response = page.waitForResponse((r) => isOverview(r) && r.url().includes('tag=') && r.ok());
    await value.click();
    const tag = `${keyName}:${valueName}`;
    await expect.poll(() => new URL(page.url()).searchParams.getAll('tag')).toEqual([tag]);
    expect(new URL((await response).url()).searchParams.getAll('tag')).toEqual([tag]);
    await expect(page.getByRole('button', { name: `Remove filter ${keyName}: ${valueName}` })).toBeVisible();
    await expectCards(page, latest);
    expect(errors).toEqual([]);
  });

  test('a custom time range is sent to the API as from/to', async ({ page }) => {
    const errors = watchErrors(page);
    await openDashboard(page, serverUrl(ENV_DEMO_URL));
    await page.getByTestId('range-custom').click();
    const now = Date.now();
    const local = (ms: number) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    await page.getByTestId('range-from').fill(local(now - 3 * 86_400_000));
    await page.getByTestId('range-to').fill(local(now));
    const response = page.waitForResponse((r) => isOverview(r) && r.url().includes('from=20') && r.ok());
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/[?&]from=.*&to=/);
    const url = new URL(page.url());
    expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const sent = new URL((await response).url());
    expect(sent.searchParams.get('from')).toBe(url.searchParams.get('from'));
    expect(sent.searchParams.get('to')).toBe(url.searchParams.get('to'));
    const overview = (await (await response).json()) as Overview;
    expect(overview.range.bucket).toBe('1h');
    await expectChartsDrawn(page);
    expect(errors).toEqual([]);
  });

  test('an API failure shows the error state, and Retry recovers', async ({ page }) => {
    await page.route('**/api/analytics/overview**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'overloaded', message: 'Too much concurrent work; retry later.' } }),
      }),
    );
    await page.goto(serverUrl(ENV_DEMO_URL));
    const error = page.getByTestId('error-state');
    await expect(error).toBeVisible({ timeout: 20_000 });
    await expect(error).toContainText('Too much concurrent work');
    await page.screenshot({ path: `${SHOTS}/overview-error.png` });

    await page.unroute('**/api/analytics/overview**');
    await error.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByTestId('card-cost-value')).toBeVisible();
    await expect(error).toHaveCount(0);
  });
});

test.describe('empty store', () => {
  test('shows how to send the first event, and the event then appears', async ({ page, request }) => {
    const errors = watchErrors(page);
    const base = serverUrl(ENV_EMPTY_URL);
    const { overview } = await openDashboard(page, base);
    expect(overview.total_events).toBe(0);

    const panel = page.getByTestId('first-event');
    await expect(panel).toBeVisible();
    const command = page.getByTestId('first-event-command');
    await expect(command).toContainText(`curl -X POST ${base}/api/v1/events`);
    await expect(command).toContainText('"model":"gpt-4o-mini"');
    await expect(panel.getByRole('link', { name: 'README' })).toHaveAttribute('href', '/README.txt');
    const readme = await request.get(`${base}/README.txt`);
    expect(readme.ok()).toBe(true);
    expect(readme.headers()['content-type']).toContain('text/plain');
    expect(await readme.text()).toContain('MLtrack');
    await expect(page.getByTestId('demo-badge')).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/empty-store.png`, fullPage: true });

    // The command is valid: send its body as the curl would, then refresh.
    const text = (await command.textContent())!;
    const body = text.slice(text.indexOf("-d '") + 4, text.lastIndexOf("'"));
    const sent = await request.post(`${base}/api/v1/events`, {
      headers: { 'Content-Type': 'application/json' },
      data: body,
    });
    expect(sent.status(), await sent.text()).toBe(200);
    await panel.getByRole('button', { name: /refresh/ }).click();
    await expect(page.getByTestId('card-cost-value')).toBeVisible();
    await expect(page.getByTestId('card-tokens-value')).toHaveText('168');
    expect(errors).toEqual([]);
  });
});
