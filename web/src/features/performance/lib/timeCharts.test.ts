import type { LineSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { samplePerformance } from './samplePerformance.test-data';
import { cacheHitModel, errorRateModel, errorsByTypeModel, percentileLinesModel } from './timeCharts';

const empty = { reason: 'none', hint: 'send some' };

function series(model: ReturnType<typeof percentileLinesModel>) {
  if (model.kind !== 'ready') throw new Error('expected a chart');
  return model.option.series as LineSeriesOption[];
}

describe('percentileLinesModel', () => {
  it('draws one line per percentile, with the gap bucket as null and the annotations on the first line', () => {
    const data = samplePerformance();
    const model = percentileLinesModel(data.latency.over_time, data.range, data.annotations, lightPalette, empty);
    expect(model).toMatchObject({ kind: 'ready', points: 2 });
    const lines = series(model);
    expect(lines.map((s) => s.name)).toEqual(['p50', 'p90', 'p95', 'p99']);
    expect(lines[3]!.data).toEqual([
      [data.latency.over_time[0]!.t, 4000],
      [data.latency.over_time[1]!.t, null],
      [data.latency.over_time[2]!.t, 4200],
    ]);
    expect(lines[0]!.connectNulls).toBe(false);
    expect(lines[0]!.markLine).toBeDefined();
    expect(lines[0]!.markArea).toBeDefined();
    expect(lines[1]!.markLine).toBeUndefined();
  });

  it('says why when no bucket has a value', () => {
    const data = samplePerformance();
    const gaps = data.latency.over_time.map((p) => ({ t: p.t, p50: null, p90: null, p95: null, p99: null }));
    expect(percentileLinesModel(gaps, data.range, [], lightPalette, empty)).toEqual({ kind: 'empty', ...empty });
  });
});

describe('error charts', () => {
  it('plots the error rate over the calls, gaps kept', () => {
    const data = samplePerformance();
    const model = errorRateModel(data.errors.over_time, data.range, data.annotations, lightPalette);
    const [rate, calls] = series(model);
    expect(rate!.data).toEqual([
      [data.errors.over_time[0]!.t, 0.01],
      [data.errors.over_time[1]!.t, null],
      [data.errors.over_time[2]!.t, 0.014],
    ]);
    expect((calls!.data as [number, number | null][]).map(([, v]) => v)).toEqual([500, null, 500]);
  });

  it('stacks errors by type in the API order; a type absent from a bucket with calls is 0, a gap is null', () => {
    const data = samplePerformance();
    const model = errorsByTypeModel(data.errors.over_time, data.errors.types, data.range, lightPalette);
    const bars = series(model);
    expect(bars.map((s) => s.name)).toEqual(['rate_limit', 'timeout']);
    expect((bars[1]!.data as [number, number | null][]).map(([, v]) => v)).toEqual([1, null, 0]);
    expect(bars.every((s) => s.stack === 'errors')).toBe(true);
  });

  it('says so when there are no errors', () => {
    const data = samplePerformance();
    expect(errorsByTypeModel(data.errors.over_time, [], data.range, lightPalette).kind).toBe('empty');
  });
});

describe('cacheHitModel', () => {
  it('plots the hit rate and explains a store without cache hits', () => {
    const data = samplePerformance();
    expect(cacheHitModel(data.cache.over_time, data.range, [], lightPalette)).toMatchObject({ kind: 'ready', points: 2 });
    const none = data.cache.over_time.map((p) => ({ t: p.t, rate: p.rate === null ? null : 0 }));
    const model = cacheHitModel(none, data.range, [], lightPalette);
    expect(model.kind).toBe('empty');
    expect(model.kind === 'empty' && model.hint).toContain('cache_hit');
  });
});
