// What a dashboard's PDF report shows, read from the page as drawn (docs/exports.md "PDF"): every
// metric card (data-report-card) as lines of text, every chart block (data-print-block) as an image
// of its chart, or its table's rows, or its empty state's words — in page order, skipping what is
// hidden (a collapsed section).
import type { ReportBlock } from './layout';

export interface ChartImage {
  dataUrl: string;
  width: number;
  height: number;
}

export interface CollectOptions {
  /** The image of a drawn chart (its [data-chart-ready] element); null when it cannot be drawn. */
  image: (chart: HTMLElement) => ChartImage | null;
  /** Whether an element is shown (the browser: it has a layout box). */
  visible: (element: HTMLElement) => boolean;
  /** Table rows kept per block. */
  maxRows?: number;
}

const text = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

function cardLines(card: HTMLElement): string[] {
  const lines: string[] = [];
  for (const figure of card.querySelectorAll('[data-report-figure]')) {
    const parts = [...figure.querySelectorAll('span')].map(text).filter((part) => part !== '');
    if (parts.length > 0) lines.push(parts.join(' '));
  }
  const details = [...card.querySelectorAll('[data-report-detail]')].map(
    (detail) => `${text(detail.querySelector('dt'))}: ${text(detail.querySelector('dd'))}`,
  );
  if (details.length > 0) lines.push(details.join('  |  '));
  const warning = card.querySelector('[data-testid$="-warning"]');
  if (warning) lines.push(`Note: ${text(warning)}`);
  return lines;
}

function tableLines(table: HTMLTableElement, maxRows: number): string[] {
  const rows = [...table.querySelectorAll('tr')].map((row) => [...row.querySelectorAll('th,td')].map(text).join('  |  '));
  const kept = rows.slice(0, maxRows + 1);  // the header and maxRows rows
  if (rows.length > kept.length) kept.push(`... ${rows.length - kept.length} more rows`);
  return kept;
}

export function collectBlocks(root: HTMLElement, options: CollectOptions): ReportBlock[] {
  const maxRows = options.maxRows ?? 40;
  const blocks: ReportBlock[] = [];
  for (const element of root.querySelectorAll<HTMLElement>('[data-report-card], [data-print-block]')) {
    if (!options.visible(element)) continue;
    const title = text(element.querySelector('h3')) || 'Untitled';
    if (element.hasAttribute('data-report-card')) {
      blocks.push({ kind: 'text', title, lines: cardLines(element) });
      continue;
    }
    const chart = element.querySelector<HTMLElement>('[data-chart-ready="true"]');
    const image = chart ? options.image(chart) : null;
    if (image) {
      blocks.push({ kind: 'chart', title, ...image });
      continue;
    }
    const table = element.querySelector('table');
    const lines = table ? tableLines(table, maxRows) : [text(element.querySelector('[data-testid="empty-state"], p')) || 'No data'];
    blocks.push({ kind: 'text', title, lines });
  }
  return blocks;
}
