// A latency objective: "calls succeed faster than X ms, for Y % of calls". Applying it asks the
// server for compliance per bucket and the error budget used over the range.
import { useMemo, useState, type FormEvent } from 'react';
import type { Performance } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EChart } from '../../../components/ui/EChart';
import { EmptyState } from '../../../components/ui/EmptyState';
import { useTheme } from '../../../hooks/useTheme';
import { formatCompact, formatDuration, formatRatio } from '../../../lib/format';
import { parseSlo, sloModel, type Slo } from '../lib/slo';

interface SloPanelProps {
  data: Performance | undefined;
  slo: Slo | null;
  onChange: (slo: Slo | null) => void;
}

const input = 'w-full rounded-lg border border-border bg-background px-2 py-1.5 text-sm text-fg tabular focus-visible:outline-2 focus-visible:outline-primary';

export function SloPanel({ data, slo, onChange }: SloPanelProps) {
  const { palette } = useTheme();
  const [threshold, setThreshold] = useState(slo ? String(slo.thresholdMs) : '5000');
  const [target, setTarget] = useState(slo ? String(slo.target) : '99');
  const [error, setError] = useState<{ field: string; error: string } | null>(null);
  const model = useMemo(() => (data?.slo ? sloModel(data.slo, data.range, palette) : undefined), [data, palette]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseSlo(threshold, target);
    if ('error' in parsed) {
      setError(parsed);
      return;
    }
    setError(null);
    onChange(parsed.slo);
  };
  const result = data?.slo;
  const consumed = result?.budget_consumed ?? null;

  return (
    <Card data-testid="slo-panel" className="flex min-h-80 flex-col gap-3 p-4">
      <header>
        <h3 className="text-sm font-semibold text-fg">Latency objective</h3>
        <p className="text-xs text-muted">A call is good when it succeeds faster than the threshold</p>
      </header>
      <form onSubmit={apply} className="flex flex-wrap items-end gap-2" noValidate>
        <label className="flex w-28 flex-col gap-1 text-[11px] uppercase tracking-wide text-muted">
          Threshold (ms)
          <input
            data-testid="slo-threshold"
            className={input}
            inputMode="decimal"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            aria-invalid={error?.field === 'threshold'}
          />
        </label>
        <label className="flex w-24 flex-col gap-1 text-[11px] uppercase tracking-wide text-muted">
          Target (%)
          <input
            data-testid="slo-target"
            className={input}
            inputMode="decimal"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            aria-invalid={error?.field === 'target'}
          />
        </label>
        <button type="submit" className="rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90">
          Apply
        </button>
        {slo && (
          <button
            type="button"
            onClick={() => onChange(null)}
            className="rounded-lg border border-border px-3 py-1.5 text-sm text-muted hover:text-fg"
          >
            Clear
          </button>
        )}
      </form>
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error.error}
        </p>
      )}
      {!slo && (
        <EmptyState
          compact
          icon="gauge"
          title="No objective set"
          hint="Apply one to see the share of good calls per bucket and how much of the error budget the range used."
        />
      )}
      {slo && result && (
        <>
          <dl className="grid grid-cols-3 gap-3 border-t border-border pt-3">
            <div>
              <dt className="text-[11px] uppercase tracking-wide text-muted">Good calls</dt>
              <dd data-testid="slo-compliance" className="tabular text-lg font-semibold text-fg">
                {formatRatio(result.compliance, 2)}
              </dd>
            </div>
            <div>
              <dt className="text-[11px] uppercase tracking-wide text-muted">Budget used</dt>
              <dd
                data-testid="slo-budget"
                className={`tabular text-lg font-semibold ${consumed !== null && consumed > 1 ? 'text-danger' : 'text-success'}`}
              >
                {formatRatio(consumed, 0)}
              </dd>
            </div>
            <div>
              <dt className="text-[11px] uppercase tracking-wide text-muted">Calls</dt>
              <dd className="tabular text-lg font-semibold text-fg">{formatCompact(result.calls)}</dd>
            </div>
          </dl>
          <p className="text-xs text-muted">
            Faster than {formatDuration(result.threshold_ms)} and successful, for {result.target}% of calls.
          </p>
          <div data-testid="chart-slo" className="h-44">
            {model?.kind === 'ready' && <EChart option={model.option} points={model.points} ariaLabel="Calls meeting the objective" />}
            {model?.kind === 'empty' && <EmptyState compact icon="chart" title={model.reason} hint={model.hint} />}
          </div>
        </>
      )}
    </Card>
  );
}
