// Live on the Executive Dashboard against the real server: an event POSTed to the API changes a
// card and tops the "Live events" list within a second without a reload; turning live off stops
// it (and is remembered); the indicator counts down to a reconnect when the server goes away.
// Each test filters on its own experiment, so the demo server's trickle never touches its figures.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ENV_DEMO_URL, ENV_TMP, startServer } from './server';
import { expectNoHorizontalOverflow, openPage, serverUrl, SHOTS, watchErrors, type Theme } from './support';

let sent = 0;

/** POSTs one event of `experiment`, stamped now, and returns its model (unique per call). */
async function postEvent(request: APIRequestContext, base: string, experiment: string): Promise<string> {
  sent += 1;
  const model = `live-model-${sent}`;
  const response = await request.post(`${base}/api/v1/events`, {
    headers: { 'Content-Type': 'application/json' },
    data: {
      ts: new Date().toISOString(),
      experiment,
      provider: 'openai',
      model,
      user: 'live-e2e',
      input_tokens: 100,
      output_tokens: 20,
      latency_ms: 420,
      cost_usd: 0.25,
      status: 'ok',
    },
  });
  expect(response.status(), await response.text()).toBe(200);
  return model;
}

async function openLive(page: Page, base: string, experiment: string, theme: Theme, width: number) {
  await openPage(page, `${base}/?range=24h&experiment=${experiment}`, theme, width);
  await expect(page.getByTestId('card-tokens-value')).toBeVisible();
  await expect(page.getByTestId('live-toggle')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('live-events').getByTestId('live-event')).not.toHaveCount(0);
}

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`an event POSTed to the API shows within 1 s without a reload (${theme}, ${width} px)`, async ({ page, request }) => {
    const base = serverUrl(ENV_DEMO_URL);
    const experiment = `live-e2e-${theme}-${width}-${Date.now()}`;
    const errors = watchErrors(page);
    await postEvent(request, base, experiment);
    await openLive(page, base, experiment, theme, width);
    await expect(page.getByTestId('card-tokens-value')).toHaveText('120');
    let reloaded = false;
    page.on('framenavigated', (frame) => (reloaded ||= frame === page.mainFrame()));

    const model = await postEvent(request, base, experiment);
    await expect(page.getByTestId('card-tokens-value')).toHaveText('240', { timeout: 1000 });
    await expect(page.getByTestId('live-event').first()).toContainText(model, { timeout: 1000 });
    await expect(page.getByTestId('live-event')).toHaveCount(2);
    // The cost card's windows and the model-usage donut (one slice per posted model) follow too.
    const last24h = page.getByTestId('card-cost').locator('[data-report-detail]', { hasText: 'Last 24h' });
    await expect(last24h).toContainText('$0.50', { timeout: 1000 });
    await expect(page.getByTestId('chart-model-usage').locator('[data-series-points]')).toHaveAttribute('data-series-points', '2');
    expect(reloaded).toBe(false);
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/live-${theme}-${width}-top.png` });
    await page.screenshot({ path: `${SHOTS}/live-${theme}-${width}.png`, fullPage: true });
    await page.getByTestId('live-events').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/live-${theme}-${width}-panel.png` });
    expect(errors).toEqual([]);
  });
}

test('turning live off stops the updates and is remembered across a reload', async ({ page, request }) => {
  const base = serverUrl(ENV_DEMO_URL);
  const experiment = `live-e2e-off-${Date.now()}`;
  const errors = watchErrors(page);
  await postEvent(request, base, experiment);
  await openLive(page, base, experiment, 'light', 1440);

  const toggle = page.getByTestId('live-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('live-status')).toHaveText('Live off');
  await expect(page.getByTestId('live-events')).toHaveCount(0);

  await postEvent(request, base, experiment);
  // Well past the 250 ms push interval: a live page would have shown 240 by now.
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('card-tokens-value')).toHaveText('120');

  await page.reload();
  await expect(page.getByTestId('live-toggle')).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('card-tokens-value')).toHaveText('240'); // the reload fetched it
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('live-event')).toHaveCount(2);
  expect(errors).toEqual([]);
});

test('a live event opens its detail drawer', async ({ page, request }) => {
  const base = serverUrl(ENV_DEMO_URL);
  const experiment = `live-e2e-drawer-${Date.now()}`;
  const model = await postEvent(request, base, experiment);
  await openLive(page, base, experiment, 'light', 1440);
  await page.getByTestId('live-event').first().click();
  await expect(page.getByRole('dialog')).toContainText(model);
});

test('the indicator shows the reconnect countdown when the server goes away', async ({ page, request }) => {
  const server = await startServer(process.env[ENV_TMP]!, `live-reconnect-${Date.now()}`, false);
  try {
    const experiment = 'live-e2e-reconnect';
    await postEvent(request, server.url, experiment);
    await openLive(page, server.url, experiment, 'light', 1440);
    process.kill(server.pid, 'SIGKILL');
    await expect(page.getByTestId('live-toggle')).toHaveAttribute('data-state', 'reconnecting');
    await expect(page.getByTestId('live-status')).toHaveText(/^Reconnecting in \d+s$/);
  } finally {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
