import type { BarSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { cacheByModelModel, throughputModel } from './modelBars';
import { samplePerformance } from './samplePerformance.test-data';

describe('throughputModel', () => {
  it('draws p50 in front of p90, fastest model on top', () => {
    const throughput = {
      by_model: [
        { model: 'slow', provider: 'p', calls: 10, tokens_per_s_p50: 40, tokens_per_s_p90: 55 },
        { model: 'fast', provider: 'p', calls: 5, tokens_per_s_p50: 160, tokens_per_s_p90: 190 },
        { model: 'embedding', provider: 'p', calls: 9, tokens_per_s_p50: null, tokens_per_s_p90: null },
      ],
    };
    const model = throughputModel(throughput, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const [p90, p50] = model.option.series as BarSeriesOption[];
    // Drawn bottom-up: the last row is the top bar.
    expect(p50!.data).toEqual([40, 160]);
    expect(p90!.data).toEqual([55, 190]);
    expect(p90!.barGap).toBe('-100%');
    expect(model.points).toBe(2);
  });

  it('explains a range without measured speed', () => {
    expect(throughputModel({ by_model: [] }, lightPalette).kind).toBe('empty');
  });
});

describe('cacheByModelModel', () => {
  it('ranks models by cache hit rate, and explains a range without hits', () => {
    const cache = samplePerformance().cache;
    cache.by_model = [
      { model: 'a', provider: 'p', calls: 10, rate: 0.1 },
      { model: 'b', provider: 'p', calls: 10, rate: 0.3 },
    ];
    const model = cacheByModelModel(cache, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    expect((model.option.series as BarSeriesOption[])[0]!.data).toEqual([0.1, 0.3]);
    cache.by_model = cache.by_model.map((m) => ({ ...m, rate: 0 }));
    expect(cacheByModelModel(cache, lightPalette).kind).toBe('empty');
  });
});
