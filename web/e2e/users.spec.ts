// The User Activity page against the real demo server: the figures are the API's, every chart
// draws in light, dark and at 390 px, the leaderboard sorts and filters, an experiment bubble
// filters by its experiment, the funnel editor sends
// its steps, and a failing API shows the error state.
import { expect, test, type Page, type Response } from '@playwright/test';
import type { UserActivity } from '../src/api/types';
import { formatCompact, formatUsd } from '../src/lib/format';
import { lightPalette } from '../src/lib/palette';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const CHARTS = ['active-users', 'new-returning', 'stickiness', 'funnel', 'experiments', 'cohorts', 'network', 'calendar'];
const isUsers = (response: Response) => response.url().includes('/api/analytics/users');

/** The last users JSON the page received (it refetches, and the demo trickle adds events). */
function trackUsers(page: Page): () => UserActivity | undefined {
  let latest: UserActivity | undefined;
  page.on('response', (response) => {
    if (isUsers(response) && response.ok()) response.json().then((json: UserActivity) => (latest = json), () => undefined);
  });
  return () => latest;
}

async function openUsers(page: Page, theme: Theme = 'light', width = 1440, query = '') {
  const latest = trackUsers(page);
  // On demo data the page asks with the demo's funnel from its first request on.
  const first = page.waitForResponse((r) => isUsers(r) && r.ok() && new URL(r.url()).searchParams.has('steps'));
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}/users${query}`, theme, width);
  const response = await first;
  return { activity: (await response.json()) as UserActivity, requestUrl: response.url(), latest };
}

for (const [theme, width] of [['light', 1440], ['dark', 1440], ['light', 390]] as [Theme, number][]) {
  test(`user activity on demo data, ${theme} at ${width} px: API figures, every chart drawn`, async ({ page }) => {
    const errors = watchErrors(page);
    const { activity, requestUrl, latest } = await openUsers(page, theme, width);
    const params = new URL(requestUrl).searchParams;
    expect(params.get('from')).toBe('now-30d');
    expect(params.get('steps')).toBe('tags.step:search,tags.step:answer,tags.step:feedback'); // the demo's journey
    expect(activity.demo).toBe(true);
    expect(activity.totals.users.value).toBeGreaterThan(50);
    expect(activity.funnel?.steps[2]?.users).toBeGreaterThan(0);
    expect(activity.cohorts.length).toBeGreaterThan(2);

    await expect(async () => {
      const now = latest()!;
      await expect(page.getByTestId('card-users-value')).toHaveText(formatCompact(now.totals.users.value), { timeout: 2_000 });
      await expect(page.getByTestId('card-cost-value')).toHaveText(formatUsd(now.totals.cost_usd.value), { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await expectChartsDrawn(page, CHARTS);
    await expect(page.getByTestId('leaderboard-row')).toHaveCount(activity.top_users.rows.length);
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/users-${theme}-${width}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

test('the leaderboard sorts on the server and a row filters the page by its user', async ({ page }) => {
  const errors = watchErrors(page);
  await openUsers(page);
  const sorted = page.waitForResponse((r) => isUsers(r) && r.ok() && new URL(r.url()).searchParams.get('sort') === 'calls');
  await page.getByTestId('sort-calls').click();
  const byCalls = (await (await sorted).json()) as UserActivity;
  await expect(page).toHaveURL(/sort=calls/);
  const top = byCalls.top_users.rows[0]!;
  expect(byCalls.top_users.rows[1]!.calls).toBeLessThanOrEqual(top.calls);
  await expect(page.getByTestId('leaderboard-row').first()).toContainText(top.user);

  const filtered = page.waitForResponse((r) => isUsers(r) && r.ok() && new URL(r.url()).searchParams.get('user') === top.user);
  await page.getByTestId('leaderboard-row').first().click();
  const forUser = (await filtered).json() as Promise<UserActivity>;
  await expect(page).toHaveURL(new RegExp(`user=${encodeURIComponent(top.user).replace('.', '\\.')}`));
  await expect(page).toHaveURL(/sort=calls/); // the page's own parameter survives the filter
  expect((await forUser).totals.users.value).toBe(1);
  await expect(page.getByTestId('card-users-value')).toHaveText('1');
  expect(errors).toEqual([]);
});

/**
 * Where the first experiment's bubble is drawn, in page pixels: the middle of the canvas pixels
 * of its colour (series colour 0; the canvas is transparent, so the bubble's 75 % opacity is in
 * the alpha channel); null before it is drawn.
 */
async function firstBubbleCenter(page: Page): Promise<{ x: number; y: number } | null> {
  const hex = lightPalette.series[0]!;
  const colour = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return page.getByTestId('chart-experiments').locator('canvas').first().evaluate((canvas: HTMLCanvasElement, rgb) => {
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const at = (y * width + x) * 4;
        if (data[at + 3]! > 120 && rgb.every((channel, idx) => Math.abs(data[at + idx]! - channel) <= 12)) {
          xs.push(x);
          ys.push(y);
        }
      }
    }
    if (xs.length < 20) return null;
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
    const rect = canvas.getBoundingClientRect();
    const scale = canvas.width / rect.width;
    return { x: rect.left + median(xs) / scale, y: rect.top + median(ys) / scale };
  }, colour);
}

test('clicking an experiment bubble filters the page by that experiment', async ({ page }) => {
  const errors = watchErrors(page);
  const { activity } = await openUsers(page);
  await expectChartsDrawn(page, ['experiments']);
  const first = activity.experiments.filter((e) => e.calls > 0)[0]!.experiment;
  await page.getByTestId('chart-experiments').scrollIntoViewIfNeeded();
  const filtered = page.waitForResponse((r) => isUsers(r) && r.ok() && new URL(r.url()).searchParams.get('experiment') === first);
  // Clicked where the bubble is drawn now (it grows in): again until the filter is set.
  await expect(async () => {
    const centre = await firstBubbleCenter(page);
    expect(centre).not.toBeNull();
    await page.mouse.click(centre!.x, centre!.y);
    await expect(page).toHaveURL(new RegExp(`[?&]experiment=${encodeURIComponent(first)}(&|$)`), { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: `Remove filter Experiment: ${first}` })).toBeVisible();
  const narrowed = (await (await filtered).json()) as UserActivity;
  expect(narrowed.experiments.filter((e) => e.calls > 0).map((e) => e.experiment)).toEqual([first]);
  expect(errors).toEqual([]);
});

test('the funnel editor checks steps and sends steps and window', async ({ page }) => {
  const errors = watchErrors(page);
  await openUsers(page);
  await page.getByTestId('funnel-step-1').fill('operaton:chat');
  await expect(page.getByTestId('funnel-hint')).toContainText('not a field');
  await expect(page.getByRole('button', { name: 'Apply' })).toBeDisabled();

  await page.getByTestId('funnel-step-0').fill('operation:embedding');
  await page.getByTestId('funnel-step-1').fill('operation:chat');
  await page.getByRole('button', { name: 'Remove step 3' }).click();
  await page.getByTestId('funnel-window').selectOption('1h');
  const sent = page.waitForResponse((r) => isUsers(r) && r.ok() && new URL(r.url()).searchParams.get('window') === '1h');
  await page.getByRole('button', { name: 'Apply' }).click();
  const response = await sent;
  expect(new URL(response.url()).searchParams.get('steps')).toBe('operation:embedding,operation:chat');
  const funnel = ((await response.json()) as UserActivity).funnel!;
  expect(funnel.window_ms).toBe(3_600_000);
  await expect(page).toHaveURL(/window=1h/);
  await expectChartsDrawn(page, ['funnel']);
  await expect(page.getByTestId('chart-funnel')).toContainText('within 1h');
  expect(funnel.steps[0]!.users).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('a failing API shows the error state, and retry recovers', async ({ page }) => {
  let fail = true;
  await page.route('**/api/analytics/users?**', (route) =>
    fail ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"boom"}}' }) : route.fallback(),
  );
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}/users`);
  await expect(page.getByTestId('error-state')).toContainText('boom');
  fail = false;
  await page.getByRole('button', { name: 'Retry' }).click();
  await expectChartsDrawn(page, ['active-users']);
});
