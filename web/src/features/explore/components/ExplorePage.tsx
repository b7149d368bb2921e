// The report builder (/explore): metrics, group-by, bucket and chart type on the left, the global
// filter bar above, and a live preview (chart, table, QuerySpec) of POST /api/v1/query. Reports are
// saved on the server; /explore?report=ID (or /explore/ID) opens one.
import { useEffect, useMemo, useState } from 'react';
import type { Report } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { useTheme } from '../../../hooks/useTheme';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { rangeLabel } from '../../filters/lib/filters';
import { useReport, useReportResult } from '../hooks/useReports';
import { useReportParam } from '../hooks/useReportParam';
import { reportChartModel } from '../lib/reportChart';
import { buildSpec, DEFAULT_STATE, fromSpec, sameSpec, type BuilderState } from '../lib/spec';
import { BuilderControls } from './BuilderControls';
import { ResultTable } from './ResultTable';
import { SaveBar } from './SaveBar';
import { SavedReports } from './SavedReports';
import { SpecJson } from './SpecJson';
import '../../../components/ui/echartsExtras';

export function ExplorePage({ params }: { params: Record<string, string> }) {
  const [filters, setFilters] = useUrlFilters();
  const [reportId, setReportId] = useReportParam(params.id);
  const report = useReport(reportId);
  const [state, setState] = useState<BuilderState>(DEFAULT_STATE);
  const [appliedId, setAppliedId] = useState<number | null>(null);
  const { palette } = useTheme();

  // Opening a report: its spec becomes the builder's state and the filter bar's filters, once.
  useEffect(() => {
    if (!report.data || report.data.id === appliedId || report.data.id !== reportId) return;
    const opened = fromSpec(report.data.spec, report.data.chart);
    setState(opened.state);
    setFilters(opened.filters);
    setAppliedId(report.data.id);
  }, [report.data, reportId, appliedId, setFilters]);

  const spec = useMemo(() => buildSpec(state, filters), [state, filters]);
  const waiting = reportId !== null && appliedId !== reportId && !report.isError;
  const result = useReportResult(spec, state.metrics.length > 0 && !waiting);
  const model = useMemo(
    () => (result.data ? reportChartModel(result.data, { chart: state.chart, groupBy: state.groupBy, metrics: state.metrics }, palette) : undefined),
    [result.data, state.chart, state.groupBy, state.metrics, palette],
  );
  const current = report.data && report.data.id === appliedId ? report.data : undefined;
  // Changed since saved: the spec differs from the one the saved report opens as.
  const savedSpec = useMemo(() => {
    if (!current) return undefined;
    const opened = fromSpec(current.spec, current.chart);
    return buildSpec(opened.state, opened.filters);
  }, [current]);
  const dirty = current !== undefined && savedSpec !== undefined && (!sameSpec(savedSpec, spec) || current.chart !== state.chart);
  const onSaved = (saved: Report) => {
    setAppliedId(saved.id);
    setReportId(saved.id);
  };

  let preview;
  if (state.metrics.length === 0) {
    preview = <EmptyState icon="chart" title="No metric chosen." hint="Add a metric (count, sum:cost_usd, p95:latency_ms, ...) to see the report." />;
  } else if (result.isError && !result.data) {
    preview = <ErrorState message={result.error.message} onRetry={() => void result.refetch()} retrying={result.isFetching} />;
  } else {
    preview = (
      <div className={`flex flex-col gap-4 transition-opacity ${result.isPlaceholderData ? 'opacity-60' : ''}`}>
        {result.isError && (
          <p role="alert" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            {result.error.message}
          </p>
        )}
        {state.chart !== 'table' && (
          <ChartCard
            id="report-preview"
            title={current?.name ?? 'Preview'}
            description={`${rangeLabel(filters.range)} · ${state.metrics.join(', ')}${state.groupBy.length ? ` by ${state.groupBy.join(', ')}` : ''}`}
            model={waiting ? undefined : model}
            exportBackground={palette.background}
            csv={result.data ? { header: result.data.columns, rows: result.data.rows.map((row) => row.map((c) => (Array.isArray(c) ? c.join(' ') : c === true || c === false ? String(c) : c))) } : undefined}
            heightClass="h-96"
          />
        )}
        {result.data ? <ResultTable result={result.data} /> : <div className="h-48 animate-pulse rounded-xl border border-border bg-background" />}
        <SpecJson spec={spec} />
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight text-fg">Report builder</h1>
          <p className="text-sm text-muted">
            {current ? `Saved report “${current.name}”` : reportId !== null && report.isError ? `Report ${reportId} could not be opened: ${report.error.message}` : 'A new report'}
            {' · any QuerySpec as a chart and a table'}
          </p>
        </div>
        <SaveBar current={current} spec={spec} chart={state.chart} dirty={dirty} onSaved={onSaved} />
      </div>
      <GlobalFilterBar filters={filters} onChange={setFilters} />
      <div className="flex flex-col gap-4 lg:flex-row lg:items-start">
        <div className="flex flex-col gap-4 lg:w-80 lg:shrink-0 print:hidden">
          <BuilderControls state={state} onChange={setState} />
          <SavedReports
            currentId={current?.id ?? null}
            onOpen={(id) => {
              setAppliedId(null);
              setReportId(id);
            }}
            onDeleted={(id) => {
              if (id === reportId) setReportId(null);
              if (id === appliedId) setAppliedId(null);
            }}
          />
        </div>
        <div className="min-w-0 flex-1">{preview}</div>
      </div>
    </div>
  );
}
