// Prepare layer of the alert history: each alert as one readable row.
import { format } from 'date-fns';
import type { Alert } from '../../../api/types';
import { formatUsd } from '../../../lib/format';

export interface AlertRow {
  id: string;
  when: string;
  budget: string;
  what: string;
  period: string;
  spend: string;
  tone: 'warning' | 'danger' | 'primary';
}

/** An anomaly alert: what and where in the budget column, the sentence as what happened. */
function anomalyRow(alert: Alert): AlertRow {
  return {
    id: alert.id,
    when: format(new Date(alert.fired_at), 'MMM d, HH:mm'),
    budget: `Anomaly · ${alert.dimension ?? ''} ${alert.key ?? ''}`.trim(),
    what: alert.explanation ?? `${alert.metric ?? 'metric'} was unusual`,
    period: alert.t ? `hour from ${format(new Date(alert.t), 'MMM d, HH:mm')}` : '—',
    spend: '—',
    tone: alert.severity === 'critical' ? 'danger' : 'warning',
  };
}

export function alertRows(alerts: Alert[]): AlertRow[] {
  return alerts.map((alert) => {
    if (alert.kind === 'anomaly') return anomalyRow(alert);
    const forecast = alert.kind === 'budget_forecast';
    const threshold = alert.threshold_pct ?? 0;
    return {
      id: alert.id,
      when: format(new Date(alert.fired_at), 'MMM d, HH:mm'),
      budget: alert.budget_name ?? alert.budget_id ?? '—',
      what: forecast
        ? `Projected to exceed${alert.exceeds_on ? ` on ${alert.exceeds_on}` : ''} (${formatUsd(alert.projected_usd)})`
        : `${threshold}% of ${formatUsd(alert.amount_usd)} reached`,
      period: alert.period_start ? `${alert.period ?? 'period'} from ${format(new Date(alert.period_start), 'MMM d')}` : '—',
      spend: formatUsd(alert.spend_usd),
      tone: forecast ? 'primary' : threshold >= 100 ? 'danger' : 'warning',
    };
  });
}
