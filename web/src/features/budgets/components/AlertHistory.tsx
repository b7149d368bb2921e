// Every alert fired, newest first: thresholds reached and forecasts, with the spend at the time.
import type { Alert } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { alertRows } from '../lib/alerts';

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
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-muted">
              <tr>
                <th className="py-1 pr-3 font-medium">Fired</th>
                <th className="pr-3 font-medium">Budget</th>
                <th className="pr-3 font-medium">Alert</th>
                <th className="pr-3 font-medium">Period</th>
                <th className="text-right font-medium">Spend then</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid="alert-row" className="border-t border-border text-fg">
                  <td className="py-1.5 pr-3 whitespace-nowrap text-muted tabular-nums">{row.when}</td>
                  <td className="pr-3 whitespace-nowrap">{row.budget}</td>
                  <td className="pr-3">
                    <span className={`rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONE[row.tone]}`}>{row.what}</span>
                  </td>
                  <td className="pr-3 whitespace-nowrap text-muted">{row.period}</td>
                  <td className="text-right tabular-nums">{row.spend}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
