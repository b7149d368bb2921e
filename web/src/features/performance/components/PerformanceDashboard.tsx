// The Performance Monitoring dashboard (seed brief §3): where calls are slow or failing, since
// when, and why — headline cards, percentile lines with annotations, distributions per model,
// errors by every dimension, cache hits, a comparison matrix, a TTFT scatter, an optional latency
// objective, and the annotations themselves. Loading, empty and error states as the executive page.
import { format } from 'date-fns';
import { lazy, Suspense, useState } from 'react';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Section } from '../../../components/ui/Section';
import { RefreshControl } from '../../../components/ui/RefreshControl';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { NoEventsMatch } from '../../filters/components/NoEventsMatch';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { rangeLabel } from '../../filters/lib/filters';
import { performanceQueryKey, usePerformance } from '../hooks/usePerformance';
import { useLiveQuery } from '../../live/hooks/useLiveQuery';
import { mergeLiveIntoPerformance } from '../../live/lib/mergePerformance';
import { usePerformanceAnomalies } from '../hooks/usePerformanceAnomalies';
import type { Slo } from '../lib/slo';
import { PerformanceCards, PerformanceCardsSkeleton } from './PerformanceCards';

// ECharts is most of the weight: load it in parallel with the first request.
const PerformanceCharts = lazy(() => import('./PerformanceCharts').then((m) => ({ default: m.PerformanceCharts })));

function ChartsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2" aria-busy="true">
      {Array.from({ length: 6 }, (_, idx) => (
        <div key={idx} className="h-80 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}

export function PerformanceDashboard() {
  const [filters, setFilters] = useUrlFilters();
  const [slo, setSlo] = useState<Slo | null>(null);
  const performance = usePerformance(filters, slo);
  const anomalies = usePerformanceAnomalies(filters, performance.data?.range.bucket_ms);
  const data = performance.data;
  // Live: calls, the error rate and the error chart's current bucket follow new events (features/live).
  useLiveQuery(filters, data !== undefined, performanceQueryKey(filters, slo), mergeLiveIntoPerformance);

  const refresh = (
    <RefreshControl
      updatedAt={performance.dataUpdatedAt}
      fetching={performance.isFetching}
      onRefresh={() => void performance.refetch()}
    />
  );

  let body;
  if (performance.isError && !data) {
    body = (
      <ErrorState
        title="Could not load performance figures"
        message={performance.error instanceof Error ? performance.error.message : String(performance.error)}
        onRetry={() => void performance.refetch()}
        retrying={performance.isFetching}
      />
    );
  } else if (data?.total_events === 0) {
    body = <NoEventsMatch filters={filters} onChange={setFilters} what="LLM calls to measure" />;
  } else {
    body = (
      <div className={`flex flex-col gap-4 transition-opacity ${performance.isPlaceholderData ? 'opacity-60' : ''}`}>
        {performance.isError && (
          <p role="status" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            Refresh failed ({performance.error instanceof Error ? performance.error.message : 'unknown error'}); showing the
            last figures.
          </p>
        )}
        <Section id="performance-figures" title="Key figures" description="latency, time to first token, errors and cache">
          {data ? <PerformanceCards data={data} /> : <PerformanceCardsSkeleton />}
        </Section>
        <Section id="performance-charts" title="Over time and by model">
          <Suspense fallback={<ChartsSkeleton />}>
            <PerformanceCharts data={data} slo={slo} onSloChange={setSlo} anomalies={anomalies.data?.anomalies} />
          </Suspense>
        </Section>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Performance</h1>
        <p className="text-sm text-muted">
          {rangeLabel(filters.range)}
          {data && ` · ${format(new Date(data.range.from), 'MMM d, HH:mm')} – ${format(new Date(data.range.to), 'MMM d, HH:mm')}`}
          {data && ` · per ${data.range.bucket}`}
          {' · latency, errors and cache, compared with the previous period'}
        </p>
      </div>
      <GlobalFilterBar filters={filters} onChange={setFilters} trailing={refresh} />
      {body}
    </div>
  );
}
