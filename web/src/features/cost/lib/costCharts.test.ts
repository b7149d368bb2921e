import type { ScatterSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../api/types';
import { lightPalette } from '../../../lib/palette';
import { DEFAULT_FILTERS } from '../../filters/lib/filters';
import { ANOMALY_SERIES } from '../../overview/lib/anomalies';
import { costParams } from '../hooks/useCost';
import { breakdownModel, drillDown, isDrillable } from './breakdown';
import { costCardViews } from './costCards';
import { efficiencyModel, efficiencyRows, totalCachingSaved } from './efficiency';
import { flowLabelWidths, flowModel } from './flows';
import { colourScaleMax, heatmapData, heatmapModel } from './heatmap';
import { overTimeModel } from './overTime';
import { sampleCost, T0 } from './sampleCost.test-data';

const HOUR = 3_600_000;

function ready(model: ReturnType<typeof overTimeModel>) {
  if (model.kind !== 'ready') throw new Error(`chart is empty: ${model.reason}`);
  return model;
}

describe('cost cards', () => {
  it('formats totals with their change and keeps the unpriced caveat visible', () => {
    const views = costCardViews(sampleCost());
    expect(views.map((v) => v.figures[0]!.value)).toEqual(['$4.00', '5', '12.6K', '$0.318']);
    expect(views[0]!.figures[0]!.change).toMatchObject({ text: '▲ 33.3%', tone: 'bad' });
    expect(views[3]!.figures[0]!.change.tone).toBe('good');
    expect(views[0]!.warning).toContain('1 unpriced call not included');
  });
});

describe('cost over time', () => {
  it('stacks one area per series and keeps gaps as null', () => {
    const report = sampleCost();
    const model = ready(overTimeModel(report.over_time, report.range, lightPalette));
    const series = model.option.series as { name: string; stack: string; data: unknown[]; connectNulls: boolean }[];
    expect(series.map((s) => s.name)).toEqual(['claude-x', 'gpt-4o']);
    expect(series.every((s) => s.stack === 'cost' && !s.connectNulls)).toBe(true);
    expect(series[0]!.data).toEqual([[T0, 2], [T0 + HOUR, null], [T0 + 2 * HOUR, 0]]);
    expect(model.points).toBe(2);
  });

  it('marks the total cost anomalies as red points, unstacked, with their sentence in the tooltip', () => {
    const report = sampleCost();
    const found: Anomaly = {
      t: T0,
      key: {},
      metric: 'sum:cost_usd',
      actual: 2,
      expected: 0.2,
      lower: 0,
      upper: 1,
      score: 0.95,
      severity: 'critical',
      explanation: 'Total cost at <10:00> UTC was $2.00, 10× the usual $0.20',
    };
    const model = ready(overTimeModel(report.over_time, report.range, lightPalette, [found]));
    const series = model.option.series as (ScatterSeriesOption & { stack?: string })[];
    expect(series.map((s) => s.name)).toEqual(['claude-x', 'gpt-4o', ANOMALY_SERIES]);
    const markers = series[2]!;
    expect(markers.type).toBe('scatter');
    expect(markers.stack).toBeUndefined();
    expect(markers.data).toEqual([[T0, 2]]);
    const format = (model.option.tooltip as { formatter: (raw: unknown) => string }).formatter;
    const html = format([
      { seriesName: 'claude-x', axisValue: T0, value: [T0, 2], color: '#000' },
      { seriesName: ANOMALY_SERIES, axisValue: T0, value: [T0, 2], color: '#f00' },
    ]);
    expect(html).toContain('Total cost at &lt;10:00&gt; UTC was $2.00');
    expect(format([{ seriesName: 'claude-x', axisValue: T0 + HOUR, value: [T0 + HOUR, null], color: '#000' }])).not.toContain(
      'Total cost',
    );
  });

  it('explains a range without priced calls', () => {
    const report = sampleCost();
    report.over_time.series = [];
    expect(overTimeModel(report.over_time, report.range, lightPalette)).toMatchObject({ kind: 'empty' });
  });
});

describe('heatmap', () => {
  it('draws priced cells only, hour on x and weekday on y', () => {
    expect(heatmapData(sampleCost().heatmap.cells)).toEqual([
      [9, 0, 1.25],
      [14, 1, 2.75],
    ]);
    const model = ready(heatmapModel(sampleCost().heatmap.cells, 'UTC', lightPalette));
    expect((model.option.visualMap as { max: number }).max).toBe(1.25);
    const formatter = (model.option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ value: [14, 1, 2.75] })).toContain('Tue 14:00–15:00 UTC');
    expect(formatter({ value: [14, 1, 2.75] })).toContain('$2.75');
  });
});

describe('heatmap colour scale', () => {
  it('tops out at the 95th percentile so one expensive hour does not wash out the rest', () => {
    const costs = [...Array.from({ length: 99 }, (_, idx) => idx + 1), 10_000];
    expect(colourScaleMax(costs)).toBe(95);
    expect(colourScaleMax([0, 0, 3])).toBe(3);
  });
});

describe('flows', () => {
  it('names nodes by id and labels them by name', () => {
    const model = ready(flowModel(sampleCost().flows.team_experiment_model, lightPalette));
    const series = (model.option.series as { data: { name: string }[]; links: unknown[]; label: { formatter: (p: { name: string }) => string } }[])[0]!;
    expect(series.data.map((n) => n.name)).toEqual(['team:ml', 'experiment:chat', 'model:gpt-4o']);
    expect(series.links).toEqual([
      { source: 'team:ml', target: 'experiment:chat', value: 1.25 },
      { source: 'experiment:chat', target: 'model:gpt-4o', value: 1.25 },
    ]);
    expect(series.label.formatter({ name: 'experiment:chat' })).toBe('chat');
  });

  it('truncates labels so that they end before the next layer at phone width', () => {
    const phone = flowLabelWidths(3, 326);
    const gap = (326 - 8 - phone.right - 3 * 12) / 2;
    expect(phone.inner + 5).toBeLessThan(gap);
    expect(phone.last + 5).toBeLessThan(phone.right);
    expect(flowLabelWidths(3, 560)).toMatchObject({ inner: 110 });
    const model = ready(flowModel(sampleCost().flows.team_experiment_model, lightPalette, 326));
    const series = (model.option.series as { right: number; data: { label: { width: number } }[] }[])[0]!;
    expect(series.right).toBe(phone.right);
    expect(series.data.map((node) => node.label.width)).toEqual([phone.inner, phone.inner, phone.last]);
  });

  it('explains an empty graph', () => {
    expect(flowModel(sampleCost().flows.provider_model, lightPalette)).toMatchObject({ kind: 'empty' });
  });
});

describe('breakdown', () => {
  it('draws unpriced rows as unpriced, not as free', () => {
    const model = ready(breakdownModel(sampleCost().breakdowns.model, 'model', lightPalette));
    const series = (model.option.series as { data: { name: string; value: number; itemStyle: { color: string } }[]; label: { formatter: (p: { name: string }) => string } }[])[0]!;
    expect(series.data.map((d) => d.name)).toEqual(['claude-x', 'gpt-4o', 'local-llm', '(other)']);
    expect(series.label.formatter({ name: 'local-llm' })).toBe('unpriced');
    expect(series.label.formatter({ name: 'claude-x' })).toBe('50%');
    expect(series.data[2]!.itemStyle.color).toBe(lightPalette.neutral);
  });

  it('drills into a dimension or a tag, never into (other) or (none)', () => {
    expect(drillDown(DEFAULT_FILTERS, 'model', 'gpt-4o')!.dims.model).toEqual(['gpt-4o']);
    const tagged = drillDown({ ...DEFAULT_FILTERS, tags: [{ key: 'feature', value: 'qa' }] }, 'tags.feature', 'search');
    expect(tagged!.tags).toEqual([{ key: 'feature', value: 'search' }]);
    expect(drillDown(DEFAULT_FILTERS, 'model', '(other)')).toBeNull();
    expect(drillDown(DEFAULT_FILTERS, 'team', '(none)')).toBeNull();
    expect(isDrillable(sampleCost().breakdowns.model!.rows[3]!)).toBe(false);
  });
});

describe('efficiency', () => {
  it('formats rows, says unpriced, and adds up caching savings', () => {
    const rows = efficiencyRows(sampleCost().efficiency);
    expect(rows[0]).toMatchObject({ model: 'gpt-4o', cost: '$1.75', per1k: '$0.972', ratio: '0.20×', cachedShare: '26.7%' });
    expect(rows[1]).toMatchObject({ cost: 'unpriced', saved: '—', unpriced: true });
    expect(totalCachingSaved(sampleCost().efficiency)).toBe(0.0005);
  });

  it('compares input and output per 1K tokens for priced models only', () => {
    const model = ready(efficiencyModel(sampleCost().efficiency, lightPalette));
    expect((model.option.yAxis as { data: string[] }).data).toEqual(['gpt-4o']);
    const series = model.option.series as { name: string; data: number[] }[];
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['Input', [0.6067]],
      ['Output', [2.8]],
    ]);
  });
});

describe('cost parameters', () => {
  it('send the stack, tag breakdowns and the browser zone', () => {
    const params = costParams(DEFAULT_FILTERS, { stackBy: 'team', tagBreakdowns: ['feature'] }, 'Europe/Berlin');
    expect(params.toString()).toBe('from=now-30d&to=now&tz=Europe%2FBerlin&stack_by=team&breakdown=tags.feature');
    expect(costParams(DEFAULT_FILTERS, { stackBy: 'model', tagBreakdowns: [] }, 'UTC').toString()).toBe('from=now-30d&to=now');
  });
});
