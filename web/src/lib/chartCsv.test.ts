import { describe, expect, it } from 'vitest';
import { optionToTable, toCsv } from './chartCsv';

describe('optionToTable', () => {
  it('reads a category bar chart as one row per category and one column per series', () => {
    const table = optionToTable({
      xAxis: { type: 'category', name: 'model', data: ['gpt-4o', 'claude'] },
      yAxis: { type: 'value' },
      series: [
        { type: 'bar', name: 'calls', data: [10, { value: 4 }] },
        { type: 'bar', name: 'errors', data: [1, null] },
      ],
    });
    expect(table).toEqual({
      header: ['model', 'calls', 'errors'],
      rows: [
        ['gpt-4o', 10, 1],
        ['claude', 4, null],
      ],
    });
  });

  it('reads a horizontal bar chart from its category y axis', () => {
    const table = optionToTable({
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: ['a', 'b'] },
      series: [{ type: 'bar', name: 'cost', data: [1.5, 2] }],
    });
    expect(table?.rows).toEqual([
      ['a', 1.5],
      ['b', 2],
    ]);
  });

  it('joins time series on their timestamps, in order, keeping gaps empty', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const t1 = t0 + 3_600_000;
    const table = optionToTable({
      xAxis: { type: 'time' },
      yAxis: [{ type: 'value' }, { type: 'value' }],
      series: [
        { type: 'line', name: 'ok', data: [[t1, 3], [t0, 5]] },
        { type: 'line', name: 'rate', data: [[t0, 0.5], [t1, null]] },
      ],
    });
    expect(table).toEqual({
      header: ['t', 'ok', 'rate'],
      rows: [
        ['2026-01-01T00:00:00.000Z', 5, 0.5],
        ['2026-01-01T01:00:00.000Z', 3, null],
      ],
    });
  });

  it('reads a pie as name and value per slice', () => {
    const table = optionToTable({ series: [{ type: 'pie', data: [{ name: 'gpt-4o', value: 7 }, { name: 'x, "y"', value: 3 }] }] });
    expect(table).toEqual({ header: ['name', 'value'], rows: [['gpt-4o', 7], ['x, "y"', 3]] });
    expect(toCsv(table!)).toBe('name,value\r\ngpt-4o,7\r\n"x, ""y""",3\r\n');
  });

  it('reads a heatmap as one row per cell, with the axis labels', () => {
    const table = optionToTable({
      xAxis: { type: 'category', data: ['Mon', 'Tue'] },
      yAxis: { type: 'category', data: ['00', '01'] },
      series: [{ type: 'heatmap', data: [[0, 1, 4], [1, 0, 2]] }],
    });
    expect(table).toEqual({ header: ['x', 'y', 'value'], rows: [['Mon', '01', 4], ['Tue', '00', 2]] });
  });

  it('reads a sankey as its links', () => {
    const table = optionToTable({ series: [{ type: 'sankey', data: [], links: [{ source: 'a', target: 'b', value: 2 }] }] });
    expect(table).toEqual({ header: ['source', 'target', 'value'], rows: [['a', 'b', 2]] });
  });

  it('is null for an option without series', () => {
    expect(optionToTable({ series: [] })).toBeNull();
    expect(optionToTable(undefined)).toBeNull();
  });
});
