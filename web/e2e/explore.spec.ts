// The report builder (/explore) and the chart chrome of every page, against the real demo server:
// build a report, see chart and table, save it, open it by its URL, rename and delete it; the CSV
// of an Executive Dashboard chart equals the API's figures, its PNG is a real image, a section
// collapses and stays so, and the page prints as a multi-page PDF with its range in a header.
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import type { Overview, QueryResult, Report } from '../src/api/types';
import { ENV_DEMO_URL } from './server';
import { expectChartsDrawn, expectNoHorizontalOverflow, openPage, serverUrl, SHOTS, watchErrors, type Theme } from './support';

const base = () => serverUrl(ENV_DEMO_URL);

async function demoReport(page: Page, name: string): Promise<Report> {
  const response = await page.request.get(`${base()}/api/v1/reports`);
  expect(response.ok()).toBe(true);
  const { reports } = (await response.json()) as { reports: Report[] };
  const found = reports.find((r) => r.name === name);
  if (!found) throw new Error(`the demo has no report named ${name}`);
  return found;
}

/** Parses the app's CSV export (RFC 4180; the values here have no quotes or commas). */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

test('build a report, save it, open it by URL, rename and delete it', async ({ page }) => {
  const errors = watchErrors(page);
  await openPage(page, `${base()}/explore`);
  await expectChartsDrawn(page, ['report-preview']);

  // Cost per provider as bars, no time bucket.
  await page.getByRole('button', { name: 'Remove model' }).click();
  await page.getByLabel('Add a group-by dimension').selectOption('provider');
  const answered = page.waitForResponse((r) => {
    const body = r.url().endsWith('/api/v1/query') ? (r.request().postData() ?? '') : '';
    return body.includes('"group_by":["provider"]') && body.includes('"sum:cost_usd"') && !body.includes('"bucket"');
  });
  await page.getByLabel('Time bucket').selectOption('');
  await page.getByRole('radio', { name: 'Bar' }).click();
  const answer = (await (await answered).json()) as QueryResult;
  expect(answer.columns).toEqual(['provider', 'count', 'sum:cost_usd']);
  await expectChartsDrawn(page, ['report-preview']);
  const table = page.getByTestId('result-table');
  await expect(table.locator('th')).toHaveText(['provider', 'count', 'sum:cost_usd']);
  await expect(table.locator('tbody tr')).toHaveCount(answer.rows.length);
  await expect(page.getByTestId('spec-json')).toContainText('"group_by": [\n    "provider"\n  ]');
  await page.screenshot({ path: `${SHOTS}/explore-built-light.png`, fullPage: true });

  // Save: the URL becomes the report's.
  await page.getByLabel('Report name').fill('E2E cost per provider');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Save report' }).click();
  expect((await created).status()).toBe(201);
  const report = (await (await created).json()) as Report;
  await expect(page).toHaveURL(new RegExp(`report=${report.id}`));
  expect(report.spec.group_by).toEqual(['provider']);
  expect(report.chart).toBe('bar');

  // A fresh load of either URL form opens it as saved.
  for (const url of [`${base()}/explore?report=${report.id}`, `${base()}/explore/${report.id}`]) {
    await page.goto(url);
    await expect(page.getByText('Saved report “E2E cost per provider”')).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Bar' })).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByTestId('result-table').locator('th').first()).toHaveText('provider');
    await expectChartsDrawn(page, ['report-preview']);
  }

  // Rename in the list; the server has the new name.
  const saved = page.getByTestId('saved-reports');
  await saved.getByRole('button', { name: 'Rename E2E cost per provider' }).click();
  await saved.getByLabel('New name').fill('E2E spend per provider');
  await saved.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(saved.getByRole('link', { name: 'E2E spend per provider' })).toBeVisible();
  const renamed = await page.request.get(`${base()}/api/v1/reports/${report.id}`);
  expect(((await renamed.json()) as Report).name).toBe('E2E spend per provider');

  // Delete it: gone from the list and from the server.
  await saved.getByRole('button', { name: 'Delete E2E spend per provider' }).click();
  await saved.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(saved.getByRole('link', { name: 'E2E spend per provider' })).toHaveCount(0);
  expect((await page.request.get(`${base()}/api/v1/reports/${report.id}`)).status()).toBe(404);
  expect(errors).toEqual([]);
});

for (const [theme, width] of [['light', 1440], ['dark', 1440], ['light', 390]] as [Theme, number][]) {
  test(`a saved demo report in ${theme} at ${width} px`, async ({ page }) => {
    const errors = watchErrors(page);
    const report = await demoReport(page, 'Daily cost per model');
    await openPage(page, `${base()}/explore?report=${report.id}`, theme, width);
    await expect(page.getByText('Saved report “Daily cost per model”')).toBeVisible();
    await expectChartsDrawn(page, ['report-preview']);
    await expect(page.getByTestId('result-table').locator('tbody tr').first()).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/explore-${theme}-${width}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

test('Executive Dashboard: CSV and PNG of a chart, a collapsing section, the PDF report', async ({ page }) => {
  const errors = watchErrors(page);
  let latest: Overview | undefined;
  page.on('response', (response) => {
    if (response.url().includes('/api/analytics/overview') && response.ok()) {
      response.json().then((json: Overview) => (latest = json), () => undefined);
    }
  });
  // The CSV is compared with the last overview response: live pushes would move the current
  // bucket between two fetches (the demo keeps adding events), so live is off here.
  await page.addInitScript(() => window.localStorage.setItem('mltrack-live', 'off'));
  await openPage(page, `${base()}/`);
  await expectChartsDrawn(page, ['cost-trend', 'model-usage', 'latency-histogram', 'status-over-time']);

  // CSV: one row per bucket; every bucket with events has the API's success and error counts.
  const chart = page.getByTestId('chart-status-over-time');
  const csvDownload = page.waitForEvent('download');
  await chart.getByRole('button', { name: 'Export Success & failure over time data as CSV' }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('mltrack-status-over-time.csv');
  const [header, ...rows] = parseCsv(await readFile((await csv.path())!, 'utf8'));
  expect(header).toEqual(['t', 'Success', 'Error', 'Error rate']);
  const points = latest!.status_over_time.filter((p) => (p.ok ?? 0) + (p.error ?? 0) > 0);
  expect(points.length).toBeGreaterThan(1);
  const byTime = new Map(rows.map((row) => [row[0], row]));
  for (const point of points) {
    const row = byTime.get(new Date(point.t).toISOString());
    expect(row, `a CSV row for ${new Date(point.t).toISOString()}`).toBeDefined();
    expect(Number(row![1])).toBe(point.ok ?? 0);
    expect(Number(row![2])).toBe(point.error ?? 0);
  }

  // PNG: a real image.
  const pngDownload = page.waitForEvent('download');
  await chart.getByRole('button', { name: 'Export Success & failure over time as PNG' }).click();
  const png = await readFile((await (await pngDownload).path())!);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.length).toBeGreaterThan(5_000);

  // A section collapses, stays collapsed after a reload, and opens again.
  await page.screenshot({ path: `${SHOTS}/executive-sections.png` });
  const trends = page.getByRole('button', { name: 'Trends' });
  await trends.click();
  await expect(trends).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('chart-cost-trend')).toBeHidden();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Trends' })).toHaveAttribute('aria-expanded', 'false');
  await page.getByRole('button', { name: 'Trends' }).click();
  await expectChartsDrawn(page, ['cost-trend']);

  // Export PDF: the print layout has a header with the page and range; the PDF has several pages.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-header')).toBeVisible();
  await expect(page.getByTestId('print-header')).toContainText('Executive');
  await expect(page.getByTestId('print-header')).toContainText('Last 30 days');
  await expect(page.getByTestId('filter-bar')).toBeHidden();
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  await page.screenshot({ path: `${SHOTS}/executive-print.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await writeFile(`${SHOTS}/executive.pdf`, pdf);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
  expect(pages.length).toBeGreaterThanOrEqual(2);
  expect(errors).toEqual([]);
});
