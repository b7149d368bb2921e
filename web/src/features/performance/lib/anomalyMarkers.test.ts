import type { ScatterSeriesOption } from 'echarts/charts';
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../api/types';
import { lightPalette } from '../../../lib/palette';
import { ANOMALY_SERIES } from '../../overview/lib/anomalies';
import { anomaliesOf, withAnomalyNotes } from './anomalyMarkers';
import { samplePerformance } from './samplePerformance.test-data';
import { errorRateModel, percentileLinesModel } from './timeCharts';

function anomaly(metric: string, t: number, actual: number, explanation: string): Anomaly {
  return { t, key: {}, metric, actual, expected: 1, lower: 0, upper: 2, score: 0.9, severity: 'high', explanation };
}

const empty = { reason: 'none', hint: 'send some' };

describe('anomaliesOf', () => {
  it('keeps the anomalies of one metric', () => {
    const list = [anomaly('p95:latency_ms', 1, 900, 'slow'), anomaly('rate:error', 2, 0.2, 'errors')];
    expect(anomaliesOf(list, 'rate:error').map((a) => a.explanation)).toEqual(['errors']);
    expect(anomaliesOf(undefined, 'p95:latency_ms')).toEqual([]);
  });
});

describe('markers on the time charts', () => {
  it('adds red points at [t, actual] on the latency chart and the sentence to the bucket tooltip', () => {
    const data = samplePerformance();
    const t = data.latency.over_time[2]!.t;
    const found = anomaly('p95:latency_ms', t, 4100, 'Total p95 latency <was> high');
    const model = percentileLinesModel(data.latency.over_time, data.range, [], lightPalette, empty, [found]);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const series = model.option.series as ScatterSeriesOption[];
    const markers = series.find((s) => s.name === ANOMALY_SERIES)!;
    expect(markers.type).toBe('scatter');
    expect(markers.data).toEqual([[t, 4100]]);
    const format = (model.option.tooltip as { formatter: (raw: unknown) => string }).formatter;
    const html = format([
      { seriesName: 'p95', axisValue: t, value: [t, 4100], color: '#000' },
      { seriesName: ANOMALY_SERIES, axisValue: t, value: [t, 4100], color: '#f00' },
    ]);
    expect(html).toContain('Total p95 latency &lt;was&gt; high');
    expect(html.match(/Anomaly/g)?.length).toBe(1); // the sentence's heading, not a row of the markers
  });

  it('puts error-rate markers on the rate axis and leaves a chart without anomalies as it was', () => {
    const data = samplePerformance();
    const t = data.errors.over_time[0]!.t;
    const model = errorRateModel(data.errors.over_time, data.range, [], lightPalette, [anomaly('rate:error', t, 0.2, 'x')]);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const markers = (model.option.series as ScatterSeriesOption[]).find((s) => s.name === ANOMALY_SERIES)!;
    expect(markers.yAxisIndex).toBe(0);
    const plain = errorRateModel(data.errors.over_time, data.range, [], lightPalette);
    if (plain.kind !== 'ready') throw new Error('expected a chart');
    expect((plain.option.series as ScatterSeriesOption[]).some((s) => s.name === ANOMALY_SERIES)).toBe(false);
    const tooltip = { trigger: 'axis' as const, formatter: () => 'x' };
    expect(withAnomalyNotes(tooltip, [], 1, lightPalette)).toBe(tooltip);
  });
});
