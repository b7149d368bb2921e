import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../api/types';
import { darkPalette, lightPalette } from '../../../lib/palette';
import { anomaliesInBucket, anomalyCount, anomalyParams, anomalySeries, anomalyTooltip } from './anomalies';
import { costTrendModel } from './costTrend';
import { sampleOverview, T0 } from './sampleOverview.test-data';

const DAY = 86_400_000;
const HOUR = 3_600_000;

function anomaly(t: number, explanation: string): Anomaly {
  return {
    t,
    key: {},
    metric: 'sum:cost_usd',
    actual: 412,
    expected: 44,
    lower: 0,
    upper: 90,
    score: 0.93,
    severity: 'critical',
    explanation,
  };
}

describe('anomalyParams', () => {
  it('asks for the metric at the chart bucket, in minutes, with the filters and no columns', () => {
    const dashboard = new URLSearchParams({ from: 'now-30d', to: 'now', model: 'gpt-4o', bucket: 'auto' });
    const params = anomalyParams(dashboard, 'sum:cost_usd', 6 * HOUR);
    expect(params?.get('bucket')).toBe('360m');
    expect(params?.get('metric')).toBe('sum:cost_usd');
    expect(params?.get('series')).toBe('none');
    expect(params?.get('model')).toBe('gpt-4o');
    expect(params?.getAll('bucket')).toHaveLength(1);
    expect(dashboard.get('metric')).toBeNull(); // the caller's parameters are not changed
  });

  it('refuses buckets the detector does not take', () => {
    const dashboard = new URLSearchParams();
    expect(anomalyParams(dashboard, 'count', 7 * DAY)).toBeNull();
    expect(anomalyParams(dashboard, 'count', 30_000)).toBeNull();
    expect(anomalyParams(dashboard, 'count', DAY)?.get('bucket')).toBe('1440m');
  });
});

describe('anomaly markers', () => {
  it('finds the anomalies of a bucket and escapes their sentence', () => {
    const list = [anomaly(T0 + 2 * HOUR, 'Cost <b>x</b>'), anomaly(T0 + DAY, 'later')];
    expect(anomaliesInBucket(list, T0, DAY).map((a) => a.explanation)).toEqual(['Cost <b>x</b>']);
    expect(anomaliesInBucket(list, T0 + 2 * DAY, DAY)).toEqual([]);
    const html = anomalyTooltip(list[0]!, lightPalette);
    expect(html).toContain('Cost &lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('critical');
    expect(html).toContain(lightPalette.danger);
  });

  it('draws red points at the actual value, in either theme', () => {
    const series = anomalySeries([anomaly(T0, 'a')], darkPalette);
    expect(series.data).toEqual([[T0, 412]]);
    expect((series.itemStyle as { color: string }).color).toBe(darkPalette.danger);
    expect(anomalyCount(1)).toBe('1 anomaly');
    expect(anomalyCount(3)).toBe('3 anomalies');
  });

  it('adds the points to the cost trend and the sentence to its bucket tooltip', () => {
    const overview = sampleOverview();
    const found = anomaly(T0 + 3 * DAY, 'Total cost on Wed 4 Nov was $41.50, 9.3× the usual $4.46.');
    const model = costTrendModel(overview.cost_trend, overview.range, lightPalette, [found]);
    if (model.kind !== 'ready') throw new Error('empty');
    const series = model.option.series as { name: string; type: string }[];
    expect(series.map((s) => s.name)).toEqual(['Cost', '30-day rolling avg', 'Anomaly']);
    const formatter = (model.option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const params = [
      { seriesName: 'Cost', color: '#000', value: [T0 + 3 * DAY, 41.5], axisValue: T0 + 3 * DAY },
      { seriesName: 'Anomaly', color: '#f00', value: [T0 + 3 * DAY, 412], axisValue: T0 + 3 * DAY },
    ];
    const html = formatter(params);
    expect(html).toContain('9.3× the usual $4.46');
    expect(html).not.toContain('$412'); // the point's own row is left out
    expect(formatter(params.map((p) => ({ ...p, axisValue: T0 })))).not.toContain('9.3×');
    // Without anomalies: no third series, no legend entry.
    const plain = costTrendModel(overview.cost_trend, overview.range, lightPalette);
    if (plain.kind !== 'ready') throw new Error('empty');
    expect((plain.option.series as unknown[]).length).toBe(2);
  });
});
