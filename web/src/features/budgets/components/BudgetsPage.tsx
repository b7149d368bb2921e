// Budgets and alerts: a gauge per budget (burn and forecast), create/edit/delete, and the alert
// history. Loading, empty and error states like every page.
import { useState } from 'react';
import type { Budget } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { useAlerts, useBudgets, useDeleteBudget } from '../hooks/useBudgets';
import { AlertHistory } from './AlertHistory';
import { BudgetCard } from './BudgetCard';
import { BudgetForm } from './BudgetForm';

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; budget: Budget };

export function BudgetsPage() {
  const budgets = useBudgets();
  const alerts = useAlerts();
  const remove = useDeleteBudget();
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const list = budgets.data?.budgets;

  let body;
  if (budgets.isError && !list) {
    body = (
      <ErrorState
        message={budgets.error instanceof Error ? budgets.error.message : String(budgets.error)}
        onRetry={() => void budgets.refetch()}
        retrying={budgets.isFetching}
      />
    );
  } else if (!list) {
    body = (
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" aria-busy="true">
        {Array.from({ length: 2 }, (_, idx) => (
          <div key={idx} className="h-80 animate-pulse rounded-xl border border-border bg-background" />
        ))}
      </div>
    );
  } else if (list.length === 0) {
    body = (
      <Card>
        <EmptyState
          icon="dollar"
          title="No budget yet"
          hint="A budget watches spend per day, week or month — for everything or one team, experiment, model or tag — and fires one alert per threshold and period."
          action={
            editing.kind === 'none' && (
              <button
                type="button"
                onClick={() => setEditing({ kind: 'new' })}
                className="mt-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90"
              >
                Create a budget
              </button>
            )
          }
        />
      </Card>
    );
  } else {
    body = (
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
        {list.map((budget) => (
          <BudgetCard
            key={budget.id}
            budget={budget}
            onEdit={() => setEditing({ kind: 'edit', budget })}
            onDelete={() => {
              if (window.confirm(`Delete the budget "${budget.name}"? Its alerts stay in the history.`)) remove.mutate(budget.id);
            }}
            deleting={remove.isPending && remove.variables === budget.id}
          />
        ))}
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-fg">Budgets & alerts</h1>
          <p className="text-sm text-muted">Spend this period, where it is heading, and every alert that fired</p>
        </div>
        {editing.kind === 'none' && list && list.length > 0 && (
          <button
            type="button"
            onClick={() => setEditing({ kind: 'new' })}
            className="rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90"
          >
            New budget
          </button>
        )}
      </div>
      {editing.kind !== 'none' && (
        <BudgetForm
          key={editing.kind === 'edit' ? editing.budget.id : 'new'}
          budget={editing.kind === 'edit' ? editing.budget : undefined}
          onDone={() => setEditing({ kind: 'none' })}
        />
      )}
      {body}
      <AlertHistory alerts={alerts.data?.alerts} />
    </div>
  );
}
