// The events explorer and the trace page against the real demo server: rows load in light, dark
// and at 390 px; the search box narrows the table; scrolling loads the next page by cursor; the
// drawer shows an event's fields; a trace link opens its waterfall with every call of the trace.
import { expect, test } from '@playwright/test';
import type { CallTimeline, EventPage } from '../src/api/types';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

const isSearch = (url: string) => url.includes('/api/v1/events/search');

for (const [theme, width] of [['light', 1440], ['dark', 1440], ['light', 390]] as [Theme, number][]) {
  test(`events explorer on demo data, ${theme} at ${width} px: rows, drawer`, async ({ page }) => {
    const errors = watchErrors(page);
    await openPage(page, `${serverUrl(ENV_DEMO_URL)}/events`, theme, width);
    await expect(page.getByTestId('event-row').first()).toBeVisible();
    await expect(page.getByTestId('events-table')).toHaveAttribute('data-rows', /^[1-9]\d{2,}$/);
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/events-${theme}-${width}.png`, fullPage: true });

    await page.getByTestId('event-row').first().click();
    const drawer = page.getByTestId('event-drawer');
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId('event-fields')).toContainText('Experiment');
    await expect(drawer.getByTestId('event-fields')).toContainText('Latency');
    await expect(drawer.getByTestId('event-tags')).toContainText('env');
    await page.screenshot({ path: `${SHOTS}/events-drawer-${theme}-${width}.png` });
    await page.keyboard.press('Escape');
    await expect(drawer).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}

test('the search box narrows the table, scrolling loads the next page', async ({ page }) => {
  const errors = watchErrors(page);
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}/events`);
  const table = page.getByTestId('events-table');
  await expect(page.getByTestId('event-row').first()).toBeVisible();

  // Scrolling to the end of the loaded rows asks for the next page with the cursor.
  const rowsBefore = Number(await table.getAttribute('data-rows'));
  const next = page.waitForRequest((request) => isSearch(request.url()) && (request.postDataJSON()?.cursor ?? null) !== null);
  await page.getByTestId('events-scroll').evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await next;
  await expect.poll(async () => Number(await table.getAttribute('data-rows'))).toBeGreaterThan(rowsBefore);

  // A model name: every row shown is that model's (the demo has no other field containing it).
  const narrowed = page.waitForResponse((response) => isSearch(response.url()) && response.request().postDataJSON()?.q === 'claude-haiku');
  await page.getByTestId('events-search').fill('claude-haiku');
  const body = (await (await narrowed).json()) as EventPage;
  expect(body.events.length).toBeGreaterThan(0);
  await expect(page).toHaveURL(/q=claude-haiku/);
  await expect(page.getByTestId('event-row').first()).toContainText('claude');
  for (const row of await page.getByTestId('event-row').all()) await expect(row).toContainText(/claude-.*haiku/);
  expect(errors).toEqual([]);
});

test('a trace link opens the waterfall with every call of the trace', async ({ page, request }) => {
  const errors = watchErrors(page);
  const base = serverUrl(ENV_DEMO_URL);
  // A demo agent run: plan, tool calls, answer in one trace.
  const search = await request.post(`${base}/api/v1/events/search`, {
    data: { from: 'now-30d', limit: 1, filters: [{ field: 'tags.agent_step', op: 'eq', value: 'plan' }] },
  });
  const traceId = ((await search.json()) as EventPage).events[0]?.trace_id;
  expect(traceId).toBeTruthy();
  const timeline = (await (await request.get(`${base}/api/v1/traces/${encodeURIComponent(traceId!)}`)).json()) as CallTimeline;
  expect(timeline.totals.calls).toBeGreaterThanOrEqual(3);

  await openPage(page, `${base}/events?q=${encodeURIComponent(traceId!)}`);
  await expect(page.getByTestId('event-row')).toHaveCount(timeline.totals.calls);
  await page.getByTestId('event-row').first().click();
  await page.getByTestId('event-drawer').getByRole('link', { name: traceId! }).click();
  await expect(page).toHaveURL(new RegExp(`/traces/${traceId}`));
  await expect(page.getByTestId('waterfall-row')).toHaveCount(timeline.totals.calls);
  await expect(page.getByTestId('timeline-totals')).toContainText(String(timeline.totals.calls));
  await page.screenshot({ path: `${SHOTS}/trace-light-1440.png`, fullPage: true });
  for (const [theme, width] of [['dark', 1440], ['light', 390]] as [Theme, number][]) {
    await openPage(page, `${base}/traces/${encodeURIComponent(traceId!)}`, theme, width);
    await expect(page.getByTestId('waterfall-row')).toHaveCount(timeline.totals.calls);
    if (width < 600) await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/trace-${theme}-${width}.png`, fullPage: true });
  }
  expect(errors).toEqual([]);
});
