// Where errors happen: error rate by model, provider or endpoint, or errors by HTTP status.
import { useMemo, useState } from 'react';
import type { Performance } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import { useTheme } from '../../../hooks/useTheme';
import { BREAKDOWN_LABELS, BREAKDOWNS, breakdownModel, type Breakdown } from '../lib/breakdown';

export function ErrorBreakdownCard({ errors, index }: { errors: Performance['errors']; index: number }) {
  const { palette } = useTheme();
  const [by, setBy] = useState<Breakdown>('model');
  const model = useMemo(() => breakdownModel(errors, by, palette), [errors, by, palette]);
  const switcher = (
    <div role="radiogroup" aria-label="Break errors down by" className="flex rounded-lg border border-border p-0.5 text-[11px]">
      {BREAKDOWNS.map((option) => (
        <button
          key={option}
          type="button"
          role="radio"
          aria-checked={by === option}
          data-testid={`breakdown-${option}`}
          onClick={() => setBy(option)}
          className={`rounded-md px-1.5 py-0.5 font-medium transition ${by === option ? 'bg-primary text-white' : 'text-muted hover:text-fg'}`}
        >
          {BREAKDOWN_LABELS[option].replace('HTTP status', 'Status')}
        </button>
      ))}
    </div>
  );
  return (
    <ChartCard
      id="error-breakdown"
      title="Where errors happen"
      description={by === 'http_status' ? 'Errors by HTTP status (share of all errors)' : `Error rate by ${BREAKDOWN_LABELS[by].toLowerCase()}`}
      model={model}
      exportBackground={palette.background}
      actions={switcher}
      index={index}
    />
  );
}
