// Anomaly markers on the Performance dashboard's latency and error-rate charts (docs/analytics/
// anomalies.md): which metrics are asked, which anomalies go on which chart, and the axis tooltip
// that leaves the markers' own row out and appends each anomaly's sentence. Pure functions.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { TooltipComponentOption } from 'echarts/components';
import type { Anomaly } from '../../../api/types';
import type { Palette } from '../../../lib/palette';
import { ANOMALY_SERIES, anomaliesInBucket, anomalySeries, anomalyTooltip } from '../../overview/lib/anomalies';

/** The metrics the dashboard marks: p95 on the latency chart, the error rate on its chart. */
export const PERFORMANCE_METRICS = ['p95:latency_ms', 'rate:error'] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];

export function anomaliesOf(anomalies: Anomaly[] | undefined, metric: PerformanceMetric): Anomaly[] {
  return (anomalies ?? []).filter((a) => a.metric === metric);
}

/** The markers as a series on the chart's first y axis, when there are any. */
export function markerSeries(anomalies: Anomaly[], palette: Palette): ScatterSeriesOption[] {
  return anomalies.length > 0 ? [{ ...anomalySeries(anomalies, palette), yAxisIndex: 0 }] : [];
}

/** Wraps an axis tooltip: the markers' rows are left out, the bucket's sentences appended. */
export function withAnomalyNotes(
  tooltip: TooltipComponentOption,
  anomalies: Anomaly[],
  bucketMs: number,
  palette: Palette,
): TooltipComponentOption {
  if (anomalies.length === 0) return tooltip;
  const format = tooltip.formatter as (raw: unknown) => string;
  return {
    ...tooltip,
    formatter: (raw: unknown) => {
      const params = (Array.isArray(raw) ? raw : [raw]) as { seriesName?: string; axisValue?: unknown }[];
      const lines = params.filter((p) => p.seriesName !== ANOMALY_SERIES);
      const t = Number(params[0]?.axisValue);
      const notes = Number.isFinite(t) ? anomaliesInBucket(anomalies, t, bucketMs) : [];
      return format(lines.length > 0 ? lines : params) + notes.map((a) => anomalyTooltip(a, palette)).join('');
    },
  };
}
