import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { costTrendModel } from './costTrend';
import { binLabel, binPosition, latencyHistogramModel, tickLabel } from './latencyHistogram';
import { MAX_SLICES, modelSlices, modelUsageModel } from './modelUsage';
import { sampleOverview, T0 } from './sampleOverview.test-data';
import { statusOverTimeModel } from './statusOverTime';

const DAY = 86_400_000;

// Series data of a ready model, for assertions.
function seriesData(model: ReturnType<typeof costTrendModel>, idx: number): unknown[] {
  if (model.kind !== 'ready') throw new Error(`chart is empty: ${model.reason}`);
  const series = model.option.series as { data: unknown[] }[];
  return series[idx]!.data;
}

describe('cost trend', () => {
  it('keeps gaps as null, inserts missing buckets, and keeps a real zero', () => {
    const overview = sampleOverview();
    const model = costTrendModel(overview.cost_trend, overview.range, lightPalette);
    expect(seriesData(model, 0)).toEqual([
      [T0, 40.2],
      [T0 + DAY, null],
      [T0 + 2 * DAY, null],
      [T0 + 3 * DAY, 41.5],
      [T0 + 4 * DAY, 0],
    ]);
    expect(seriesData(model, 1)[2]).toEqual([T0 + 2 * DAY, null]);
    if (model.kind === 'ready') {
      expect(model.points).toBe(3);
      const series = model.option.series as { connectNulls: boolean; lineStyle: { color: string } }[];
      expect(series[0]!.connectNulls).toBe(false);
      expect(series[0]!.lineStyle.color).toBe(lightPalette.primary);
    }
  });

  it('draws a range of a single bucket as a visible dot (a line of one point draws nothing)', () => {
    const overview = sampleOverview();
    const range = { ...overview.range, from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T12:00:00.000Z' };
    const single = costTrendModel([{ t: T0, cost_usd: 12.5, rolling_30d: 12.5 }], range, lightPalette);
    if (single.kind !== 'ready') throw new Error('empty');
    const series = single.option.series as { showSymbol: boolean }[];
    expect(series[0]!.showSymbol).toBe(true);
    expect(series[1]!.showSymbol).toBe(true);
    const several = costTrendModel(overview.cost_trend, overview.range, lightPalette);
    if (several.kind !== 'ready') throw new Error('empty');
    expect((several.option.series as { showSymbol: boolean }[])[0]!.showSymbol).toBe(false);
  });

  it('explains an empty or unpriced range', () => {
    const overview = sampleOverview();
    expect(costTrendModel([], overview.range, lightPalette)).toMatchObject({ kind: 'empty', reason: /No events/ });
    const unpriced = costTrendModel([{ t: T0, cost_usd: null, rolling_30d: null }], overview.range, lightPalette);
    expect(unpriced).toMatchObject({ kind: 'empty', hint: /--prices/ });
  });

  it('formats the tooltip in USD', () => {
    const overview = sampleOverview();
    const model = costTrendModel(overview.cost_trend, overview.range, lightPalette);
    if (model.kind !== 'ready') throw new Error('empty');
    const formatter = (model.option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([
      { seriesName: 'Cost', color: '#000', value: [T0, 40.2], axisValue: T0 },
      { seriesName: '30-day rolling avg', color: '#111', value: [T0, null], axisValue: T0 },
    ]);
    expect(html).toContain('$40.20');
    expect(html).toContain('no events');
  });
});

describe('model usage', () => {
  it('orders by count and folds the tail into Other', () => {
    const usage = Array.from({ length: 10 }, (_, idx) => ({
      model: `m${idx}`,
      provider: 'p',
      count: idx + 1,
      share: (idx + 1) / 55,
      cost_usd: idx === 0 ? null : 1,
    }));
    const slices = modelSlices(usage);
    expect(slices).toHaveLength(MAX_SLICES + 1);
    expect(slices[0]!.name).toBe('m9');
    const other = slices[MAX_SLICES]!;
    expect(other.name).toBe('Other (3 models)');
    expect(other.count).toBe(1 + 2 + 3);
    expect(other.cost_usd).toBe(2);
  });

  it("merges the server's (other) entry into Other", () => {
    const usage = [
      { model: 'gpt-4o', provider: 'openai', count: 10, share: 0.5, cost_usd: 1 },
      { model: '(other)', provider: '', count: 8, share: 0.4, cost_usd: 2 },
      { model: '(none)', provider: '', count: 2, share: 0.1, cost_usd: null },
    ];
    expect(modelSlices(usage).map((s) => [s.name, s.count])).toEqual([
      ['gpt-4o', 10],
      ['(no model)', 2],
      ['Other models', 8],
    ]);
  });

  it('draws a donut with one slice per model', () => {
    const model = modelUsageModel(sampleOverview().model_usage, lightPalette);
    if (model.kind !== 'ready') throw new Error('empty');
    const series = (model.option.series as { type: string; radius: string[]; data: { name: string; value: number }[] }[])[0]!;
    expect(series.type).toBe('pie');
    expect(series.radius[0]).not.toBe('0%');
    expect(series.data.map((d) => d.value)).toEqual([1000, 800, 640]);
    expect(model.option.title).toMatchObject({ text: '2,440' });
  });

  it('explains an empty range', () => {
    expect(modelUsageModel([], lightPalette)).toMatchObject({ kind: 'empty' });
  });
});

describe('latency histogram', () => {
  const bins = sampleOverview().latency.histogram;

  it('places percentiles inside their bin', () => {
    expect(binPosition(bins, 0)).toBe(0);
    expect(binPosition(bins, 375)).toBeCloseTo(1.5);
    expect(binPosition(bins, 600)).toBeCloseTo(2.2);
    expect(binPosition(bins, 99_999)).toBe(5);
    expect(tickLabel(bins, 2)).toBe('500 ms');
    expect(tickLabel(bins, 5)).toBe('5.00 s');
    expect(tickLabel(bins, 2.5)).toBe('');
  });

  it('marks p50, p90 and p99 in the brief colours', () => {
    const model = latencyHistogramModel(sampleOverview().latency, lightPalette);
    if (model.kind !== 'ready') throw new Error('empty');
    const series = (model.option.series as { data: number[][]; markLine: { data: { name: string; lineStyle: { color: string } }[] } }[])[0]!;
    expect(series.data).toEqual([
      [0, 1, 1200],
      [1, 2, 3000],
      [2, 3, 4000],
      [3, 4, 1500],
      [4, 5, 300],
    ]);
    expect(series.markLine.data.map((m) => [m.name, m.lineStyle.color])).toEqual([
      ['p50', lightPalette.success],
      ['p90', lightPalette.warning],
      ['p99', lightPalette.danger],
    ]);
  });

  it("draws the server's open last bin and labels it", () => {
    const open = [
      { lo: 0, hi: 500, count: 10 },
      { lo: 500, hi: 1000, count: 5 },
      { lo: 1000, hi: null, count: 1 },
    ];
    expect(binPosition(open, 1000)).toBe(2);
    expect(binPosition(open, 1500)).toBeCloseTo(2.25);
    expect(tickLabel(open, 2)).toBe('1.00 s');
    expect(tickLabel(open, 3)).toBe('');
    expect(binLabel(open[2]!)).toBe('≥ 1.00 s');
    const model = latencyHistogramModel({ p50: 400, p90: 900, p99: 1000, histogram: open }, lightPalette);
    expect(model.kind).toBe('ready');
  });

  it('explains missing latencies', () => {
    expect(latencyHistogramModel({ p50: null, p90: null, p99: null, histogram: [] }, lightPalette)).toMatchObject({
      kind: 'empty',
      hint: /latency_ms/,
    });
  });
});

describe('status over time', () => {
  it('stacks ok and error and leaves absent buckets as gaps', () => {
    const overview = sampleOverview();
    const model = statusOverTimeModel(overview.status_over_time, overview.range, lightPalette);
    expect(seriesData(model, 0)).toEqual([
      [T0, 990],
      [T0 + DAY, 800],
      [T0 + 2 * DAY, null],
      [T0 + 3 * DAY, 700],
    ]);
    expect(seriesData(model, 1)[2]).toEqual([T0 + 2 * DAY, null]);
    expect(seriesData(model, 2)).toEqual([
      [T0, 0.0101],
      [T0 + DAY, 0.0476],
      [T0 + 2 * DAY, null],
      [T0 + 3 * DAY, 0.0099],
    ]);
  });

  it('treats null counts (the server writes gaps that way) as gaps', () => {
    const overview = sampleOverview();
    const points = [
      { t: T0, ok: 5, error: 1, error_rate: 1 / 6 },
      { t: T0 + DAY, ok: null, error: null, error_rate: null },
      { t: T0 + 2 * DAY, ok: 4, error: 0, error_rate: 0 },
    ];
    const model = statusOverTimeModel(points, overview.range, lightPalette);
    expect(seriesData(model, 0)).toEqual([
      [T0, 5],
      [T0 + DAY, null],
      [T0 + 2 * DAY, 4],
    ]);
    expect(seriesData(model, 2)[1]).toEqual([T0 + DAY, null]);
  });

  it('explains an empty range', () => {
    const overview = sampleOverview();
    expect(statusOverTimeModel([], overview.range, lightPalette)).toMatchObject({ kind: 'empty' });
  });

  it('formats counts compactly and the error rate as a percentage in the tooltip', () => {
    const overview = sampleOverview();
    const model = statusOverTimeModel(overview.status_over_time, overview.range, lightPalette);
    if (model.kind !== 'ready') throw new Error('empty');
    const tooltip = model.option.tooltip as { formatter: (p: unknown) => string; axisPointer: { type: string } };
    expect(tooltip.axisPointer.type).toBe('shadow');
    const html = tooltip.formatter([
      { seriesName: 'Success', color: '#0a0', value: [T0, 12_500], axisValue: T0 },
      { seriesName: 'Error', color: '#a00', value: [T0, null], axisValue: T0 },
      { seriesName: 'Error rate', color: '#aa0', value: [T0, 0.0476], axisValue: T0 },
    ]);
    expect(html).toContain('12.5K');
    expect(html).toContain('no events');
    expect(html).toContain('4.76%');
  });
});
