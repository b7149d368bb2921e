// Live on the Cost and Performance pages against the real server: an event POSTed to the API
// changes their headline cards within a second, without a reload (features/live mergeCost and
// mergePerformance). Each test filters on its own experiment, so the demo trickle never touches it.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ENV_DEMO_URL } from './server';
import { openPage, serverUrl, watchErrors } from './support';

async function postEvent(request: APIRequestContext, base: string, experiment: string, status: 'ok' | 'error') {
  const response = await request.post(`${base}/api/v1/events`, {
    headers: { 'Content-Type': 'application/json' },
    data: {
      ts: new Date().toISOString(),
      experiment,
      provider: 'openai',
      model: 'gpt-4o',
      user: 'live-pages-e2e',
      input_tokens: 100,
      output_tokens: 20,
      latency_ms: 420,
      cost_usd: 0.25,
      status,
      ...(status === 'error' ? { error_type: 'timeout' } : {}),
    },
  });
  expect(response.status(), await response.text()).toBe(200);
}

function watchReload(page: Page): () => boolean {
  let reloaded = false;
  page.on('framenavigated', (frame) => (reloaded ||= frame === page.mainFrame()));
  return () => reloaded;
}

test('an event POSTed to the API shows on the Cost page\u2019s cards within 1 s without a reload', async ({ page, request }) => {
  const base = serverUrl(ENV_DEMO_URL);
  const experiment = `live-cost-e2e-${Date.now()}`;
  const errors = watchErrors(page);
  await postEvent(request, base, experiment, 'ok');
  await openPage(page, `${base}/cost?range=24h&experiment=${experiment}`, 'light', 1440);
  await expect(page.getByTestId('card-calls-value')).toHaveText('1');
  await expect(page.getByTestId('live-toggle')).toHaveAttribute('data-state', 'live');
  const reloaded = watchReload(page);

  await postEvent(request, base, experiment, 'ok');
  await expect(page.getByTestId('card-calls-value')).toHaveText('2', { timeout: 1000 });
  await expect(page.getByTestId('card-cost-value')).toHaveText('$0.50', { timeout: 1000 });
  await expect(page.getByTestId('card-tokens-value')).toHaveText('240', { timeout: 1000 });
  expect(reloaded()).toBe(false);
  expect(errors).toEqual([]);
});

test('an error POSTed to the API shows on the Performance page\u2019s error card within 1 s without a reload', async ({ page, request }) => {
  const base = serverUrl(ENV_DEMO_URL);
  const experiment = `live-perf-e2e-${Date.now()}`;
  const errors = watchErrors(page);
  await postEvent(request, base, experiment, 'ok');
  await openPage(page, `${base}/performance?range=24h&experiment=${experiment}`, 'dark', 390);
  await expect(page.getByTestId('card-error-rate-value')).toHaveText('0.00%');
  await expect(page.getByTestId('live-toggle')).toHaveAttribute('data-state', 'live');
  const reloaded = watchReload(page);

  await postEvent(request, base, experiment, 'error');
  await expect(page.getByTestId('card-error-rate-value')).toHaveText('50.00%', { timeout: 1000 });
  await expect(page.getByTestId('card-errors').locator('[data-report-detail]', { hasText: 'Calls' })).toContainText('2', { timeout: 1000 });
  expect(reloaded()).toBe(false);
  expect(errors).toEqual([]);
});
