// Anomaly markers on a time chart (docs/analytics/anomalies.md): the request that matches the
// chart's buckets, red points at the anomalous buckets, and each anomaly's sentence for the
// tooltip of its bucket. Pure functions of the API's answers.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { Anomaly } from '../../../api/types';
import { escapeHtml } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
export const ANOMALY_SERIES = 'Anomaly';

/**
 * Parameters of GET /api/analytics/anomalies for `metric` with the chart's filters and bucket;
 * null when the detector cannot use that bucket (weeks, months: wider than a day).
 */
export function anomalyParams(dashboard: URLSearchParams, metric: string, bucketMs: number): URLSearchParams | null {
  if (!(bucketMs >= MINUTE_MS && bucketMs <= DAY_MS) || bucketMs % MINUTE_MS !== 0) return null;
  const params = new URLSearchParams(dashboard);
  params.delete('bucket');
  params.set('metric', metric);
  params.set('bucket', `${bucketMs / MINUTE_MS}m`);
  params.set('series', 'none');
  return params;
}

/** The anomalies of the bucket [t, t + bucketMs). */
export function anomaliesInBucket(anomalies: Anomaly[], t: number, bucketMs: number): Anomaly[] {
  return anomalies.filter((a) => a.t >= t && a.t < t + Math.max(bucketMs, 1));
}

/** Tooltip HTML of one anomaly: its severity, then its sentence. */
export function anomalyTooltip(anomaly: Anomaly, palette: Palette): string {
  return (
    `<div style="max-width:280px;white-space:normal;margin-top:6px">` +
    `<div style="color:${palette.danger};font-weight:600;font-size:11px">Anomaly · ${escapeHtml(anomaly.severity)}</div>` +
    `<div>${escapeHtml(anomaly.explanation)}</div></div>`
  );
}

/** A scatter series of red points at [t, actual]; no tooltip of its own (the axis one has the text). */
export function anomalySeries(anomalies: Anomaly[], palette: Palette): ScatterSeriesOption {
  return {
    name: ANOMALY_SERIES,
    type: 'scatter',
    data: anomalies.map((a) => [a.t, a.actual]),
    symbol: 'circle',
    symbolSize: 11,
    z: 5,
    itemStyle: { color: palette.danger, borderColor: palette.background, borderWidth: 2 },
    tooltip: { show: false },
  };
}

/** "1 anomaly" / "3 anomalies" flagged in the range. */
export function anomalyCount(count: number): string {
  return `${count} ${count === 1 ? 'anomaly' : 'anomalies'}`;
}
