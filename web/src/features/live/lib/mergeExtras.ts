// Live figures beyond the cards and the current bucket (docs/api.md "Live", "In the web app"):
// the cost card's last 24h / 7d / 30d and the model-usage donut, folded from an update. Pure.
import type { ModelUsage, Overview } from '../../../api/types';
import type { LiveReportMessage } from './messages';

const round = (usd: number) => Math.round(usd * 1e9) / 1e9;  // nano-USD, as the server counts

/**
 * The cost card's windows with the cost the message added (its total minus the card's): new
 * events are at "now", so inside each window. A fall (events sliding out of a relative range) is
 * left to the next fetch.
 */
export function mergeCostWindows(cost: Overview['cards']['cost_usd'], message: LiveReportMessage): Overview['cards']['cost_usd'] {
  const added = (message.totals.cost_usd ?? 0) - (cost.value ?? 0);
  if (message.type !== 'update' || !(added > 0)) return cost;
  const plus = (value: number | null) => round((value ?? 0) + added);
  return { ...cost, daily: plus(cost.daily), weekly: plus(cost.weekly), monthly: plus(cost.monthly) };
}

/**
 * Model usage with the update's events counted in, when the update lists every event it added
 * (its event count grew by exactly the events it carries); otherwise unchanged until the next
 * fetch. A model not listed goes to the server's "(other)" entry when there is one.
 */
export function mergeModelUsage(usage: ModelUsage[], totalEvents: number, message: LiveReportMessage): ModelUsage[] {
  const added = message.totals.events - totalEvents;
  if (message.type !== 'update' || added <= 0 || added !== message.events.length) return usage;
  const next = usage.map((entry) => ({ ...entry }));
  for (const event of message.events) {
    const model = event.model ?? '(none)';
    let entry = next.find((u) => u.model === model) ?? next.find((u) => u.model === '(other)');
    if (!entry) {
      entry = { model, provider: event.provider ?? '', count: 0, share: 0, cost_usd: null };
      next.push(entry);
    }
    entry.count += 1;
    if (event.cost_usd !== undefined) entry.cost_usd = round((entry.cost_usd ?? 0) + event.cost_usd);
  }
  const total = next.reduce((sum, u) => sum + u.count, 0);
  for (const entry of next) entry.share = total > 0 ? entry.count / total : 0;
  return next;
}
