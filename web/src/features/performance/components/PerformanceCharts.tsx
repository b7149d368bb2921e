// Visualise layer of the Performance dashboard: each prepare function's model goes to a ChartCard
// as is. The time charts share the range's annotations.
import { useMemo } from 'react';
import type { Performance } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { formatCompact } from '../../../lib/format';
import { violinModel } from '../lib/distribution';
import { matrixModel } from '../lib/matrix';
import { scatterModel } from '../lib/scatter';
import type { Slo } from '../lib/slo';
import { cacheHitModel, errorRateModel, errorsByTypeModel, percentileLinesModel } from '../lib/timeCharts';
import { AnnotationsPanel } from './AnnotationsPanel';
import { ErrorBreakdownCard } from './ErrorBreakdownCard';
import { ErrorTypesTable } from './ErrorTypesTable';
import { SloPanel } from './SloPanel';

interface PerformanceChartsProps {
  data: Performance | undefined;
  slo: Slo | null;
  onSloChange: (slo: Slo | null) => void;
}

export function PerformanceCharts({ data, slo, onSloChange }: PerformanceChartsProps) {
  const { palette } = useTheme();
  const models = useMemo(() => {
    if (!data) return undefined;
    const { range, annotations } = data;
    return {
      latency: percentileLinesModel(data.latency.over_time, range, annotations, palette, {
        reason: 'No latencies recorded in this time range.',
        hint: 'Send latency_ms with each event (end-to-end duration in milliseconds).',
      }),
      ttft: percentileLinesModel(data.ttft.over_time, range, annotations, palette, {
        reason: 'No streamed calls with a time to first token.',
        hint: 'Send ttft_ms for streamed calls.',
      }),
      errorRate: errorRateModel(data.errors.over_time, range, annotations, palette),
      errorTypes: errorsByTypeModel(data.errors.over_time, data.errors.types, range, palette),
      violin: violinModel(data.distribution.by_model, palette),
      cache: cacheHitModel(data.cache.over_time, range, annotations, palette),
      matrix: matrixModel(data.matrix, palette),
      scatter: scatterModel(data.scatter, palette),
    };
  }, [data, palette]);
  const bucket = data?.range.bucket ?? 'bucket';
  const marks = 'dashed lines and shaded spans are annotations';
  const top = data ? `top ${data.distribution.by_model.length} of ${data.models_total} models` : 'top models';

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <ChartCard
        id="latency-percentiles"
        title="Latency percentiles"
        description={`p50 / p90 / p95 / p99 per ${bucket}; ${marks}`}
        model={models?.latency}
        exportBackground={palette.background}
        index={0}
      />
      <ChartCard
        id="ttft-percentiles"
        title="Time to first token"
        description={`Streamed calls, p50 / p90 / p95 / p99 per ${bucket}`}
        model={models?.ttft}
        exportBackground={palette.background}
        index={1}
      />
      <ChartCard
        id="error-rate"
        title="Error rate"
        description={`Share of failed calls per ${bucket}, over the calls; ${marks}`}
        model={models?.errorRate}
        exportBackground={palette.background}
        index={2}
      />
      <ChartCard
        id="errors-by-type"
        title="Errors by type"
        description={`Failed calls per ${bucket}, stacked by error_type`}
        model={models?.errorTypes}
        exportBackground={palette.background}
        index={3}
      />
      {data ? <ErrorBreakdownCard errors={data.errors} index={4} /> : <ChartCard id="error-breakdown" title="Where errors happen" model={undefined} exportBackground={palette.background} />}
      <ErrorTypesTable errors={data?.errors} />
      <ChartCard
        id="latency-distribution"
        title="Latency distribution by model"
        description={`Violin (density), box (quartiles, whiskers at 1.5 IQR) and outliers; ${top}; log scale`}
        model={models?.violin}
        exportBackground={palette.background}
        className="lg:col-span-2"
        index={5}
      />
      <ChartCard
        id="cache-hit-rate"
        title="Cache hit rate"
        description={`Share of calls answered from the gateway cache per ${bucket}`}
        model={models?.cache}
        exportBackground={palette.background}
        index={6}
      />
      <ChartCard
        id="ttft-scatter"
        title="TTFT vs output length"
        description={
          data?.scatter.sampled
            ? `A time sample of ${formatCompact(data.scatter.sampled_calls)} streamed calls; dot size = calls`
            : 'Every streamed call, binned; dot size = calls'
        }
        model={models?.scatter}
        exportBackground={palette.background}
        index={7}
      />
      <ChartCard
        id="comparison-matrix"
        title="Model comparison"
        description="Raw values; colour = rank within the column (green best, direction-aware)"
        model={models?.matrix}
        exportBackground={palette.background}
        className="lg:col-span-2"
        index={8}
      />
      <SloPanel data={data} slo={slo} onChange={onSloChange} />
      <AnnotationsPanel annotations={data?.annotations} />
    </div>
  );
}
