import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../../api/types';
import { optionToTable } from '../../../lib/chartCsv';
import { lightPalette } from '../../../lib/palette';
import { reportChartModel } from './reportChart';

const T0 = Date.UTC(2026, 0, 1);
const H = 3_600_000;
const result = (columns: string[], rows: QueryResult['rows']): QueryResult => ({ columns, rows, stats: { scanned: 0, elapsed_ms: 0 } });

describe('reportChartModel', () => {
  it('draws one series per group over time, a missing bucket as a gap', () => {
    const answer = result(['t', 'model', 'count'], [
      [T0, 'a', 5],
      [T0, 'b', 1],
      [T0 + H, 'b', 2],
      [T0 + 2 * H, 'a', 3],
    ]);
    const model = reportChartModel(answer, { chart: 'line', groupBy: ['model'], metrics: ['count'] }, lightPalette);
    expect(model.kind).toBe('ready');
    if (model.kind !== 'ready') return;
    expect(model.points).toBe(4);
    // The CSV export reads the same rows back: a is missing at T0 + H (a gap, not 0).
    expect(optionToTable(model.option)).toEqual({
      header: ['t', 'a', 'b'],
      rows: [
        [new Date(T0).toISOString(), 5, 1],
        [new Date(T0 + H).toISOString(), null, 2],
        [new Date(T0 + 2 * H).toISOString(), 3, null],
      ],
    });
  });

  it('stacks an area chart and draws one series per metric without a group-by', () => {
    const answer = result(['t', 'count', 'sum:cost_usd'], [[T0, 4, 0.5], [T0 + H, 6, null]]);
    const model = reportChartModel(answer, { chart: 'area', groupBy: [], metrics: ['count', 'sum:cost_usd'] }, lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    const series = model.option.series as { name: string; stack?: string }[];
    expect(series.map((s) => [s.name, s.stack])).toEqual([
      ['calls', 'total'],
      ['sum cost_usd', 'total'],
    ]);
    expect(model.points).toBe(3);
  });

  it('draws groups as categories without a bucket, largest first', () => {
    const answer = result(['team', 'count'], [['x', 2], [null, 9]]);
    const model = reportChartModel(answer, { chart: 'bar', groupBy: ['team'], metrics: ['count'] }, lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    expect(optionToTable(model.option)?.rows).toEqual([
      ['(none)', 9],
      ['x', 2],
    ]);
  });

  it('draws a pie of the first metric per group, and says why without a group-by', () => {
    const answer = result(['provider', 'sum:cost_usd'], [['openai', 3], ['anthropic', 1]]);
    const pie = reportChartModel(answer, { chart: 'pie', groupBy: ['provider'], metrics: ['sum:cost_usd'] }, lightPalette);
    if (pie.kind !== 'ready') throw new Error(pie.reason);
    expect(optionToTable(pie.option)?.rows).toEqual([
      ['openai', 3],
      ['anthropic', 1],
    ]);
    const ungrouped = reportChartModel(result(['count'], [[4]]), { chart: 'pie', groupBy: [], metrics: ['count'] }, lightPalette);
    expect(ungrouped).toMatchObject({ kind: 'empty', reason: 'A pie needs a group-by.' });
  });

  it('draws a heatmap of two dimensions', () => {
    const answer = result(['team', 'model', 'count'], [['t1', 'a', 1], ['t2', 'a', 4], ['t1', 'b', 2]]);
    const model = reportChartModel(answer, { chart: 'heatmap', groupBy: ['team', 'model'], metrics: ['count'] }, lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    expect(model.points).toBe(3);
    expect(optionToTable(model.option)?.rows).toContainEqual(['t2', 'a', 4]);
    const oneAxis = reportChartModel(answer, { chart: 'heatmap', groupBy: ['team'], metrics: ['count'] }, lightPalette);
    expect(oneAxis.kind).toBe('empty');
  });

  it('says that nothing matches on an empty answer', () => {
    expect(reportChartModel(result(['model', 'count'], []), { chart: 'line', groupBy: ['model'], metrics: ['count'] }, lightPalette)).toMatchObject({
      kind: 'empty',
      reason: 'No events match.',
    });
  });
});
