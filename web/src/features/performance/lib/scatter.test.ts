import type { ScatterSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { samplePerformance } from './samplePerformance.test-data';
import { scatterModel } from './scatter';

describe('scatterModel', () => {
  it('puts one point per cell at its centre, one series per model', () => {
    const model = scatterModel(samplePerformance().scatter, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const series = model.option.series as ScatterSeriesOption[];
    expect(series.map((s) => s.name)).toEqual(['gpt-4o', 'claude']);
    expect(series[0]!.data).toEqual([
      [105, 325, 4],
      [205, 375, 1],
    ]);
    expect(model.points).toBe(3);
  });

  it('draws at most eight models', () => {
    const scatter = samplePerformance().scatter;
    scatter.cells = Array.from({ length: 12 }, (_, idx) => ({ model: `m${idx}`, output_tokens: 0, ttft_ms: 0, calls: 1 }));
    const model = scatterModel(scatter, lightPalette);
    expect(model.kind === 'ready' && (model.option.series as ScatterSeriesOption[]).length).toBe(8);
    expect(model.kind === 'ready' && model.points).toBe(8);
  });

  it('explains a range without streamed calls', () => {
    const scatter = { ...samplePerformance().scatter, cells: [] };
    expect(scatterModel(scatter, lightPalette).kind).toBe('empty');
  });
});
