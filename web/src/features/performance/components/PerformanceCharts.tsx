// Visualise layer of the Performance dashboard: each prepare function's model goes to a ChartCard
// as is. The time charts share the range's annotations.
import { useMemo } from 'react';
import type { Anomaly, Performance } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import type { ChartModel } from '../../../lib/chart';
import { formatCompact } from '../../../lib/format';
import { anomalyCount } from '../../overview/lib/anomalies';
import { anomaliesOf } from '../lib/anomalyMarkers';
import { violinModel } from '../lib/distribution';
import { matrixModel } from '../lib/matrix';
import { cacheByModelModel, throughputModel } from '../lib/modelBars';
import { scatterModel } from '../lib/scatter';
import type { Slo } from '../lib/slo';
import { cacheHitModel, errorRateModel, errorsByTypeModel, percentileLinesModel } from '../lib/timeCharts';
import { AnnotationsPanel } from './AnnotationsPanel';
import { ErrorBreakdownCard } from './ErrorBreakdownCard';
import { ErrorTypesTable } from './ErrorTypesTable';
import { SloPanel } from './SloPanel';
import '../../../components/ui/echartsExtras';

interface PerformanceChartsProps {
  data: Performance | undefined;
  slo: Slo | null;
  onSloChange: (slo: Slo | null) => void;
  /** Anomalies of the total p95 latency and error rate at the charts' bucket (red points). */
  anomalies?: Anomaly[];
}

export function PerformanceCharts({ data, slo, onSloChange, anomalies }: PerformanceChartsProps) {
  const { palette } = useTheme();
  const latencyAnomalies = useMemo(() => anomaliesOf(anomalies, 'p95:latency_ms'), [anomalies]);
  const errorAnomalies = useMemo(() => anomaliesOf(anomalies, 'rate:error'), [anomalies]);
  // One memo per chart, on the parts of the answer it draws: a live push (features/live
  // mergePerformance) replaces the summary and the errors only, so the other charts are not set again.
  const range = data?.range;
  const annotations = data?.annotations;
  const latencyData = data?.latency;
  const latency = useMemo(
    () =>
      latencyData &&
      range &&
      annotations &&
      percentileLinesModel(latencyData.over_time, range, annotations, palette, {
        reason: 'No latencies recorded in this time range.',
        hint: 'Send latency_ms with each event (end-to-end duration in milliseconds).',
      }, latencyAnomalies),
    [latencyData, range, annotations, palette, latencyAnomalies],
  );
  const ttftData = data?.ttft;
  const ttft = useMemo(
    () =>
      ttftData &&
      range &&
      annotations &&
      percentileLinesModel(ttftData.over_time, range, annotations, palette, {
        reason: 'No streamed calls with a time to first token.',
        hint: 'Send ttft_ms for streamed calls.',
      }),
    [ttftData, range, annotations, palette],
  );
  const errors = data?.errors;
  const errorRate = useMemo(
    () => errors && range && annotations && errorRateModel(errors.over_time, range, annotations, palette, errorAnomalies),
    [errors, range, annotations, palette, errorAnomalies],
  );
  const errorTypes = useMemo(() => errors && range && errorsByTypeModel(errors.over_time, errors.types, range, palette), [errors, range, palette]);
  const distribution = data?.distribution;
  const violin = useMemo(() => distribution && violinModel(distribution.by_model, palette), [distribution, palette]);
  const cacheData = data?.cache;
  const cache = useMemo(
    () => cacheData && range && annotations && cacheHitModel(cacheData.over_time, range, annotations, palette),
    [cacheData, range, annotations, palette],
  );
  const cacheByModel = useMemo(() => cacheData && cacheByModelModel(cacheData, palette), [cacheData, palette]);
  const throughputData = data?.throughput;
  const throughput = useMemo(() => throughputData && throughputModel(throughputData, palette), [throughputData, palette]);
  const matrixData = data?.matrix;
  const matrix = useMemo(() => matrixData && matrixModel(matrixData, palette), [matrixData, palette]);
  const scatterData = data?.scatter;
  const scatter = useMemo(() => scatterData && scatterModel(scatterData, palette), [scatterData, palette]);
  const models = data && { latency, ttft, errorRate, errorTypes, violin, cache, cacheByModel, throughput, matrix, scatter };
  const flagged = (list: Anomaly[]) => (list.length > 0 ? `; red points: ${anomalyCount(list.length)}` : '');
  const bucket = data?.range.bucket ?? 'bucket';
  const marks = 'dashed lines and shaded spans are annotations';
  const top = data ? `top ${data.distribution.by_model.length} of ${data.models_total} models` : 'top models';
  const card = (id: string, title: string, description: string, model: ChartModel | undefined, index: number, wide = false) => (
    <ChartCard
      key={id}
      id={id}
      title={title}
      description={description}
      model={model}
      exportBackground={palette.background}
      className={wide ? 'lg:col-span-2' : ''}
      index={index}
    />
  );
  const scatterText = data?.scatter.sampled
    ? `A time sample of ${formatCompact(data.scatter.sampled_calls)} streamed calls; dot size = calls`
    : 'Every streamed call, binned; dot size = calls';

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      {card('latency-percentiles', 'Latency percentiles', `p50 / p90 / p95 / p99 per ${bucket}${flagged(latencyAnomalies)}; ${marks}`, models?.latency, 0)}
      {card('ttft-percentiles', 'Time to first token', `Streamed calls, p50 / p90 / p95 / p99 per ${bucket}`, models?.ttft, 1)}
      {card('error-rate', 'Error rate', `Share of failed calls per ${bucket}, over the calls${flagged(errorAnomalies)}; ${marks}`, models?.errorRate, 2)}
      {card('errors-by-type', 'Errors by type', `Failed calls per ${bucket}, stacked by error_type`, models?.errorTypes, 3)}
      {data ? <ErrorBreakdownCard errors={data.errors} index={4} /> : card('error-breakdown', 'Where errors happen', '', undefined, 4)}
      <ErrorTypesTable errors={data?.errors} />
      {card(
        'latency-distribution',
        'Latency distribution by model',
        `Violin (density), box (quartiles, whiskers at 1.5 IQR) and outliers; ${top}; log scale`,
        models?.violin,
        5,
        true,
      )}
      {card('throughput', 'Output speed', 'Output tokens per second of generation (after the first token): p50, p90 behind', models?.throughput, 6)}
      {card('ttft-scatter', 'TTFT vs output length', scatterText, models?.scatter, 7)}
      {card('cache-hit-rate', 'Cache hit rate', `Share of calls answered from the gateway cache per ${bucket}`, models?.cache, 8)}
      {card('cache-by-model', 'Cache hits by model', 'Share of each model\'s calls answered from the gateway cache', models?.cacheByModel, 9)}
      {card(
        'comparison-matrix',
        'Model comparison',
        'Raw values; colour = rank within the column (green best, direction-aware)',
        models?.matrix,
        10,
        true,
      )}
      <SloPanel data={data} slo={slo} onChange={onSloChange} />
      <AnnotationsPanel annotations={data?.annotations} />
    </div>
  );
}
