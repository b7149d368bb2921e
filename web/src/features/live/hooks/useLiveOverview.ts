// Live on the Executive Dashboard: the cards, the trend's current bucket, the cost windows and the
// model usage (lib/mergeOverview.ts), and the "Live events" list.
import type { Filters } from '../../filters/lib/filters';
import { overviewQueryKey } from '../../overview/hooks/useOverview';
import { mergeLiveIntoOverview } from '../lib/mergeOverview';
import type { LiveStream } from '../lib/stream';
import { useLiveQuery } from './useLiveQuery';

export { LIVE_EVENTS } from './useLiveQuery';

export function useLiveOverview(filters: Filters, active: boolean): { live: boolean; stream: LiveStream } {
  return useLiveQuery(filters, active, overviewQueryKey(filters), mergeLiveIntoOverview);
}
