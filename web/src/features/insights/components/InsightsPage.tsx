// Insights (issue 11): ranked recommendations with their monthly saving and evidence, a chart of
// the savings, and the rules that could not run. Loading, empty and error states like every page.
import { Card } from '../../../components/ui/Card';
import { ChartCard } from '../../../components/ui/ChartCard';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { RefreshControl } from '../../../components/ui/RefreshControl';
import { useTheme } from '../../../hooks/useTheme';
import { formatInteger, formatUsd } from '../../../lib/format';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { rangeLabel } from '../../filters/lib/filters';
import { useInsights } from '../hooks/useInsights';
import { savingsModel, summarize } from '../lib/insights';
import { InsightCard } from './InsightCard';

function Stat({ id, label, value, tone = 'text-fg' }: { id: string; label: string; value: string; tone?: string }) {
  return (
    <Card className="p-4">
      <div className="text-xs text-muted">{label}</div>
      <div data-testid={`insights-${id}`} className={`mt-1 text-2xl font-semibold tabular-nums ${tone}`}>
        {value}
      </div>
    </Card>
  );
}

function Skeleton() {
  return (
    <div className="flex flex-col gap-4" aria-busy="true">
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, idx) => (
          <div key={idx} className="h-20 animate-pulse rounded-xl border border-border bg-background" />
        ))}
      </div>
      <div className="h-72 animate-pulse rounded-xl border border-border bg-background" />
    </div>
  );
}

export function InsightsPage() {
  const [filters, setFilters] = useUrlFilters();
  const insights = useInsights(filters);
  const { palette } = useTheme();
  const data = insights.data;
  const narrow = typeof window !== 'undefined' && window.innerWidth < 640;

  let body;
  if (insights.isError && !data) {
    body = (
      <ErrorState
        message={insights.error instanceof Error ? insights.error.message : String(insights.error)}
        onRetry={() => void insights.refetch()}
        retrying={insights.isFetching}
      />
    );
  } else if (!data) {
    body = <Skeleton />;
  } else {
    const summary = summarize(data);
    body = (
      <div className={`flex flex-col gap-4 transition-opacity ${insights.isPlaceholderData ? 'opacity-60' : ''}`}>
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Stat id="saving" label="Estimated saving per month" value={formatUsd(summary.saving)} tone="text-success" />
          <Stat id="count" label="Insights" value={formatInteger(summary.total)} />
          <Stat id="critical" label="Critical" value={formatInteger(summary.bySeverity.critical)} tone={summary.bySeverity.critical > 0 ? 'text-danger' : 'text-fg'} />
          <Stat id="warning" label="Warnings" value={formatInteger(summary.bySeverity.warning)} tone={summary.bySeverity.warning > 0 ? 'text-warning' : 'text-fg'} />
        </div>
        {summary.total === 0 ? (
          <Card>
            <EmptyState
              icon="check"
              title="Nothing to recommend in this range"
              hint="No rule found a saving or a problem. Widen the time range or clear filters; the skipped rules below say what data they need."
            />
          </Card>
        ) : (
          <>
            <ChartCard
              id="savings"
              title="Savings by insight"
              description="Estimated USD per month, coloured by severity"
              model={savingsModel(data.insights, palette, narrow)}
              exportBackground={palette.background}
              heightClass="h-72"
            />
            <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
              {data.insights.map((insight) => (
                <InsightCard key={insight.id} insight={insight} filters={filters} />
              ))}
            </div>
          </>
        )}
        {data.skipped.length > 0 && (
          <Card className="p-4">
            <h2 className="mb-2 text-sm font-semibold text-fg">Rules that could not run</h2>
            <ul data-testid="insights-skipped" className="flex flex-col gap-1 text-xs text-muted">
              {data.skipped.map((skip) => (
                <li key={skip.rule}>
                  <span className="font-medium text-fg">{skip.rule}</span>: {skip.reason}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    );
  }

  const refresh = (
    <RefreshControl updatedAt={insights.dataUpdatedAt} fetching={insights.isFetching} onRefresh={() => void insights.refetch()} />
  );
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Insights</h1>
        <p className="text-sm text-muted">
          {rangeLabel(filters.range)} · what to change to save money, and what broke — each with the figures behind it
        </p>
      </div>
      <GlobalFilterBar filters={filters} onChange={setFilters} trailing={refresh} />
      {body}
    </div>
  );
}
