// What a budget card says about where the spend is heading (docs/api.md, "Budgets"): the date it
// reaches the amount on the central projection, with the dates the 80 % band gives.
import type { Budget } from '../../../api/types';

export interface Outlook {
  over: boolean;
  text: string;
  /** "80 % interval: 2026-01-22 – 2026-01-27"; null when there is no band to show. */
  band: string | null;
}

const METHOD: Record<Budget['projection_method'], string> = {
  ets: 'ETS forecast',
  run_rate: 'mean of the last days',
  today_rate: "today's rate",
};

export function outlook(budget: Budget): Outlook {
  const method = METHOD[budget.projection_method];
  if (!budget.exceeds_on) {
    const band = budget.exceeds_earliest ? `80 % interval: may exceed from ${budget.exceeds_earliest}` : null;
    return { over: false, text: `Not this ${budget.period} (${method})`, band };
  }
  const reached = budget.spend_usd >= budget.amount_usd;
  const text = reached ? `Exceeded on ${budget.exceeds_on}` : `On course to exceed on ${budget.exceeds_on} (${method})`;
  if (reached || !budget.exceeds_earliest) return { over: true, text, band: null };
  const latest = budget.exceeds_latest ?? `after the ${budget.period}`;
  const band = budget.exceeds_earliest === latest ? null : `80 % interval: ${budget.exceeds_earliest} – ${latest}`;
  return { over: true, text, band };
}
