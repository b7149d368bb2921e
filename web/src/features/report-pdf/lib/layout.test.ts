import { describe, expect, it } from 'vitest';
import { A4, chartSize, pdfFileName, pdfText, planPages, type ChartBlock, type ReportBlock } from './layout';

const chart = (title: string, width = 800, height = 300): ChartBlock => ({ kind: 'chart', title, width, height, dataUrl: 'x' });

describe('chartSize', () => {
  it('fills the content width and keeps the aspect ratio', () => {
    const size = chartSize(chart('a', 1000, 250), A4);
    expect(size.width).toBeCloseTo(182);
    expect(size.height).toBeCloseTo(45.5);
  });
  it('is never taller than maxChartHeight, narrowing instead', () => {
    const size = chartSize(chart('tall', 400, 400), A4);
    expect(size.height).toBe(72);
    expect(size.width).toBe(72);
  });
});

describe('planPages', () => {
  it('puts blocks below the header and moves one that does not fit to a new page, whole', () => {
    // Each 800x300 chart: 182 x 68.25 mm + 6.5 title = 74.75 mm; three fit below a 20 mm header
    // (14 + 20 + 3 x 74.75 + 2 x 5 = 268.25 <= 283), the fourth goes over.
    const blocks: ReportBlock[] = [chart('a'), chart('b'), chart('c'), chart('d')];
    const pages = planPages(blocks, A4, 20);
    expect(pages.map((page) => page.map((p) => p.block.title))).toEqual([['a', 'b', 'c'], ['d']]);
    expect(pages[0]![0]!.y).toBe(34);
    expect(pages[0]![1]!.y).toBeCloseTo(34 + 74.75 + 5);
    expect(pages[1]![0]!.y).toBe(14);
    for (const page of pages) for (const placed of page) expect(placed.y + placed.height).toBeLessThanOrEqual(297 - 14);
  });
  it('sizes text blocks by their lines', () => {
    const pages = planPages([{ kind: 'text', title: 'Cost', lines: ['$1', '$2', '$3'] }], A4, 0);
    expect(pages[0]![0]!.height).toBeCloseTo(6.5 + 3 * 4.6);
  });
  it('splits text longer than a page into pieces that each fit a page', () => {
    // (297 - 28 - 6.5) / 4.6 = 57 lines a page.
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i}`);
    const pages = planPages([{ kind: 'text', title: 'long', lines }, chart('after')], A4, 0);
    expect(pages.map((page) => page.map((p) => p.block.title))).toEqual([['long'], ['long (continued)', 'after']]);
    const first = pages[0]![0]!.block;
    expect(first.kind === 'text' && first.lines.length).toBe(57);
    for (const page of pages) for (const placed of page) expect(placed.y + placed.height).toBeLessThanOrEqual(297 - 14);
  });
  it('gives one empty page for no blocks', () => {
    expect(planPages([], A4, 20)).toEqual([[]]);
  });
});

describe('pdfText', () => {
  it('spells typographic signs in Latin-1 and collapses whitespace', () => {
    expect(pdfText('Last 30 days \u00b7 no filters  \u2014 p95 \u2265 1\u202fs')).toBe('Last 30 days | no filters - p95 >= 1 s');
    expect(pdfText('caf\u00e9 \u4e2d')).toBe('caf\u00e9 ?');
    expect(pdfText('\u25b2 30.6% \u25bc 2.1%')).toBe('up 30.6% down 2.1%');
  });
});

describe('pdfFileName', () => {
  it('names the page and the day', () => {
    expect(pdfFileName('executive', new Date('2026-12-06T15:00:00Z'))).toBe('mltrack-executive-2026-12-06.pdf');
    expect(pdfFileName('models/compare', new Date('2026-12-06T00:00:00Z'))).toBe('mltrack-models-compare-2026-12-06.pdf');
  });
});
