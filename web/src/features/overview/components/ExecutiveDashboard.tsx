// The Executive Dashboard (seed brief §1): filter bar, six metric cards, four charts; the
// first-run panel on an empty store and an error state with retry when the API fails.
import { format } from 'date-fns';
import { lazy, Suspense } from 'react';
import { ErrorState } from '../../../components/ui/ErrorState';
import { RefreshControl } from '../../../components/ui/RefreshControl';
import { Section } from '../../../components/ui/Section';
import { LiveEventsPanel } from '../../live/components/LiveEventsPanel';
import { useLiveOverview } from '../../live/hooks/useLiveOverview';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { NoEventsMatch } from '../../filters/components/NoEventsMatch';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { rangeLabel } from '../../filters/lib/filters';
import { useCostAnomalies } from '../hooks/useCostAnomalies';
import { useHealth, useOverview } from '../hooks/useOverview';
import { FirstEventPanel } from './FirstEventPanel';
import { OverviewCards, OverviewCardsSkeleton } from './OverviewCards';

// ECharts is most of the bundle: load it in parallel with the first overview request, and show
// the cards without waiting for it.
const OverviewCharts = lazy(() => import('./OverviewCharts').then((m) => ({ default: m.OverviewCharts })));

function ChartsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2" aria-busy="true">
      {Array.from({ length: 4 }, (_, idx) => (
        <div key={idx} className="h-80 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}

export function ExecutiveDashboard() {
  const [filters, setFilters] = useUrlFilters();
  const overview = useOverview(filters);
  const data = overview.data;
  const noEvents = data?.total_events === 0;
  const health = useHealth(noEvents);
  const anomalies = useCostAnomalies(filters, data?.range.bucket_ms);
  const emptyStore = noEvents && health.data?.events === 0;
  const live = useLiveOverview(filters, data !== undefined && !emptyStore);

  const refresh = (
    <RefreshControl
      updatedAt={overview.dataUpdatedAt}
      fetching={overview.isFetching}
      onRefresh={() => void overview.refetch()}
    />
  );

  let body;
  if (overview.isError && !data) {
    body = (
      <ErrorState
        message={overview.error instanceof Error ? overview.error.message : String(overview.error)}
        onRetry={() => void overview.refetch()}
        retrying={overview.isFetching}
      />
    );
  } else if (emptyStore) {
    body = (
      <FirstEventPanel
        onSent={() => {
          void health.refetch();
          void overview.refetch();
        }}
      />
    );
  } else if (noEvents) {
    body = <NoEventsMatch filters={filters} onChange={setFilters} />;
  } else {
    body = (
      <div className={`flex flex-col gap-4 transition-opacity ${overview.isPlaceholderData ? 'opacity-60' : ''}`}>
        {overview.isError && (
          <p role="status" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            Refresh failed ({overview.error instanceof Error ? overview.error.message : 'unknown error'}); showing the last
            figures.
          </p>
        )}
        <Section id="executive-figures" title="Key figures" description="compared with the previous period">
          {data ? <OverviewCards overview={data} /> : <OverviewCardsSkeleton />}
        </Section>
        {live.live && <LiveEventsPanel stream={live.stream} />}
        <Section id="executive-charts" title="Trends" description="cost, model usage, latency and failures">
          <Suspense fallback={<ChartsSkeleton />}>
            <OverviewCharts
              overview={data}
              anomalies={anomalies.data?.anomalies}
              anomaliesFailed={anomalies.isError && !anomalies.data}
            />
          </Suspense>
        </Section>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">Executive Dashboard</h1>
          <p className="text-sm text-muted">
            {rangeLabel(filters.range)}
            {data && ` · ${format(new Date(data.range.from), 'MMM d, HH:mm')} – ${format(new Date(data.range.to), 'MMM d, HH:mm')}`}
            {' · compared with the previous period of equal length'}
          </p>
        </div>
      </div>
      {!emptyStore && <GlobalFilterBar filters={filters} onChange={setFilters} trailing={refresh} />}
      {body}
    </div>
  );
}
