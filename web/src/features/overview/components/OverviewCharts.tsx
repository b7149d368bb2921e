// Visualise layer of the executive dashboard's charts: each prepare function's model goes to a
// ChartCard as is. No data shaping here.
import { useMemo } from 'react';
import type { Anomaly, Overview } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { anomalyCount } from '../lib/anomalies';
import { costTrendModel } from '../lib/costTrend';
import { latencyHistogramModel } from '../lib/latencyHistogram';
import { modelUsageModel } from '../lib/modelUsage';
import { statusOverTimeModel } from '../lib/statusOverTime';

interface OverviewChartsProps {
  overview: Overview | undefined;
  /** Cost anomalies of the range (undefined while they load, or for buckets wider than a day). */
  anomalies?: Anomaly[];
  anomaliesFailed?: boolean;
}

export function OverviewCharts({ overview, anomalies, anomaliesFailed = false }: OverviewChartsProps) {
  const { palette } = useTheme();
  const models = useMemo(
    () =>
      overview && {
        cost: costTrendModel(overview.cost_trend, overview.range, palette, anomalies),
        models: modelUsageModel(overview.model_usage, palette),
        latency: latencyHistogramModel(overview.latency, palette),
        status: statusOverTimeModel(overview.status_over_time, overview.range, palette),
      },
    [overview, palette, anomalies],
  );
  const bucket = overview?.range.bucket;

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <ChartCard
        id="cost-trend"
        title="Cost trend"
        description={`Cost per ${bucket ?? 'bucket'} and the 30-day rolling daily average`}
        model={models?.cost}
        exportBackground={palette.background}
        index={0}
        toolbar={<AnomalyNote anomalies={anomalies} failed={anomaliesFailed} />}
      />
      <ChartCard
        id="model-usage"
        title="Model usage"
        description="Share of requests per model"
        model={models?.models}
        exportBackground={palette.background}
        index={1}
      />
      <ChartCard
        id="latency-histogram"
        title="Latency distribution"
        description="Requests by end-to-end latency, with p50 / p90 / p99"
        model={models?.latency}
        exportBackground={palette.background}
        index={2}
      />
      <ChartCard
        id="status-over-time"
        title="Success & failure over time"
        description={`Successful and failed requests per ${bucket ?? 'bucket'}, with the error rate`}
        model={models?.status}
        exportBackground={palette.background}
        index={3}
      />
    </div>
  );
}

/** Under the cost trend's title: how many cost anomalies the range has, the newest one's sentence. */
function AnomalyNote({ anomalies, failed }: { anomalies: Anomaly[] | undefined; failed: boolean }) {
  if (failed) return <p className="text-xs text-muted">Anomaly check unavailable.</p>;
  if (!anomalies) return null;
  const newest = anomalies[0];
  if (!newest) return <p className="text-xs text-muted" data-testid="cost-anomalies">No cost anomalies in this range.</p>;
  return (
    <p className="line-clamp-2 text-xs text-muted" data-testid="cost-anomalies" title={newest.explanation}>
      <span className="font-semibold text-danger">{anomalyCount(anomalies.length)}</span>
      {' · '}
      {newest.explanation}
    </p>
  );
}
