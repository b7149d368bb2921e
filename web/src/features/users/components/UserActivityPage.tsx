// The User Activity dashboard (seed brief §5): who uses the LLM features, how often, at what cost,
// and where they drop off. Filter bar, cards, active-user charts, leaderboards, experiment
// bubbles, the funnel with its step editor, cohorts, the collaboration network and a calendar.
import { format } from 'date-fns';
import { lazy, Suspense } from 'react';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Section } from '../../../components/ui/Section';
import { RefreshControl } from '../../../components/ui/RefreshControl';
import { useFields } from '../../../hooks/useFields';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { NoEventsMatch } from '../../filters/components/NoEventsMatch';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import type { Dimension } from '../../filters/lib/filters';
import { rangeLabel } from '../../filters/lib/filters';
import { useUserActivity } from '../hooks/useUserActivity';
import { useUsersView } from '../hooks/useUsersView';
import { DEMO_STEPS } from '../lib/params';
import { Leaderboard } from './Leaderboard';
import { UserCards, UserCardsSkeleton } from './UserCards';

// ECharts is most of the page's weight: load it alongside the first request.
const UserCharts = lazy(() => import('./UserCharts').then((m) => ({ default: m.UserCharts })));

function ChartsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2" aria-busy="true">
      {Array.from({ length: 6 }, (_, idx) => (
        <div key={idx} className="h-80 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}

export function UserActivityPage() {
  const [filters, setFilters] = useUrlFilters();
  const [urlView, setView] = useUsersView();
  const fields = useFields();
  // On demo data with no steps chosen, the funnel shows the demo's RAG journey.
  const view = urlView.steps.length === 0 && fields.data?.demo ? { ...urlView, steps: DEMO_STEPS } : urlView;
  // Wait for the fields (or their failure) so that the first request already has the demo funnel.
  const activity = useUserActivity(filters, view, !fields.isPending);
  const data = activity.data;
  const noEvents = data !== undefined && data.totals.calls.value === 0 && data.active.every((d) => d.mau === 0);
  const stepsError = activity.error instanceof Error && /steps|window/.test(activity.error.message);
  // A leaderboard row or an experiment bubble adds its value to the filter bar.
  const pick = (dim: Dimension, value: string) =>
    !filters.dims[dim].includes(value) && setFilters({ ...filters, dims: { ...filters.dims, [dim]: [...filters.dims[dim], value] } });

  const refresh = (
    <RefreshControl
      updatedAt={activity.dataUpdatedAt}
      fetching={activity.isFetching}
      onRefresh={() => void activity.refetch()}
      periodText="every minute"
    />
  );

  let body;
  if (activity.isError && !data) {
    body = (
      <div className="flex flex-col gap-2">
        <ErrorState
          message={activity.error instanceof Error ? activity.error.message : String(activity.error)}
          onRetry={() => void activity.refetch()}
          retrying={activity.isFetching}
        />
        {stepsError && (
          <button
            type="button"
            onClick={() => setView({ ...urlView, steps: [], window: '1d' })}
            className="self-center text-sm font-medium text-primary hover:underline"
          >
            Clear the funnel steps
          </button>
        )}
      </div>
    );
  } else if (noEvents) {
    body = <NoEventsMatch filters={filters} onChange={setFilters} what="LLM calls, so no users to show" />;
  } else {
    body = (
      <div className={`flex flex-col gap-4 transition-opacity ${activity.isPlaceholderData ? 'opacity-60' : ''}`}>
        {activity.isError && (
          <p role="status" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            Refresh failed ({activity.error instanceof Error ? activity.error.message : 'unknown error'}); showing the last figures.
          </p>
        )}
        <Section id="users-figures" title="Key figures" description="active users and usage">
          {data ? <UserCards activity={data} /> : <UserCardsSkeleton />}
        </Section>
        <Section id="users-charts" title="Activity, funnel and collaboration">
          <Suspense fallback={<ChartsSkeleton />}>
            <UserCharts
              activity={data}
              view={view}
              onView={setView}
              onPick={pick}
            />
          </Suspense>
        </Section>
        <Leaderboard
          activity={data}
          sort={view.sort}
          onSort={(sort) => setView({ ...urlView, sort })}
          onPick={pick}
        />
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">User Activity</h1>
        <p className="text-sm text-muted">
          {rangeLabel(filters.range)}
          {data && ` · ${format(new Date(data.range.from), 'MMM d, HH:mm')} – ${format(new Date(data.range.to), 'MMM d, HH:mm')}`}
          {` · days in ${data?.range.tz ?? 'UTC'} · compared with the previous period of equal length`}
        </p>
      </div>
      <GlobalFilterBar filters={filters} onChange={setFilters} trailing={refresh} />
      {body}
    </div>
  );
}
