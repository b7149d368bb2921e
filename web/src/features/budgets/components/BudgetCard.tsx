// One budget: its gauge (burn and forecast band), the figures behind it, edit and delete.
import { useMemo } from 'react';
import type { Budget } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EChart } from '../../../components/ui/EChart';
import { useTheme } from '../../../hooks/useTheme';
import { formatUsd } from '../../../lib/format';
import '../../cost/lib/echartsParts';
import { enforcement } from '../lib/enforcement';
import { gaugeModel } from '../lib/gauge';
import { outlook } from '../lib/outlook';

interface BudgetCardProps {
  budget: Budget;
  onEdit: () => void;
  onDelete: () => void;
  deleting: boolean;
}

export function BudgetCard({ budget, onEdit, onDelete, deleting }: BudgetCardProps) {
  const { palette } = useTheme();
  const model = useMemo(() => gaugeModel(budget, palette), [budget, palette]);
  const scope = budget.scope ? `${budget.scope.field} = ${budget.scope.value}` : 'all calls';
  const over = budget.projected_usd >= budget.amount_usd;
  const enforced = enforcement(budget);
  const outlookView = outlook(budget);
  return (
    <Card data-testid={`chart-budget-${budget.id}`} className="flex flex-col p-4">
      <header className="flex items-start gap-2">
        <div className="min-w-0">
          <h3 className="truncate text-sm font-semibold text-fg" title={budget.name}>
            {budget.name}
          </h3>
          <p className="truncate text-xs text-muted">
            {formatUsd(budget.amount_usd)} per {budget.period} · {scope} · alerts at {budget.thresholds_pct.join(' / ')} %
          </p>
        </div>
        <div className="ml-auto flex shrink-0 gap-1">
          <button
            type="button"
            onClick={onEdit}
            className="rounded-md px-2 py-1 text-xs font-medium text-primary hover:bg-primary/10"
            aria-label={`Edit budget ${budget.name}`}
          >
            Edit
          </button>
          <button
            type="button"
            onClick={onDelete}
            disabled={deleting}
            className="rounded-md px-2 py-1 text-xs font-medium text-danger hover:bg-danger/10 disabled:opacity-50"
            aria-label={`Delete budget ${budget.name}`}
          >
            Delete
          </button>
        </div>
      </header>
      {enforced && (
        <p
          data-testid={`budget-${budget.id}-enforce`}
          className={`mt-2 rounded-md px-2 py-1 text-xs font-medium ${enforced.blocking ? 'bg-danger/10 text-danger' : 'bg-primary/10 text-primary'}`}
        >
          {enforced.text}
        </p>
      )}
      <div className="h-52">
        {model.kind === 'ready' && <EChart option={model.option} points={model.points} ariaLabel={`${budget.name} burn`} />}
      </div>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
        <dt className="text-muted">Spent this {budget.period}</dt>
        <dd data-testid={`budget-${budget.id}-spend`} className="text-right font-medium text-fg tabular-nums">
          {formatUsd(budget.spend_usd)}
        </dd>
        <dt className="text-muted">Projected at the end</dt>
        <dd className={`text-right font-medium tabular-nums ${over ? 'text-danger' : 'text-fg'}`}>
          {formatUsd(budget.projected_usd)}
        </dd>
        <dt className="text-muted">80 % interval</dt>
        <dd className="text-right text-fg tabular-nums">
          {formatUsd(budget.projected_low_usd)} – {formatUsd(budget.projected_high_usd)}
        </dd>
      </dl>
      <p data-testid={`budget-${budget.id}-exceeds`} className={`mt-2 text-xs tabular-nums ${outlookView.over ? 'font-medium text-danger' : 'text-success'}`}>
        {outlookView.text}
      </p>
      {outlookView.band && <p className="text-xs text-muted tabular-nums">{outlookView.band}</p>}
    </Card>
  );
}
