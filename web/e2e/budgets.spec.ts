// The Budgets page against the real demo server: every budget's gauge draws, the alert history
// lists the demo's alerts, in light, dark and at phone width; a budget is created (after a 400
// that names the field), edited (enforcement at the proxy on, then off) and deleted through the form.
import { expect, test, type Page } from '@playwright/test';
import type { Alert, Budget } from '../src/api/types';
import { formatUsd } from '../src/lib/format';
import { ENV_DEMO_URL } from './server';
import { SHOTS, expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, watchErrors, type Theme } from './support';

async function openBudgets(page: Page, theme: Theme, width: number) {
  const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/budgets') && r.ok());
  await openPage(page, `${serverUrl(ENV_DEMO_URL)}/budgets`, theme, width);
  return ((await (await response).json()) as { budgets: Budget[] }).budgets;
}

for (const [theme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as [Theme, number][]) {
  test(`budgets page in ${theme} at ${width} px: gauges and alert history`, async ({ page, request }) => {
    const errors = watchErrors(page);
    const budgets = await openBudgets(page, theme, width);
    expect(budgets.length).toBeGreaterThanOrEqual(2);
    await expectChartsDrawn(page, budgets.map((b) => `budget-${b.id}`));
    for (const budget of budgets) {
      await expect(page.getByTestId(`budget-${budget.id}-spend`)).toHaveText(/^\$/);
      // The ETS outlook: the date the spend reaches the amount, or not this period.
      await expect(page.getByTestId(`budget-${budget.id}-exceeds`)).toHaveText(budget.exceeds_on ? /exceed/i : /^Not this/);
    }
    // The demo trickle may fire an alert meanwhile: the page (refreshing every 30 s) and the API
    // agree within one refresh.
    await expect(async () => {
      const alerts = ((await (await request.get(`${serverUrl(ENV_DEMO_URL)}/api/v1/alerts`)).json()) as { alerts: Alert[] }).alerts;
      expect(alerts.length).toBeGreaterThan(0);
      expect(await page.getByTestId('alert-row').count()).toBe(alerts.length);
    }).toPass({ timeout: 45_000 });
    await expectNoHorizontalOverflow(page);
    // The alert history fits its card at every width (stacked lines on a phone), nothing scrolls sideways.
    const history = page.getByTestId('alert-history');
    const scrollers = await history.evaluate((card) =>
      [card, ...Array.from(card.querySelectorAll('*'))].filter(
        (el) => el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX),
      ).length,
    );
    expect(scrollers).toBe(0);
    const cardWidth = (await history.boundingBox())!.width;
    for (const row of await page.getByTestId('alert-row').all()) {
      expect((await row.boundingBox())!.width).toBeLessThanOrEqual(cardWidth);
    }
    await page.screenshot({ path: `${SHOTS}/budgets-${theme}-${width}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

test('create (after a 400 naming the field), edit and delete a budget', async ({ page }) => {
  const errors = watchErrors(page);
  const before = await openBudgets(page, 'light', 1440);
  await page.getByRole('button', { name: 'New budget' }).click();
  const form = page.getByTestId('budget-form');
  await form.getByLabel('Name').fill('E2E research weekly');
  await form.getByLabel('Amount (USD)').fill('-5');
  await form.getByLabel('Period').selectOption('week');
  await form.getByLabel('Scope', { exact: true }).selectOption('team');
  await form.getByLabel('Scope value').fill('research');
  await form.getByRole('button', { name: 'Create budget' }).click();
  await expect(page.getByTestId('error-budget-amount')).toContainText('amount_usd');

  await form.getByLabel('Amount (USD)').fill('250');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/budgets') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Create budget' }).click();
  const budget = (await (await created).json()) as Budget;
  expect(budget.scope).toEqual({ field: 'team', value: 'research' });
  await expect(form).toHaveCount(0);
  await expectChartsDrawn(page, [`budget-${budget.id}`]);
  await expect(page.getByTestId(`chart-budget-${budget.id}`)).toContainText(`${formatUsd(250)} per week`);

  expect(budget.enforce).toBe(false);
  await expect(page.getByTestId(`budget-${budget.id}-enforce`)).toHaveCount(0);

  // Edit: a new amount and enforcement at the proxy, which the card then shows.
  await page.getByRole('button', { name: `Edit budget ${budget.name}` }).click();
  await form.getByLabel('Amount (USD)').fill('300');
  await expect(form.getByLabel('Enforce at the proxy (block calls when spent)')).not.toBeChecked();
  await form.getByLabel('Enforce at the proxy (block calls when spent)').check();
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/budgets/${budget.id}`) && r.request().method() === 'PUT');
  await form.getByRole('button', { name: 'Save changes' }).click();
  expect(((await (await saved).json()) as Budget).enforce).toBe(true);
  await expect(page.getByTestId(`chart-budget-${budget.id}`)).toContainText(`${formatUsd(300)} per week`);
  await expect(page.getByTestId(`budget-${budget.id}-enforce`)).toContainText('proxy');

  // The checkbox round-trips: the form opens checked; unchecking it turns enforcement off.
  await page.getByRole('button', { name: `Edit budget ${budget.name}` }).click();
  await expect(form.getByLabel('Enforce at the proxy (block calls when spent)')).toBeChecked();
  await form.getByLabel('Enforce at the proxy (block calls when spent)').uncheck();
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId(`budget-${budget.id}-enforce`)).toHaveCount(0);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: `Delete budget ${budget.name}` }).click();
  await expect(page.getByTestId(`chart-budget-${budget.id}`)).toHaveCount(0);
  await expect(page.locator('[data-testid^="chart-budget-"]')).toHaveCount(before.length);
  // The browser logs the deliberate 400 as a failed resource; nothing else may be logged.
  expect(errors.filter((error) => !error.includes('status of 400'))).toEqual([]);
});
