// The Cost Analysis page (seed brief §2): where the money goes (cards, breakdowns with
// drill-down, cost over time, heatmap, flows, token efficiency) and what could not be priced.
import { format } from 'date-fns';
import { lazy, Suspense, useState } from 'react';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Icon } from '../../../components/ui/Icon';
import { MetricCard } from '../../../components/ui/MetricCard';
import { Section } from '../../../components/ui/Section';
import { useFields } from '../../../hooks/useFields';
import { useTheme } from '../../../hooks/useTheme';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { useLiveQuery } from '../../live/hooks/useLiveQuery';
import { mergeLiveIntoCost } from '../../live/lib/mergeCost';
import { DEFAULT_FILTERS, activeFilterCount, rangeLabel } from '../../filters/lib/filters';
import { costQueryKey, useCost } from '../hooks/useCost';
import { useCostAnomalies } from '../hooks/useCostAnomalies';
import { costCardViews } from '../lib/costCards';
import { UnpricedNotice } from './UnpricedNotice';

const CostCharts = lazy(() => import('./CostCharts').then((m) => ({ default: m.CostCharts })));

const BASE_DIMENSIONS = ['model', 'provider', 'experiment', 'team', 'user'];
const CARD_ICONS = { cost: 'dollar', calls: 'activity', tokens: 'coins', per1k: 'gauge' } as const;

function Skeleton({ count, height }: { count: number; height: string }) {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4" aria-busy="true">
      {Array.from({ length: count }, (_, idx) => (
        <div key={idx} className={`${height} animate-pulse rounded-xl border border-border bg-background`} />
      ))}
    </div>
  );
}

export function CostDashboard() {
  const [filters, setFilters] = useUrlFilters();
  const [stackBy, setStackBy] = useState('model');
  const [dimension, setDimension] = useState('model');
  const fields = useFields();
  const { palette } = useTheme();
  const tagDimensions = (fields.data?.tag_keys ?? []).map((key) => `tags.${key}`);
  const dimensions = [...BASE_DIMENSIONS, ...tagDimensions];
  const tagBreakdowns = [dimension, stackBy].filter((d) => d.startsWith('tags.')).map((d) => d.slice(5));
  const view = { stackBy, tagBreakdowns: [...new Set(tagBreakdowns)] };
  const cost = useCost(filters, view);
  const data = cost.data;
  const anomalies = useCostAnomalies(filters, data?.over_time.bucket_ms);
  // Live: the cards and the cost-over-time buckets follow new events (features/live).
  useLiveQuery(filters, data !== undefined, costQueryKey(filters, view), mergeLiveIntoCost);

  const refresh = (
    <div className="flex items-center gap-2 text-xs text-muted">
      {cost.dataUpdatedAt > 0 && (
        <span className="hidden md:inline" title="The page refreshes every 30 seconds">
          Updated {format(cost.dataUpdatedAt, 'HH:mm:ss')}
        </span>
      )}
      <button
        type="button"
        onClick={() => void cost.refetch()}
        aria-label="Refresh"
        className="grid h-8 w-8 place-items-center rounded-lg border border-border bg-background text-muted hover:text-fg"
      >
        <Icon name="refresh" className={`h-4 w-4 ${cost.isFetching ? 'animate-spin' : ''}`} />
      </button>
    </div>
  );

  let body;
  if (cost.isError && !data) {
    body = (
      <ErrorState
        message={cost.error instanceof Error ? cost.error.message : String(cost.error)}
        onRetry={() => void cost.refetch()}
        retrying={cost.isFetching}
      />
    );
  } else if (data && data.totals.calls.value === 0) {
    const active = activeFilterCount(filters);
    body = (
      <Card>
        <EmptyState
          icon="search"
          title={`No events match ${active > 0 ? 'these filters' : 'this time range'}`}
          hint={`${rangeLabel(filters.range)}${active > 0 ? ` with ${active} filter(s)` : ''} has no LLM calls, so there is no cost to analyse. Widen the time range or clear the filters.`}
          action={
            <button
              type="button"
              onClick={() => setFilters(DEFAULT_FILTERS)}
              className="mt-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90"
            >
              Reset to the last 30 days, no filters
            </button>
          }
        />
      </Card>
    );
  } else {
    body = (
      <div className={`flex flex-col gap-4 transition-opacity ${cost.isPlaceholderData ? 'opacity-60' : ''}`}>
        {cost.isError && (
          <p role="status" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            Refresh failed ({cost.error instanceof Error ? cost.error.message : 'unknown error'}); showing the last figures.
          </p>
        )}
        <Section id="cost-figures" title="Key figures" description="spend, projection and token efficiency">
          {data ? (
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
              {costCardViews(data).map((view, index) => (
                <MetricCard key={view.id} {...view} icon={CARD_ICONS[view.id]} accent={palette.primary} index={index} />
              ))}
            </div>
          ) : (
            <Skeleton count={4} height="h-36" />
          )}
        </Section>
        {data && data.unpriced.calls > 0 && <UnpricedNotice unpriced={data.unpriced} />}
        <Section id="cost-charts" title="Breakdowns" description="where the money goes, over time and by dimension">
          <Suspense fallback={<Skeleton count={4} height="h-96" />}>
            <CostCharts
              report={data}
              filters={filters}
              onFilters={setFilters}
              dimension={dimension}
              dimensions={dimensions}
              onDimension={setDimension}
              stackBy={stackBy}
              onStackBy={setStackBy}
              anomalies={anomalies.data?.anomalies}
            />
          </Suspense>
        </Section>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Cost Analysis</h1>
        <p className="text-sm text-muted">
          {rangeLabel(filters.range)}
          {data && ` · ${format(new Date(data.range.from), 'MMM d, HH:mm')} – ${format(new Date(data.range.to), 'MMM d, HH:mm')}`}
          {' · compared with the previous period of equal length'}
        </p>
      </div>
      <GlobalFilterBar filters={filters} onChange={setFilters} trailing={refresh} />
      {body}
    </div>
  );
}
