// What a budget card says about enforcement at the proxy (docs/integrations/proxy.md, "Budget
// enforcement"): nothing for a budget that only alerts; for an enforced one, whether it is
// blocking calls now (spend ≥ amount) and until when.
import type { Budget } from '../../../api/types';

export interface Enforcement {
  blocking: boolean;
  text: string;
}

/** "2026-02-01T00:00:00.000Z" → "2026-02-01 00:00 UTC". */
function utcMinute(rfc3339: string): string {
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) return rfc3339;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function enforcement(budget: Budget): Enforcement | null {
  if (!budget.enforce) return null;
  if (budget.spend_usd >= budget.amount_usd) {
    return { blocking: true, text: `Spent: the proxy blocks calls in scope until ${utcMinute(budget.period_end)}` };
  }
  return { blocking: false, text: 'Enforced at the proxy: calls in scope are blocked once spent' };
}
