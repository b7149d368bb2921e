import { describe, expect, it } from 'vitest';
import type { Insight, InsightsReport } from '../../../api/types';
import { lightPalette } from '../../../lib/palette';
import { DEFAULT_FILTERS, type Filters } from '../../filters/lib/filters';
import { formatFigure, insightHref, MAX_BARS, savingsModel, summarize } from './insights';

function insight(overrides: Partial<Insight> = {}): Insight {
  return {
    id: 'exact_cache:experiment bot',
    kind: 'exact_cache',
    subject: 'experiment bot',
    severity: 'info',
    title: 'Cache repeated prompts in bot',
    detail: '30 of 40 calls repeated an input.',
    monthly_saving_usd: 3,
    evidence: [{ label: 'repeated calls', value: 30, unit: 'count' }],
    link: '/cost?experiment=bot',
    ...overrides,
  };
}

function report(insights: Insight[]): InsightsReport {
  const total = insights.reduce((sum, item) => sum + (item.monthly_saving_usd ?? 0), 0);
  return { from: 0, to: 1, total_monthly_saving_usd: total, insights, skipped: [] };
}

describe('formatFigure', () => {
  it('writes each unit as the page shows it', () => {
    expect(formatFigure({ label: 'a', value: 4.2, unit: 'usd' })).toBe('$4.20');
    expect(formatFigure({ label: 'a', value: 0.75, unit: 'share' })).toBe('75.0%');
    expect(formatFigure({ label: 'a', value: 1234, unit: 'count' })).toBe('1,234');
    expect(formatFigure({ label: 'a', value: 10.000000000000002, unit: 'count' })).toBe('10.0');
    expect(formatFigure({ label: 'a', value: 1200, unit: 'tokens' })).toBe('1,200 tokens');
    expect(formatFigure({ label: 'a', value: 0.8812345, unit: 'score' })).toBe('0.881');
    expect(formatFigure({ label: 'a', value: 850, unit: 'ms' })).toBe('850 ms');
  });
});

describe('summarize', () => {
  it('counts insights by severity and those that save money', () => {
    const summary = summarize(
      report([
        insight(),
        insight({ id: 'b', severity: 'critical', monthly_saving_usd: 27 }),
        insight({ id: 'c', severity: 'warning', monthly_saving_usd: null }),
      ]),
    );
    expect(summary).toEqual({ total: 3, saving: 30, withSaving: 2, bySeverity: { critical: 1, warning: 1, info: 1 } });
  });
});

describe('insightHref', () => {
  it('adds the page range to a link without one', () => {
    const filters: Filters = { ...DEFAULT_FILTERS, range: { kind: 'preset', preset: '7d' } };
    expect(insightHref('/cost?experiment=bot', filters)).toBe('/cost?experiment=bot&range=7d');
    expect(insightHref('/budgets', { ...DEFAULT_FILTERS, range: { kind: 'custom', from: 'a', to: 'b' } })).toBe(
      '/budgets?from=a&to=b',
    );
  });
  it('keeps the default range implicit and a link range as it is', () => {
    expect(insightHref('/cost?model=local', DEFAULT_FILTERS)).toBe('/cost?model=local');
    const filters: Filters = { ...DEFAULT_FILTERS, range: { kind: 'preset', preset: '7d' } };
    expect(insightHref('/performance?from=1&to=2', filters)).toBe('/performance?from=1&to=2');
  });
});

describe('savingsModel', () => {
  it('draws the insights that save money, largest on top', () => {
    const model = savingsModel(
      [
        insight({ id: 'a', title: 'Big', monthly_saving_usd: 27, severity: 'critical' }),
        insight({ id: 'b', title: 'Small', monthly_saving_usd: 3 }),
        insight({ id: 'c', title: 'None', monthly_saving_usd: null }),
      ],
      lightPalette,
    );
    expect(model.kind).toBe('ready');
    if (model.kind !== 'ready') return;
    expect(model.points).toBe(2);
    const yAxis = model.option.yAxis as { data: string[] };
    expect(yAxis.data).toEqual(['Small', 'Big']);
    const series = (model.option.series as { data: { value: number; itemStyle: { color: string } }[] }[])[0]!;
    expect(series.data.map((bar) => bar.value)).toEqual([3, 27]);
    expect(series.data[1]!.itemStyle.color).toBe(lightPalette.danger);
  });
  it('keeps at most MAX_BARS bars and says why when nothing saves money', () => {
    const many = Array.from({ length: MAX_BARS + 3 }, (_, idx) => insight({ id: `i${idx}`, monthly_saving_usd: 100 - idx }));
    const model = savingsModel(many, lightPalette);
    expect(model.kind === 'ready' && model.points).toBe(MAX_BARS);
    expect(savingsModel([insight({ monthly_saving_usd: null })], lightPalette).kind).toBe('empty');
  });
});
