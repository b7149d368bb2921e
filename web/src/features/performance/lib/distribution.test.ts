import type { CustomSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { MIN_DRAWN_MS, violinModel, violinProfile } from './distribution';
import { samplePerformance } from './samplePerformance.test-data';

describe('violinProfile', () => {
  it('is the share per unit of log-latency, scaled so the densest bar is 1', () => {
    const model = samplePerformance().distribution.by_model[0]!;
    const profile = violinProfile(model);
    // 0.1 and 0.6 over ln 10, 0.25 over ln 2.4 (0.286 per log unit): the last bar is the densest.
    const densest = 0.25 / Math.log(2.4);
    expect(profile[2]!.thickness).toBe(1);
    expect(profile[1]!.thickness).toBeCloseTo(0.6 / Math.log(10) / densest, 10);
    expect(profile[0]!.thickness).toBeCloseTo(0.1 / Math.log(10) / densest, 10);
  });

  it('draws latencies of 0 ms at the smallest drawn value (a log axis has no zero)', () => {
    const model = { ...samplePerformance().distribution.by_model[0]!, density: [{ lo: 0, hi: 1, share: 1 }] };
    const [bar] = violinProfile(model);
    expect(bar!.lo).toBe(MIN_DRAWN_MS);
    expect(bar!.thickness).toBe(1);
  });
});

describe('violinModel', () => {
  it('has one row per model and every outlier as a dot', () => {
    const model = violinModel(samplePerformance().distribution.by_model, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const [violins, outliers] = model.option.series as [CustomSeriesOption, ScatterSeriesOption];
    expect(violins.data).toEqual([[0, 10, 2400]]);
    expect(outliers.data).toEqual([
      [3000, 0],
      [9000, 0],
    ]);
    expect(model.points).toBe(1);
  });

  it('explains an empty distribution', () => {
    expect(violinModel([], lightPalette).kind).toBe('empty');
  });
});
