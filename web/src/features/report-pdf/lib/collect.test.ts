// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { collectBlocks } from './collect';

function page(html: string): HTMLElement {
  const root = document.createElement('main');
  root.innerHTML = html;
  return root;
}

const card = `
  <section data-report-card="" data-testid="card-cost"><header><h3>Total cost</h3></header>
    <div data-report-figure=""><div><span>$1,234.50</span></div><div><span>+5.0%</span><span>vs prev. period</span></div></div>
    <dl><div data-report-detail=""><dt>Per event</dt><dd>$0.012</dd></div><div data-report-detail=""><dt>Tokens</dt><dd>1.2M</dd></div></dl>
    <p data-testid="card-cost-warning">3 models unpriced</p>
  </section>`;
const chart = (id: string, ready = true) => `
  <section data-print-block="" data-testid="chart-${id}"><header><h3>Chart ${id}</h3></header>
    <div data-chart-ready="${ready}" id="${id}"></div></section>`;

describe('collectBlocks', () => {
  const image = (element: HTMLElement) => ({ dataUrl: `data:${element.id}`, width: 800, height: 300 });
  const all = () => true;

  it('reads cards as text and charts as images, in page order', () => {
    const blocks = collectBlocks(page(card + chart('a') + chart('b')), { image, visible: all });
    expect(blocks).toEqual([
      {
        kind: 'text',
        title: 'Total cost',
        lines: ['$1,234.50 +5.0% vs prev. period', 'Per event: $0.012  |  Tokens: 1.2M', 'Note: 3 models unpriced'],
      },
      { kind: 'chart', title: 'Chart a', dataUrl: 'data:a', width: 800, height: 300 },
      { kind: 'chart', title: 'Chart b', dataUrl: 'data:b', width: 800, height: 300 },
    ]);
  });

  it('skips hidden blocks and writes an undrawn chart by its empty state', () => {
    const html = chart('hidden') + `<section data-print-block=""><h3>Empty</h3><div data-testid="empty-state">No events match</div></section>`;
    const blocks = collectBlocks(page(html), { image, visible: (element) => element.dataset.testid !== 'chart-hidden' });
    expect(blocks).toEqual([{ kind: 'text', title: 'Empty', lines: ['No events match'] }]);
  });

  it('writes a table block as rows, capped', () => {
    const rows = Array.from({ length: 5 }, (_, i) => `<tr><td>m${i}</td><td>${i}</td></tr>`).join('');
    const html = `<section data-print-block=""><h3>Result</h3><table><thead><tr><th>model</th><th>n</th></tr></thead><tbody>${rows}</tbody></table></section>`;
    const blocks = collectBlocks(page(html), { image, visible: all, maxRows: 2 });
    expect(blocks).toEqual([{ kind: 'text', title: 'Result', lines: ['model  |  n', 'm0  |  0', 'm1  |  1', '... 3 more rows'] }]);
  });

  it('falls back to text when a chart gives no image', () => {
    const blocks = collectBlocks(page(chart('a', false)), { image: () => null, visible: all });
    expect(blocks).toEqual([{ kind: 'text', title: 'Chart a', lines: ['No data'] }]);
  });
});
