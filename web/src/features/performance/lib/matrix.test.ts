import type { HeatmapSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { formatMatrixValue, matrixModel, shortLabel } from './matrix';
import { samplePerformance } from './samplePerformance.test-data';

describe('matrixModel', () => {
  it('colours each cell by its score, busiest model on top, missing scores left blank', () => {
    const { matrix } = samplePerformance();
    const model = matrixModel(matrix, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const [heatmap] = model.option.series as HeatmapSeriesOption[];
    // Rows reversed: claude (y 0) below gpt-4o (y 1).
    expect((heatmap!.data as { value: unknown[] }[]).map((d) => d.value)).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
      [2, 1, '-'],
    ]);
    expect(model.points).toBe(5);
  });

  it('explains an empty matrix', () => {
    expect(matrixModel({ columns: [], rows: [] }, lightPalette).kind).toBe('empty');
  });
});

describe('matrix values', () => {
  it('formats each unit', () => {
    const column = (unit: string) => ({ key: 'k', label: 'K', unit, better: 'lower' as const });
    expect(formatMatrixValue(column('ms'), 1234)).toBe('1.23 s');
    expect(formatMatrixValue(column('ratio'), 0.0123)).toBe('1.23%');
    expect(formatMatrixValue(column('usd'), 0.00123)).toBe('$0.00123');
    expect(formatMatrixValue(column('tokens/s'), 87.6)).toBe('88 tok/s');
    expect(formatMatrixValue(column('ms'), null)).toBe('—');
  });

  it('shortens known column names for narrow charts', () => {
    expect(shortLabel({ key: 'cost_per_1k_tokens', label: 'Cost / 1K tokens', unit: 'usd', better: 'lower' })).toBe('$/1K');
    expect(shortLabel({ key: 'other', label: 'Other', unit: 'ms', better: 'lower' })).toBe('Other');
  });
});
