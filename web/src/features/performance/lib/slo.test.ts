import type { LineSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { samplePerformance } from './samplePerformance.test-data';
import { parseSlo, sloModel } from './slo';

describe('parseSlo', () => {
  it('reads a threshold and a target, or names the wrong field', () => {
    expect(parseSlo('800', '99.5')).toEqual({ slo: { thresholdMs: 800, target: 99.5 } });
    expect(parseSlo('0', '99')).toMatchObject({ field: 'threshold' });
    expect(parseSlo('fast', '99')).toMatchObject({ field: 'threshold' });
    expect(parseSlo('800', '100')).toMatchObject({ field: 'target' });
    expect(parseSlo('800', '')).toMatchObject({ field: 'target' });
  });
});

describe('sloModel', () => {
  const data = samplePerformance();
  const slo = {
    threshold_ms: 1000,
    target: 99,
    calls: 900,
    good: 880,
    compliance: 0.9778,
    budget_consumed: 2.2,
    over_time: [
      { t: data.errors.over_time[0]!.t, calls: 500, good: 490, compliance: 0.98, burn_rate: 2 },
      { t: data.errors.over_time[1]!.t, calls: null, good: null, compliance: null, burn_rate: null },
      { t: data.errors.over_time[2]!.t, calls: 400, good: 390, compliance: 0.975, burn_rate: 2.5 },
    ],
  };

  it('plots good calls per bucket with the target marked, gaps kept', () => {
    const model = sloModel(slo, data.range, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const [line] = model.option.series as LineSeriesOption[];
    expect((line!.data as [number, number | null][]).map(([, v]) => v)).toEqual([0.98, null, 0.975]);
    expect((line!.markLine!.data as { yAxis: number }[])[0]!.yAxis).toBe(0.99);
  });

  it('explains a range without latencies', () => {
    const none = { ...slo, over_time: slo.over_time.map((p) => ({ ...p, compliance: null })) };
    expect(sloModel(none, data.range, lightPalette).kind).toBe('empty');
  });
});
