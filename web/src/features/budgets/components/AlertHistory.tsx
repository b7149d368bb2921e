// Every alert fired, newest first: thresholds reached and forecasts, with the spend at the time.
import type { Alert } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { alertRows } from '../lib/alerts';

// The columns from the md breakpoint up: fired, budget, alert, period, spend. Fixed widths (each
// row is its own grid), the alert's wide enough for a forecast's badge.
const ROW_GRID = 'items-center gap-x-3 gap-y-1 md:grid-cols-[7rem_minmax(0,1fr)_16rem_8rem_5.5rem]';
const TONE = { warning: 'bg-warning/15 text-warning', danger: 'bg-danger/15 text-danger', primary: 'bg-primary/15 text-primary' };

export function AlertHistory({ alerts }: { alerts: Alert[] | undefined }) {
  const rows = alertRows(alerts ?? []);
  return (
    <Card data-testid="alert-history" className="p-4">
      <h2 className="mb-2 text-sm font-semibold text-fg">Alert history</h2>
      {alerts === undefined ? (
        <div className="h-24 animate-pulse rounded-lg bg-surface" />
      ) : rows.length === 0 ? (
        <EmptyState compact icon="check" title="No alert has fired yet" hint="An alert fires once per budget, threshold and period." />
      ) : (
        // One grid per alert: five aligned columns from the md breakpoint, and at phone width three
        // stacked lines (budget and spend, the alert, when and the period) instead of a table
        // that would scroll sideways.
        <div role="table" aria-label="Alert history">
          <div role="row" className={`${ROW_GRID} hidden text-left text-xs font-medium text-muted md:grid`}>
            <span role="columnheader">Fired</span>
            <span role="columnheader">Budget</span>
            <span role="columnheader">Alert</span>
            <span role="columnheader">Period</span>
            <span role="columnheader" className="text-right">
              Spend then
            </span>
          </div>
          {rows.map((row) => (
            <div
              key={row.id}
              role="row"
              data-testid="alert-row"
              className={`${ROW_GRID} grid grid-cols-[minmax(0,1fr)_auto] border-t border-border py-2 text-sm text-fg md:py-1.5`}
            >
              <span role="cell" className="order-4 text-xs whitespace-nowrap text-muted tabular-nums md:order-none md:text-sm">
                {row.when}
              </span>
              <span role="cell" className="order-1 truncate font-medium md:order-none md:font-normal" title={row.budget}>
                {row.budget}
              </span>
              <span role="cell" className="order-3 col-span-2 min-w-0 md:order-none md:col-span-1">
                <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${TONE[row.tone]}`}>{row.what}</span>
              </span>
              <span role="cell" className="order-5 text-right text-xs text-muted md:order-none md:text-left md:text-sm">
                {row.period}
              </span>
              <span role="cell" className="order-2 text-right tabular-nums md:order-none">
                {row.spend}
              </span>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
