import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getCost } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';

/** Refetch period of the cost page; live push (features/live) updates the cards and buckets between. */
export const COST_REFRESH_MS = 30_000;

export interface CostView {
  /** stack_by of the over-time chart. */
  stackBy: string;
  /** Tag keys broken down (breakdown=tags.<key>). */
  tagBreakdowns: string[];
}

/** The browser's IANA time zone, for local-time buckets and heatmap hours; null when unknown. */
export function browserTimeZone(): string | null {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) ? zone : null;
}

/** The API parameters of the cost page: the global filters plus the page's own choices. */
export function costParams(filters: Filters, view: CostView, zone = browserTimeZone()): URLSearchParams {
  const params = dashboardParams(filters);
  if (zone && zone !== 'UTC') params.set('tz', zone);
  if (view.stackBy !== 'model') params.set('stack_by', view.stackBy);
  for (const key of view.tagBreakdowns) params.append('breakdown', `tags.${key}`);
  return params;
}

export function costQueryKey(filters: Filters, view: CostView) {
  return ['cost', costParams(filters, view).toString()] as const;
}

export function useCost(filters: Filters, view: CostView) {
  const params = costParams(filters, view);
  return useQuery({
    queryKey: costQueryKey(filters, view),
    queryFn: ({ signal }) => getCost(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: COST_REFRESH_MS,
  });
}
