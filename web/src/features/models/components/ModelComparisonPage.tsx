// The Model Comparison dashboard (seed brief §4): the models side by side (radar, cost vs quality
// with the Pareto frontier, head-to-head bars, a decision matrix with weight sliders, scorecards
// with feature support) and an A/B panel that says whether a difference is real.
import { lazy, Suspense, useMemo, useState } from 'react';
import { ApiError } from '../../../api/client';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Icon } from '../../../components/ui/Icon';
import { useTheme } from '../../../hooks/useTheme';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { DEFAULT_FILTERS, activeFilterCount, rangeLabel } from '../../filters/lib/filters';
import { useModelComparison, type CompareChoice } from '../hooks/useModelComparison';
import { modelColors, scoreNames } from '../lib/metrics';
import { AbPanel } from './AbPanel';
import { FeatureMatrix } from './FeatureMatrix';
import { ModelPicker } from './ModelPicker';
import { Scorecards } from './Scorecards';

const ModelCharts = lazy(() => import('./ModelCharts').then((m) => ({ default: m.ModelCharts })));

function ChartsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 xl:grid-cols-3" aria-busy="true">
      {Array.from({ length: 3 }, (_, idx) => (
        <div key={idx} className="h-80 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}

export function ModelComparisonPage() {
  const [filters, setFilters] = useUrlFilters();
  const [choice, setChoice] = useState<CompareChoice>({ models: [], quality: null });
  const compare = useModelComparison(filters, choice);
  const { palette } = useTheme();
  const data = compare.data;
  const colors = useMemo(() => (data ? modelColors(data, palette.series) : new Map<string, string>()), [data, palette]);
  const badModels = compare.error instanceof ApiError && compare.error.status === 400;

  let body;
  if (compare.isError && (!data || badModels)) {
    body = badModels ? (
      <Card>
        <EmptyState
          icon="search"
          title="These models cannot be compared here"
          hint={compare.error instanceof Error ? compare.error.message : ''}
          action={
            <button
              type="button"
              onClick={() => setChoice({ models: [], quality: null })}
              className="mt-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90"
            >
              Compare the top 5 models instead
            </button>
          }
        />
      </Card>
    ) : (
      <ErrorState
        message={compare.error instanceof Error ? compare.error.message : String(compare.error)}
        onRetry={() => void compare.refetch()}
        retrying={compare.isFetching}
      />
    );
  } else if (data && data.models.length === 0) {
    const count = activeFilterCount(filters);
    body = (
      <Card>
        <EmptyState
          icon="search"
          title={`No model calls match ${count > 0 ? 'these filters' : 'this time range'}`}
          hint={`${rangeLabel(filters.range)}${count > 0 ? ` with ${count} filter(s)` : ''} has no events with a model. Widen the time range or clear the filters.`}
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
      <div className={`flex flex-col gap-4 transition-opacity ${compare.isPlaceholderData || compare.isFetching ? 'opacity-70' : ''}`}>
        {data ? (
          <ModelPicker
            filters={filters}
            models={data.models.map((m) => m.model)}
            colors={colors}
            isDefault={data.default_models}
            onModels={(models) => setChoice({ ...choice, models })}
            scores={scoreNames(data)}
            quality={data.quality}
            onQuality={(quality) => setChoice({ ...choice, quality })}
          />
        ) : (
          <div className="h-8 w-2/3 animate-pulse rounded-lg bg-surface" />
        )}
        <Suspense fallback={<ChartsSkeleton />}>{data ? <ModelCharts comparison={data} /> : <ChartsSkeleton />}</Suspense>
        {data && (
          <>
            <Scorecards comparison={data} colors={colors} />
            <FeatureMatrix comparison={data} colors={colors} />
          </>
        )}
        <AbPanel filters={filters} />
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Model Comparison</h1>
        <p className="text-sm text-muted">
          {rangeLabel(filters.range)} · cost, quality, speed and reliability side by side, and whether a difference is real
        </p>
      </div>
      <GlobalFilterBar
        filters={filters}
        onChange={setFilters}
        trailing={
          <button
            type="button"
            onClick={() => void compare.refetch()}
            aria-label="Refresh"
            className="grid h-8 w-8 place-items-center rounded-lg border border-border bg-background text-muted hover:text-fg"
          >
            <Icon name="refresh" className={`h-4 w-4 ${compare.isFetching ? 'animate-spin' : ''}`} />
          </button>
        }
      />
      {body}
    </div>
  );
}
