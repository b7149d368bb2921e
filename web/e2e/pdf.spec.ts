// "Download PDF" on the dashboards, against the real server (its CSP forbids inline scripts and
// eval): the download is a real PDF built in the browser, with the page's title, range, figures and
// one image per drawn chart, over as many pages as its blocks need; jsPDF is fetched only on click.
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { ENV_DEMO_URL } from './server';
import { expectChartsDrawn, openPage, serverUrl, SHOTS, watchErrors, type Theme } from './support';

const base = () => serverUrl(ENV_DEMO_URL);

interface PdfFacts {
  text: string;
  pages: number;
  images: number;
}

// jsPDF writes uncompressed content streams here (compress: false): the text is in the file.
function pdfFacts(pdf: Buffer): PdfFacts {
  const text = pdf.toString('latin1');
  return {
    text,
    pages: (text.match(/\/Type\s*\/Page(?!s)/g) ?? []).length,
    images: (text.match(/\/Subtype\s*\/Image/g) ?? []).length,
  };
}

async function downloadPdf(page: Page, name: string): Promise<PdfFacts> {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-pdf').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^mltrack-${name}-\\d{4}-\\d{2}-\\d{2}\\.pdf$`));
  const pdf = await readFile((await file.path())!);
  await writeFile(`${SHOTS}/${name}-report.pdf`, pdf);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return pdfFacts(pdf);
}

const DASHBOARDS: { id: string; path: string; title: string; charts: string[]; card: string }[] = [
  {
    id: 'executive',
    path: '/',
    title: 'Executive',
    charts: ['cost-trend', 'model-usage', 'latency-histogram', 'status-over-time'],
    card: 'Total Cost',
  },
  { id: 'cost', path: '/cost', title: 'Cost Analytics', charts: [], card: '' },
  { id: 'performance', path: '/performance', title: 'Performance', charts: [], card: '' },
];

for (const dashboard of DASHBOARDS) {
  test(`${dashboard.title}: Download PDF gives the page as a PDF file`, async ({ page }) => {
    const errors = watchErrors(page);
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await openPage(page, `${base()}${dashboard.path}`);
    if (dashboard.charts.length > 0) await expectChartsDrawn(page, dashboard.charts);
    await expect(page.locator('main [data-chart-ready="true"]').first()).toBeVisible();
    await expect.poll(() => page.locator('main [data-print-block] [data-chart-ready="false"]').count()).toBe(0);
    const drawn = await page.locator('main [data-print-block] [data-chart-ready="true"]').count();
    expect(drawn).toBeGreaterThan(0);
    expect(scripts.filter((url) => url.includes('renderPdf'))).toEqual([]);

    const pdf = await downloadPdf(page, dashboard.id);
    expect(scripts.filter((url) => url.includes('renderPdf'))).toHaveLength(1);
    expect(pdf.text).toContain(`MLtrack Analytics - ${dashboard.title}`);
    expect(pdf.text).toContain('Range: Last 30 days');
    expect(pdf.text).toContain('Filters: no filters');
    if (dashboard.card) expect(pdf.text).toContain(`(${dashboard.card})`);
    // One image per drawn chart; at most three 72 mm charts fit an A4 page.
    expect(pdf.images).toBe(drawn);
    expect(pdf.pages).toBeGreaterThanOrEqual(Math.max(2, Math.ceil(drawn / 3)));
    expect(pdf.text).toContain(`Page ${pdf.pages} of ${pdf.pages}`);
    await expect(page.getByTestId('export-pdf')).toHaveAttribute('data-state', 'idle');
    expect(errors).toEqual([]);
  });
}

const VARIANTS: { theme: Theme; width: number }[] = [
  { theme: 'dark', width: 1440 },
  { theme: 'light', width: 390 },
];

for (const { theme, width } of VARIANTS) {
  test(`Executive: Download PDF in ${theme} at ${width}px, with a filter`, async ({ page }) => {
    const errors = watchErrors(page);
    await openPage(page, `${base()}/?model=gpt-4o-mini`, theme, width);
    await expectChartsDrawn(page, ['cost-trend', 'status-over-time']);
    await expect(page.getByTestId('export-pdf')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/pdf-button-${theme}-${width}.png` });
    const pdf = await downloadPdf(page, 'executive');
    expect(pdf.text).toContain('MLtrack Analytics - Executive');
    expect(pdf.text).toContain('Filters: Model: gpt-4o-mini');
    expect(pdf.images).toBeGreaterThanOrEqual(2);
    expect(pdf.pages).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });
}
